"""Run every end-to-end benchmark of the installed ``r1-tui`` and print a table with targets.

    python bench/run_all.py            # full (~13 min): a–j below, short runs repeated 3x (median)
    python bench/run_all.py --quick    # ~4 min: smaller N, one run each
    python bench/run_all.py --json results.json

Scenarios: (a) 2,000 tok @ 100/s  (b) 5,000 @ 100/s  (c) 5,000 @ 500/s (lag)
           (d) 40,000 @ 500/s (CPU scaling, peak RSS)  (e) startup to first paint.
           (f)-(j): the answer pane's Markdown (bench_markdown.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_markdown import markdown_scenarios, report, targets  # noqa: E402
from bench_startup import run_startup  # noqa: E402
from bench_stream import QUIET_S, run_stream  # noqa: E402

NUMERIC = ("bytes_per_token", "cpu_per_1k", "lag_s", "peak_rss_mb", "frames_per_s", "bytes_per_frame",
           "achieved_rate", "startup_s")


def median_of(runs: list[dict]) -> dict:
    out = dict(runs[0])
    for key in NUMERIC:
        values = [r[key] for r in runs if key in r]
        if values:
            out[key] = statistics.median(values)
    out["runs"] = len(runs)
    out["all"] = [{k: r.get(k) for k in ("bytes_per_token", "cpu_per_1k", "lag_s")} for r in runs]
    return out


def scenario(name: str, n: int, rate: float, repeats: int) -> dict:
    runs = []
    for i in range(repeats):
        t = time.monotonic()
        print(f"  {name}: {n} tokens @ {rate:g}/s, run {i + 1}/{repeats} …", end="", flush=True, file=sys.stderr)
        runs.append(run_stream(n, rate))
        r = runs[-1]
        print(f" {r['bytes_per_token']:.0f} B/tok, {r['cpu_per_1k']:.2f} CPU-s/1k, lag {r['lag_s']:.3f} s"
              f" ({time.monotonic() - t:.0f} s)", file=sys.stderr)
    return median_of(runs)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorter runs, no repeats")
    parser.add_argument("--json", metavar="FILE", help="also save all results as JSON")
    args = parser.parse_args()
    q = args.quick
    rep = 1 if q else 3
    plan = {
        "a": (1000 if q else 2000, 100.0, rep),
        "b": (2500 if q else 5000, 100.0, 1),
        "c": (5000, 500.0, rep),
        "d": (10000 if q else 40000, 500.0, 1),
    }
    t0 = time.monotonic()
    res: dict = {"quick": q, "cpu_count": os.cpu_count(), "loadavg_before": os.getloadavg()}
    for key, (n, rate, repeats) in plan.items():
        res[key] = scenario(key, n, rate, repeats)
    starts = []
    for i in range(2 if q else 5):
        starts.append(run_startup())
    res["e"] = {"first_paint_s": statistics.median(s["first_paint_s"] for s in starts),
                "min_first_paint_s": min(s["first_paint_s"] for s in starts),
                "settled_s": statistics.median(s["settled_s"] for s in starts),
                "bytes": statistics.median(s["bytes"] for s in starts),
                "rss_mb": statistics.median(s["rss_mb"] for s in starts),
                "runs": len(starts), "all": [round(s["first_paint_s"], 3) for s in starts]}
    res["md"] = markdown_scenarios(q)
    res["loadavg_after"] = os.getloadavg()
    res["elapsed_s"] = time.monotonic() - t0
    a, b, c, d, e = (res[k] for k in "abcde")
    ratio = d["cpu_per_1k"] / c["cpu_per_1k"]
    late, first = d.get("late_window"), d.get("first_window")
    marginal = late["cpu_per_1k"] / first["cpu_per_1k"] if late and first else float("nan")

    print()
    print(f"r1-tui end-to-end benchmarks (pty {120}x{40}, {os.cpu_count()} CPUs, "
          f"load {res['loadavg_before'][0]:.2f}→{res['loadavg_after'][0]:.2f}; medians of the runs shown)")
    head = f"{'scenario':<22}{'runs':>5}{'B/token':>9}{'CPU-s/1k':>10}{'lag s':>8}{'RSS MB':>8}{'frames/s':>9}{'B/frame':>9}{'srv tok/s':>10}"
    print(head)
    print("-" * len(head))
    for key in "abcd":
        r = res[key]
        label = f"({key}) {r['tokens']:,} @ {r['rate']:g}/s"
        print(f"{label:<22}{r['runs']:>5}{r['bytes_per_token']:>9.0f}{r['cpu_per_1k']:>10.2f}{r['lag_s']:>8.3f}"
              f"{r['peak_rss_mb']:>8.0f}{r['frames_per_s']:>9.1f}{r['bytes_per_frame']:>9.0f}{r['achieved_rate']:>10.1f}")
    print(f"{'(e) startup':<22}{e['runs']:>5}   first paint {e['first_paint_s']:.3f} s (min {e['min_first_paint_s']:.3f}),"
          f" settled {e['settled_s']:.3f} s, {e['bytes']:,.0f} B, RSS {e['rss_mb']:.0f} MB")
    if first and late:
        print(f"(d) windows: reasoning tokens {first['tokens']}: {first['cpu_per_1k']:.2f} CPU-s/1k, "
              f"{first['bytes_per_token']:.0f} B/tok; {late['tokens']}: {late['cpu_per_1k']:.2f} CPU-s/1k, "
              f"{late['bytes_per_token']:.0f} B/tok (marginal ratio {marginal:.2f}x)")
    if d.get("answer_window"):
        aw = d["answer_window"]
        print(f"(d) answer tokens {aw['tokens']}: {aw['cpu_per_1k']:.2f} CPU-s/1k, {aw['bytes_per_token']:.0f} B/tok")
    print()
    print("targets")
    rows = [
        (f"bytes/token @100/s (a) ≤ 150", f"{a['bytes_per_token']:.0f}", a["bytes_per_token"] <= 150),
        (f"bytes/token @100/s (b) ≤ 150", f"{b['bytes_per_token']:.0f}", b["bytes_per_token"] <= 150),
        (f"CPU-s/1k tokens @100/s (a) ≤ 1.0", f"{a['cpu_per_1k']:.2f}", a["cpu_per_1k"] <= 1.0),
        (f"CPU-s/1k tokens @100/s (b) ≤ 1.0", f"{b['cpu_per_1k']:.2f}", b["cpu_per_1k"] <= 1.0),
        (f"lag @ {c['tokens']:,}@{c['rate']:g}/s (c) ≤ 0.3 s", f"{c['lag_s']:.3f}", c["lag_s"] <= 0.3),
        (f"CPU/token {d['tokens']:,} (d) vs {c['tokens']:,} (c) @{d['rate']:g}/s ≤ 1.3x", f"{ratio:.2f}x", ratio <= 1.3),
        (f"peak RSS streaming {d['tokens']:,} (d) ≤ 150 MB", f"{d['peak_rss_mb']:.0f}", d["peak_rss_mb"] <= 150),
        ("startup to first paint (e) ≤ 0.8 s", f"{e['first_paint_s']:.3f}", e["first_paint_s"] <= 0.8),
    ]
    for label, value, ok in rows:
        print(f"  {label:<48}{value:>9}  {verdict(ok)}")
    report(res["md"])  # (f)-(j): the answer pane's Markdown, with its own targets
    rows += targets(res["md"])
    print()
    print(f"lag = end of the last non-blink frame before {QUIET_S * 1000:.0f} ms of no frames, minus the server's last"
          " byte (quiet window not included; answer's last word seen on screen:"
          f" {all(res[k].get('marker_seen') for k in 'abcd')}).")
    print("bytes and CPU are counted from the prompt keystrokes to that settle point; regions: --json.")
    res["targets"] = [{"target": t, "value": v, "pass": ok} for t, v, ok in rows]
    res["cpu_ratio_d_over_c"] = ratio
    res["marginal_ratio_d"] = marginal
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=2, default=str)
        print(f"saved {args.json}")


if __name__ == "__main__":
    main()
