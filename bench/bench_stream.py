"""Stream N tokens at R tokens/s into the installed ``r1-tui`` in a 120x40 pty and measure it.

Measured from the moment the prompt is typed (once the started app is idle) until the screen settles:
  bytes/token   every byte the app wrote, divided by N
  CPU/1k tok    utime+stime of the app's process tree (/proc/PID/stat), per 1,000 tokens
  lag           settle time minus the server's last byte. "Settled" = the end of the last
                frame (ESC[?2026l) before QUIET_S of no frames, ignoring frames that only touch
                the prompt row (the cursor blink); the answer's last word must be on screen.
  peak RSS      VmHWM of the app at the end
  phases_cpu_s  CPU seconds from send to the first token, over the reasoning, over the answer, and
                from the last byte to settled (sampled every 0.1 s, so +-0.01 s at each edge)
  windows       CPU and bytes per token over the first and the last 5,000 reasoning tokens
                sent (by server send time; CPU sampled every 0.25 s), and over the answer
Run: python bench/bench_stream.py --tokens 5000 --rate 500 [--profile FILE.prof]
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
import threading
import time
from pathlib import Path

from common import COLS, ROWS, app_argv, app_env, first_paint, layout, temp_home
from frames import parse, regions
from pty_harness import PtyApp
from stream_server import PacedServer
from workload import MARKER, tokens_for

QUIET_S = 0.3
IDLE_WINDOW_S = 0.3  # before typing: the app used no CPU tick over this long (its start-up work is done)
PROMPT = b"Plan the solution step by step, then answer with code."
HERE = Path(__file__).resolve().parent


class CpuSampler(threading.Thread):
    """(time, cpu seconds) of the app every ``period`` seconds."""

    def __init__(self, app: PtyApp, period: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.app, self.period = app, period
        self.samples: list[tuple[float, float]] = []
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            try:
                self.samples.append((time.monotonic(), self.app.cpu_s()))
            except OSError:
                return
            self.halt.wait(self.period)

    def at(self, t: float) -> float:
        """CPU seconds at time ``t`` (linear interpolation)."""
        ts = [s[0] for s in self.samples]
        i = bisect.bisect_left(ts, t)
        if i <= 0:
            return self.samples[0][1]
        if i >= len(ts):
            return self.samples[-1][1]
        (t0, c0), (t1, c1) = self.samples[i - 1], self.samples[i]
        return c0 + (c1 - c0) * (t - t0) / (t1 - t0)


def wait_idle(app: PtyApp, timeout: float = 5.0) -> float:
    """Wait until the app's start-up work (the SDK import and client build in a thread, the first
    collections) is done: no CPU used over IDLE_WINDOW_S. A person takes longer than that to type
    a prompt; without it the first send's CPU included whatever start-up had left. Seconds waited."""
    t0 = time.monotonic()
    last = app.cpu_s()
    while time.monotonic() - t0 < timeout:
        time.sleep(IDLE_WINDOW_S)
        now = app.cpu_s()
        if now == last:
            break
        last = now
    return time.monotonic() - t0


def wait_settled(app: PtyApp, t_from: float, blink_rows: set[int], timeout: float) -> float | None:
    """End time of the last non-blink frame before QUIET_S without one (frames ending after t_from)."""
    base = app.offset_at(t_from)
    last, pos = t_from, 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.lock:
            data = bytes(app.buf[base + pos:])
            ends, times = list(app.ends), list(app.times)
        frames = parse(data)
        for f in frames:
            if f.rows - blink_rows:
                i = bisect.bisect_left(ends, base + pos + f.end)
                last = max(last, times[min(i, len(times) - 1)])
        if frames:
            pos += frames[-1].end
        if time.monotonic() - last >= QUIET_S:
            return last
        time.sleep(0.03)
    return None


