"""Start-to-first-paint and memory of the installed ``r1-tui`` with an empty history vs a big one.

The big history (5,000 conversations / 100,000 messages, built with bench_history.build
through the public store API) is cached in ``--cache`` and copied into each scenario's
private XDG_DATA_HOME. Each run starts the app in a 120x40 pty (pty_harness), waits for
the first paint (footer + prompt placeholder, as bench_startup) and then for the first
conversation row, and reads the peak RSS (VmHWM). Targets: first paint with the big
history <= 1.2x the empty one; peak RSS independent of history size (<= +10 MB).

    /work/venv/bin/python bench/bench_history_startup.py [--runs 5] [--conversations 5000 --messages 100000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench_history import build
from common import COLS, ROWS, app_argv, app_env, first_paint
from pty_harness import PtyApp

TIME_RATIO_TARGET = 1.2
RSS_DELTA_TARGET_MB = 10.0
CACHE = Path(tempfile.gettempdir()) / "r1-bench-history-cache"


def big_history(cache: Path, n_convs: int, n_msgs: int) -> Path:
    """The cached big history (built once; ~a minute for 100k messages)."""
    path = cache / f"history-{n_convs}-{n_msgs}.db"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = cache / "building" / "history.db"
        shutil.rmtree(partial.parent, ignore_errors=True)
        t0 = time.perf_counter()
        build(partial, n_convs, n_msgs)
        print(f"built {n_convs} conversations / {n_msgs} messages in {time.perf_counter() - t0:.0f} s")
        os.replace(partial, path)
    return path


def run_once(home: str, first_row: str | None) -> dict[str, float]:
    """One start: first paint, first list row (if any), peak RSS and CPU."""
    app = PtyApp(app_argv("http://127.0.0.1:9/openai/v1/"), app_env(home), COLS, ROWS)
    app.start()
    try:
        paint = first_paint(app)
        result = {"first_paint_s": paint.t_content - app.t_spawn, "settled_s": paint.t_settled - app.t_spawn}
        if first_row:
            t = app.wait_text(first_row, 20.0)
            result["first_row_s"] = (t - app.t_spawn) if t is not None else float("nan")
        result["rss_mb"] = app.peak_rss_mb()
        result["cpu_s"] = app.cpu_s()
    finally:
        app.close()
    return result


def scenario(name: str, source: Path | None, runs: int, first_row: str | None) -> list[dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="r1-bench-") as home:
        if source is not None:
            data = Path(home) / "data" / "r1-tui"
            data.mkdir(parents=True, mode=0o700)
            shutil.copyfile(source, data / "history.db")
            os.chmod(data / "history.db", 0o600)
        out = [run_once(home, first_row) for _ in range(runs)]
    for r in out:
        print(name, {k: round(v, 3) for k, v in r.items()})
    return out


def first_title(db: Path) -> str:
    """The newest conversation's title as the list shows it (first 20 characters)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tui.store import HistoryStore

    with HistoryStore.open(db, read_only=True) as store:
        return " ".join(store.list_conversations(limit=1)[0].title.split())[:20]


def med(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--conversations", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--cache", type=Path, default=CACHE)
    opts = parser.parse_args()
    db = big_history(opts.cache, opts.conversations, opts.messages)
    size_mb = db.stat().st_size / 1e6
    empty = scenario("empty", None, opts.runs, None)
    full = scenario("full ", db, opts.runs, first_title(db))

    ratio = med(full, "first_paint_s") / med(empty, "first_paint_s")
    rss_delta = med(full, "rss_mb") - med(empty, "rss_mb")
    print(f"\nhistory: {opts.conversations} conversations, {opts.messages} messages, {size_mb:.0f} MB")
    print(f"{'measure (median of %d)' % opts.runs:<34}{'empty':>10}{'full':>10}")
    for key, unit in (("first_paint_s", "s"), ("settled_s", "s"), ("rss_mb", "MB"), ("cpu_s", "s")):
        print(f"{key + ' (' + unit + ')':<34}{med(empty, key):>10.3f}{med(full, key):>10.3f}")
    print(f"{'first list row (s)':<34}{'':>10}{med(full, 'first_row_s'):>10.3f}")
    ok_time = ratio <= TIME_RATIO_TARGET
    ok_rss = rss_delta <= RSS_DELTA_TARGET_MB
    print(f"\nfirst paint full/empty = {ratio:.2f}x (target <= {TIME_RATIO_TARGET}x): {'PASS' if ok_time else 'FAIL'}")
    print(f"peak RSS full - empty = {rss_delta:+.1f} MB (target <= {RSS_DELTA_TARGET_MB:.0f} MB): "
          f"{'PASS' if ok_rss else 'FAIL'}")
    return 0 if ok_time and ok_rss else 1


if __name__ == "__main__":
    raise SystemExit(main())
