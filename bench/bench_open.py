"""Open time of a stored long answer in the installed ``r1-tui`` (120x40 pty, ``--offline``).

A private history holds one conversation whose answer is ``--tokens`` tokens of answer-heavy
Markdown (headings, lists, code blocks, tables: ``workload.answer_heavy_tokens``). The app
starts with the list focused; Enter opens the conversation, which scrolls to its end.
open time = from the Enter keystroke to the end of the last output before 300 ms of quiet,
with the answer's last word on screen. CPU is the app's over the same interval.

    python bench/bench_open.py [--tokens 40000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from common import COLS, ROWS, app_env, r1_tui, temp_home
from pty_harness import PtyApp
from workload import MARKER, answer_heavy_tokens

TITLE = "Stored long answer"
QUIET_S = 0.3


def seed(home: str, n_tokens: int) -> int:
    """Write the history with one long answer; return its length in characters."""
    from tui.store import HistoryStore
    from tui.metrics import Timing, Usage

    text = "".join(answer_heavy_tokens(n_tokens))
    answer = text.split("</think>", 1)[1].lstrip("\n")
    data = Path(home) / "data" / "r1-tui"
    data.mkdir(parents=True, mode=0o700)
    store = HistoryStore.open(data / "history.db")
    try:
        conv = store.create_conversation(TITLE)
        user = store.add_user_message(conv, "Explain everything, with code and tables.")
        msg = store.begin_answer(conv, user, model="m", deployment="bench", endpoint_host="127.0.0.1")
        store.update_answer(msg, answer=answer, reasoning="Short.", state="complete", finish_reason="stop",
                            usage=Usage(20, n_tokens, n_tokens + 20, 2, False),
                            timing=Timing(0.1, 0.2, 10.0))
    finally:
        store.close()
    return len(answer)


def run_open(n_tokens: int) -> dict[str, float]:
    with temp_home() as home:
        chars = seed(home, n_tokens)
        app = PtyApp([r1_tui(), "--offline"], app_env(home), COLS, ROWS).start()
        try:
            if app.wait_text(TITLE, 20) is None:
                raise RuntimeError("the conversation list never showed")
            app.wait_quiet(QUIET_S, 10)
            cpu0, t0 = app.cpu_s(), time.monotonic()
            start = app.nbytes
            app.send(b"\r")
            t_marker = app.wait_text(MARKER, 30, start=start)
            if t_marker is None:
                raise RuntimeError("the answer's last word never showed")
            t_settle = app.wait_quiet(QUIET_S, 30, after=t_marker)
            if t_settle is None:
                raise RuntimeError("the screen never settled")
            return {"chars": chars, "open_s": t_settle - t0, "marker_s": t_marker - t0,
                    "cpu_s": app.cpu_s() - cpu0, "bytes": app.bytes_between(t0, t_settle),
                    "peak_rss_mb": app.peak_rss_mb()}
        finally:
            app.close()


def run_many(n_tokens: int, runs: int) -> dict:
    all_runs = [run_open(n_tokens) for _ in range(runs)]
    out: dict = {key: statistics.median(r[key] for r in all_runs) for key in all_runs[0]}
    out.update(tokens=n_tokens, runs=runs, all=[round(r["open_s"], 3) for r in all_runs])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokens", type=int, default=40000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(run_many(args.tokens, args.runs), indent=2))
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
