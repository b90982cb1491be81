"""Startup to first paint of the installed ``r1-tui`` (empty history) in a 120x40 pty.

First paint = the read that completed the footer (``^q Quit``) and the prompt placeholder
(``Type a prompt``); "settled" = the last read before 100 ms of silence after it.
Run: python bench/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics

from common import COLS, ROWS, app_argv, app_env, first_paint, temp_home
from pty_harness import PtyApp


def run_startup() -> dict[str, float]:
    with temp_home() as home:
        # nothing listens on port 9: the app never connects before a prompt is sent
        app = PtyApp(app_argv("http://127.0.0.1:9/openai/v1/"), app_env(home), COLS, ROWS)
        app.start()
        try:
            paint = first_paint(app)
            result = {
                "first_paint_s": paint.t_content - app.t_spawn,
                "settled_s": paint.t_settled - app.t_spawn,
                "bytes": app.bytes_between(0, paint.t_settled),
                "cpu_s": app.cpu_s(),
                "rss_mb": app.peak_rss_mb(),
            }
        finally:
            result_clean = app.close()
        result["clean_exit"] = float(result_clean)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = [run_startup() for _ in range(args.runs)]
    for r in runs:
        print({k: round(v, 3) for k, v in r.items()})
    print("median first paint: %.3f s" % statistics.median(r["first_paint_s"] for r in runs))


if __name__ == "__main__":
    main()