def run_stream(n: int, rate: float, *, workload: str = "default", profile: str | None = None,
               timeout: float | None = None, dump: str | None = None) -> dict:
    """One streaming run of a named workload (workload.tokens_for); a dict of measurements (module docstring)."""
    timeout = timeout or n / rate * 3 + 60
    cmd = [sys.executable, str(HERE / "profile_app.py"), profile, "--"] if profile else None
    with PacedServer() as srv, temp_home() as home:
        srv.enqueue(tokens_for(workload, n), rate)
        app = PtyApp(app_argv(srv.base_url, cmd), app_env(home), COLS, ROWS).start()
        sampler = CpuSampler(app)
        res: dict = {"tokens": n, "rate": rate, "workload": workload}
        try:
            paint = first_paint(app)
            lay = layout(app)
            sampler.start()
            res["idle_wait_s"] = wait_idle(app)
            cpu0, t_send = app.cpu_s(), time.monotonic()
            app.send(PROMPT)
            time.sleep(0.05)
            app.send(b"\r")
            end = time.monotonic() + 15
            while not srv.served and time.monotonic() < end:
                time.sleep(0.01)
            if not srv.served:
                raise RuntimeError("the app sent no request")
            served = srv.served[0]
            if not served.done.wait(timeout):
                raise RuntimeError("the stream did not finish in time")
            t_marker = app.wait_text(MARKER, 30, start=app.offset_at(served.t_last - 0.5))
            t_settle = wait_settled(app, max(served.t_last, t_marker or 0), {lay["prompt_row"]}, 60)
            if t_settle is None:
                raise RuntimeError("the screen never settled")
            cpu1 = app.cpu_s()
            sampler.samples.append((time.monotonic(), cpu1))
            sampler.halt.set()
            nbytes = app.bytes_between(t_send, t_settle)
            window = bytes(app.buf[app.offset_at(t_send): app.offset_at(t_settle)])
            frames = parse(window)
            if dump:
                Path(dump).write_bytes(window)
            span = t_settle - t_send
            res.update(
                startup_s=paint.t_content - app.t_spawn,
                achieved_rate=served.achieved_rate,
                server_max_behind_ms=served.max_behind_s * 1000,
                ttfb_s=served.t_first - t_send,
                bytes=nbytes,
                bytes_per_token=nbytes / n,
                cpu_s=cpu1 - cpu0,
                cpu_per_1k=(cpu1 - cpu0) / n * 1000,
                lag_s=t_settle - served.t_last,
                marker_seen=t_marker is not None,
                peak_rss_mb=app.peak_rss_mb(),
                frames=len(frames),
                frames_per_s=len(frames) / span,
                bytes_per_frame=(sum(f.nbytes for f in frames) / len(frames)) if frames else 0,
                regions=regions(frames, lay, ROWS),
                layout=lay,
            )
            phases = [("submit", t_send, served.t_first), ("reasoning", served.t_first, served.t_think_end),
                      ("answer", served.t_think_end, served.t_last), ("settle", served.t_last, t_settle)]
            if served.t_think_end:
                res["phases_cpu_s"] = {name: round(sampler.at(b) - sampler.at(a), 3) for name, a, b in phases}
            marks = dict([(0, served.t_first), *served.marks]) if workload == "default" else {}
            n_reason = n - max(20, int(n * 0.10)) - 2  # see workload.make_tokens
            w = min(5000, n_reason // 500 * 500)
            late = (n_reason - w) // 500 * 500
            for label, a, b in (("first", 0, w), ("late", late, late + w), ("answer", n_reason // 500 * 500 + 500, n)):
                if a in marks and b in marks and b > a:
                    cpu = sampler.at(marks[b]) - sampler.at(marks[a])
                    res[f"{label}_window"] = {
                        "tokens": f"{a}-{b}", "cpu_per_1k": cpu / (b - a) * 1000,
                        "bytes_per_token": app.bytes_between(marks[a], marks[b]) / (b - a)}
        finally:
            sampler.halt.set()
            res["clean_exit"] = app.close()
        return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--workload", default="default", choices=("default", "answer", "math", "paragraph", "code"),
                        help="default: long reasoning + 10%% answer; answer: an answer-heavy Markdown reply; "
                             "math: LaTeX-heavy reasoning and answer; paragraph / code: one giant paragraph / one never-closed "
                             "code block")
    parser.add_argument("--profile", help="run the app in-process under cProfile, stats to this file")
    parser.add_argument("--dump", help="write the bytes the app sent while streaming to this file")
    args = parser.parse_args()
    res = run_stream(args.tokens, args.rate, workload=args.workload, profile=args.profile, dump=args.dump)
    print(json.dumps(res, indent=2, default=str))


if __name__ == "__main__":
    main()
