"""The answer pane's Markdown benchmarks (issue 17), end to end in a 120x40 pty.

    python bench/bench_markdown.py            # ~7 min: f-j below, short runs repeated 3x (median)
    python bench/bench_markdown.py --quick    # ~2 min: one run each, smaller N
    python bench/bench_markdown.py --json out.json

(f) answer-heavy stream, 4,000 tokens @ 100/s (98% answer: headings, lists, code, tables):
    bytes/token, CPU-s per 1,000 tokens
(g) the same @ 500/s: bytes/token, CPU, settle lag after the last token (target <= 0.2 s)
(h) one giant paragraph (no line break), 20,000 vs 5,000 tokens @ 500/s: CPU/token ratio (<= 1.3x)
(i) one code block that never closes, 20,000 vs 5,000 tokens @ 500/s: CPU/token ratio (<= 1.3x)
(j) open a stored 40,000-token answer: time to the settled screen (<= 0.5 s)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_open import run_many  # noqa: E402
from bench_stream import run_stream  # noqa: E402

KEYS = ("bytes_per_token", "cpu_per_1k", "lag_s", "frames_per_s", "bytes_per_frame", "peak_rss_mb")
# Issue 17: within 20 % of the plain-row figures of the build before live Markdown (bench/RESULTS.md:
# answer-heavy 4,000 tokens, 126 B/token and 0.77 CPU-s/1k @100/s, 114 B/token and 0.59 CPU-s/1k @500/s).
PLAIN_ROWS = {"f": (126.0, 0.77), "g": (114.0, 0.59)}


def streamed(workload: str, n: int, rate: float, repeats: int) -> dict:
    runs = []
    for i in range(repeats):
        print(f"  {workload}: {n} tokens @ {rate:g}/s, run {i + 1}/{repeats} …", end="", flush=True, file=sys.stderr)
        r = run_stream(n, rate, workload=workload)
        runs.append(r)
        print(f" {r['bytes_per_token']:.0f} B/tok, {r['cpu_per_1k']:.2f} CPU-s/1k, lag {r['lag_s']:.3f} s,"
              f" marker {r['marker_seen']}", file=sys.stderr)
    out = {k: statistics.median(r[k] for r in runs) for k in KEYS}
    out.update(tokens=n, rate=rate, workload=workload, runs=repeats,
               marker_seen=all(r["marker_seen"] for r in runs),
               all=[{k: round(r[k], 3) for k in ("bytes_per_token", "cpu_per_1k", "lag_s")} for r in runs])
    return out


def markdown_scenarios(quick: bool = False) -> dict:
    rep = 1 if quick else 3
    big, small = (10000, 2500) if quick else (20000, 5000)
    res: dict = {"loadavg_before": os.getloadavg()}
    res["f"] = streamed("answer", 2000 if quick else 4000, 100.0, rep)
    res["g"] = streamed("answer", 4000, 500.0, rep)
    for key, kind in (("h", "paragraph"), ("i", "code")):
        res[key] = {"small": streamed(kind, small, 500.0, 1), "big": streamed(kind, big, 500.0, 1)}
        res[key]["ratio"] = res[key]["big"]["cpu_per_1k"] / res[key]["small"]["cpu_per_1k"]
    print("  stored answer: opening …", file=sys.stderr)
    res["j"] = run_many(10000 if quick else 40000, 1 if quick else 3)
    res["loadavg_after"] = os.getloadavg()
    return res


def report(res: dict) -> None:
    f, g, h, i, j = (res[k] for k in "fghij")
    print(f"\nanswer pane Markdown benchmarks (pty 120x40, load {res['loadavg_before'][0]:.2f}→"
          f"{res['loadavg_after'][0]:.2f}; medians)")
    print(f"{'scenario':<44}{'B/token':>9}{'CPU-s/1k':>10}{'lag s':>8}{'frames/s':>9}")
    rows = [(f"(f) answer-heavy {f['tokens']:,} @ 100/s", f), (f"(g) answer-heavy {g['tokens']:,} @ 500/s", g),
            (f"(h) paragraph {h['small']['tokens']:,} @ 500/s", h["small"]),
            (f"(h) paragraph {h['big']['tokens']:,} @ 500/s", h["big"]),
            (f"(i) open code block {i['small']['tokens']:,} @ 500/s", i["small"]),
            (f"(i) open code block {i['big']['tokens']:,} @ 500/s", i["big"])]
    for label, r in rows:
        print(f"{label:<44}{r['bytes_per_token']:>9.0f}{r['cpu_per_1k']:>10.2f}{r['lag_s']:>8.3f}{r['frames_per_s']:>9.1f}")
    print(f"(h) CPU/token big vs small: {h['ratio']:.2f}x   (i): {i['ratio']:.2f}x   (target <= 1.3x)")
    print(f"(j) open a stored {j['tokens']:,}-token answer ({j['chars']:,.0f} chars): {j['open_s']:.3f} s"
          f" (runs {j['all']}), CPU {j['cpu_s']:.2f} s, {j['bytes']:,.0f} B   (target <= 0.5 s)")
    print(f"last word seen on screen in every run: {all(r.get('marker_seen', True) for r in (f, g, h['big'], i['big']))}")
    print("targets")
    for label, value, ok in targets(res):
        print(f"  {label:<56}{value:>9}  {'PASS' if ok else 'FAIL'}")


def targets(res: dict) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for issue 17's measures."""
    rows = []
    for key in "fg":
        r, (plain_bytes, plain_cpu) = res[key], PLAIN_ROWS[key]
        rows.append((f"({key}) B/token @{r['rate']:g}/s <= 1.2 x {plain_bytes:g}", f"{r['bytes_per_token']:.0f}",
                     r["bytes_per_token"] <= 1.2 * plain_bytes))
        rows.append((f"({key}) CPU-s/1k @{r['rate']:g}/s <= 1.2 x {plain_cpu:g}", f"{r['cpu_per_1k']:.2f}",
                     r["cpu_per_1k"] <= 1.2 * plain_cpu))
    rows.append(("(g) settle lag after the last token <= 0.2 s", f"{res['g']['lag_s']:.3f}", res["g"]["lag_s"] <= 0.2))
    for key in "hi":
        rows.append((f"({key}) CPU/token 20k vs 5k single block <= 1.3x", f"{res[key]['ratio']:.2f}x",
                     res[key]["ratio"] <= 1.3))
    rows.append((f"(j) open a stored {res['j']['tokens']:,}-token answer <= 0.5 s", f"{res['j']['open_s']:.3f}",
                 res["j"]["open_s"] <= 0.5))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    res = markdown_scenarios(args.quick)
    report(res)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(res, fh, indent=2, default=str)


if __name__ == "__main__":
    main()
