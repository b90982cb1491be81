"""A paced OpenAI/Azure-compatible SSE server on 127.0.0.1 for the benchmarks (stdlib + tui.demo.chunks).

Token ``k`` is sent at ``t0 + k / rate`` (deadline scheduling, so sleep overshoot never
accumulates into drift; tokens that fall due together go out in one write). One token per
SSE chunk (``delta.content``), then a finish chunk, a usage chunk and ``[DONE]``, built by the
shared chunk builder (tui/demo/chunks.py) as the demo and the tests' loopback server are.
Each served request is recorded as a :class:`Served` (send times, achieved rate).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tui.demo import chunks


@dataclass
class Served:
    """Timing of one streamed answer (``time.monotonic`` clock)."""

    tokens: int
    rate: float
    t_request: float = 0.0
    t_first: float = 0.0  # first content token written
    t_last: float = 0.0  # last byte (terminating chunk) written
    max_behind_s: float = 0.0  # worst lateness of a token against its deadline
    marks: list[tuple[int, float]] = field(default_factory=list)  # (tokens sent, time) every 500
    t_think_end: float = 0.0  # the token holding ``</think>`` written (0: none)
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def achieved_rate(self) -> float:
        span = self.t_last - self.t_first
        return (self.tokens - 1) / span if span > 0 else float("inf")


def _chunk(delta: dict, finish: str | None = None, usage: dict | None = None) -> bytes:
    choices = [] if usage else [chunks.choice(0, delta, finish)]
    extra = {"usage": usage} if usage else {}
    return chunks.sse_chunk(chunks.chunk("chatcmpl-bench", "DeepSeek-R1", choices, **extra), compact=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        t_req = time.monotonic()
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        owner = self.server.owner
        script = owner.next_script()
        if script is None or not self.path.split("?")[0].endswith("/chat/completions"):
            self.send_error(404)
            return
        tokens, rate = script
        req = json.loads(body or b"{}")
        served = Served(len(tokens), rate, t_request=t_req)
        owner.served.append(served)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        self.wfile.write(_chunk({"role": "assistant", "content": ""}))
        self.wfile.flush()
        t0 = time.monotonic()
        served.t_first = t0
        k, n = 0, len(tokens)
        try:
            while k < n:
                now = time.monotonic()
                due = t0 + k / rate
                if due > now:
                    if owner.stopping.wait(due - now):
                        return
                    now = time.monotonic()
                buf = bytearray()
                while k < n and t0 + k / rate <= now:
                    served.max_behind_s = max(served.max_behind_s, now - (t0 + k / rate))
                    buf += _chunk({"content": tokens[k]})
                    if not served.t_think_end and "</think>" in tokens[k]:
                        served.t_think_end = now
                    k += 1
                    if k % 500 == 0:
                        served.marks.append((k, now))
                self.wfile.write(bytes(buf))
                self.wfile.flush()
            tail = _chunk({}, finish="stop")
            if (req.get("stream_options") or {}).get("include_usage"):
                tail += _chunk({}, usage=chunks.usage(20, n, reasoning=int(n * 0.9)))
            tail += chunks.sse_chunk(chunks.DONE) + chunks.CHUNKED_END
            self.wfile.write(tail)
            self.wfile.flush()
            served.t_last = time.monotonic()
            served.marks.append((n, served.t_last))
        except (BrokenPipeError, ConnectionResetError):
            served.t_last = time.monotonic()
        finally:
            served.done.set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: "PacedServer"


class PacedServer:
    """``start()``, ``enqueue(tokens, rate)``, read ``served``; ``stop()`` (or use ``with``)."""

    def __init__(self) -> None:
        self.served: list[Served] = []
        self.stopping = threading.Event()
        self._queue: list[tuple[list[str], float]] = []
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "PacedServer":
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def __enter__(self) -> "PacedServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/openai/v1/"

    def enqueue(self, tokens: list[str], rate: float) -> None:
        with self._lock:
            self._queue.append((list(tokens), rate))

    def next_script(self) -> tuple[list[str], float] | None:
        with self._lock:
            return self._queue.pop(0) if self._queue else None


if __name__ == "__main__":  # self-check of the pacing: python bench/stream_server.py
    import urllib.request

    from workload import make_tokens

    with PacedServer() as srv:
        for n, rate in ((1000, 100.0), (5000, 1000.0)):
            srv.enqueue(make_tokens(n), rate)
            req = urllib.request.Request(srv.base_url + "chat/completions", method="POST",
                                         data=b'{"stream": true}', headers={"content-type": "application/json"})
            with urllib.request.urlopen(req) as resp:
                resp.read()
            s = srv.served[-1]
            print(f"{n} tokens @ {rate:g}/s: achieved {s.achieved_rate:.1f}/s, "
                  f"span {s.t_last - s.t_first:.3f} s (ideal {(n - 1) / rate:.3f}), max behind {s.max_behind_s * 1000:.1f} ms")
