"""How long the list toggle (F2) and the reasoning toggle (F3) hold the screen (issue 11).

A private history holds one conversation whose answer is ``--tokens`` tokens of answer-heavy
Markdown; the installed ``r1-tui --offline`` opens it at 120x40 (a pty). Then F2 and F3 are each
pressed ``--runs`` times (every press re-wraps the panes at a new width).
repaint time = from the keystroke to the end of the last output before 150 ms of quiet;
CPU is the app's over the same interval.

    python bench/bench_toggle.py [--tokens 4000] [--runs 6]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from bench_open import TITLE, seed
from common import COLS, ROWS, app_env, r1_tui, temp_home
from pty_harness import PtyApp
from workload import MARKER

QUIET_S = 0.15
KEYS = {"f2": b"\x1bOQ", "f3": b"\x1bOR"}


def press(app: PtyApp, key: bytes) -> dict[str, float]:
    """Send one key; the time and CPU until the screen is quiet again."""
    cpu0, t0 = app.cpu_s(), time.monotonic()
    app.send(key)
    t_settle = app.wait_quiet(QUIET_S, 20, after=t0 + 0.001)
    if t_settle is None:
        raise RuntimeError("the screen never settled")
    return {"repaint_s": max(0.0, t_settle - t0), "cpu_s": app.cpu_s() - cpu0,
            "bytes": app.bytes_between(t0, t_settle)}


def run(n_tokens: int, runs: int) -> dict[str, dict[str, float]]:
    with temp_home() as home:
        seed(home, n_tokens)
        app = PtyApp([r1_tui(), "--offline"], app_env(home), COLS, ROWS).start()
        try:
            if app.wait_text(TITLE, 20) is None:
                raise RuntimeError("the conversation list never showed")
            app.wait_quiet(0.3, 10)
            start = app.nbytes
            app.send(b"\r")
            if app.wait_text(MARKER, 30, start=start) is None:
                raise RuntimeError("the answer never showed")
            app.wait_quiet(0.3, 30)
            out: dict[str, dict[str, float]] = {}
            for name, key in KEYS.items():
                presses = [press(app, key) for _ in range(runs)]
                out[name] = {k: round(statistics.median(p[k] for p in presses), 3) for k in presses[0]}
                out[name]["max_repaint_s"] = round(max(p["repaint_s"] for p in presses), 3)
            return out
        finally:
            app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokens", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()
    print(json.dumps({"tokens": args.tokens, "runs": args.runs, **run(args.tokens, args.runs)}, indent=2))
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
