"""The built-in demo endpoint: a real OpenAI-compatible HTTP + SSE server on 127.0.0.1.

Runs in a daemon thread (stdlib only). ``POST /v1/chat/completions`` streams canned
DeepSeek-R1-style transcripts at about ``tokens_per_s`` (env ``R1_TUI_DEMO_RATE``);
``GET /v1/models`` lists ``demo-r1`` and the hybrid ``demo-v3``, which thinks only when the
request carries DeepSeek's switch ``"thinking": {"type": "enabled"}`` (see :mod:`tui.demo.wire`).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tui.demo import chunks, wire

DEFAULT_RATE = 60.0
RATE_ENV = "R1_TUI_DEMO_RATE"
_CHAT_PATHS = ("/v1/chat/completions", "/openai/v1/chat/completions")


def _rate_from_env() -> float:
    try:
        return float(os.environ.get(RATE_ENV, "") or DEFAULT_RATE)
    except ValueError:
        return DEFAULT_RATE


class _Disconnected(Exception):
    """The client went away (or the server is stopping)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_HTTPServer"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep the TUI clean
        pass

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(30.0)

    def do_GET(self) -> None:  # noqa: N802
        if self.path.split("?", 1)[0].rstrip("/") in ("/v1/models", "/openai/v1/models"):
            self._json(200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "r1-tui-demo"} for m in wire.MODELS]})
        else:
            self._json(404, wire.error_body("Not found", "not_found"))

    def do_POST(self) -> None:  # noqa: N802
        try:
            self._post()
        except (_Disconnected, BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True

    def _post(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path.split("?", 1)[0] not in _CHAT_PATHS:
            self._json(404, wire.error_body("Not found", "not_found"))
            return
        try:
            req = json.loads(raw)
            messages = req["messages"]
            assert isinstance(messages, list) and isinstance(req, dict)
        except (ValueError, KeyError, TypeError, AssertionError):
            self._json(400, wire.error_body("The request body must be JSON with a 'messages' list.",
                                            param="messages"))
            return
        owner = self.server.owner
        if owner._should_rate_limit(wire.last_user_text(messages)):
            self._json(429, wire.RATE_LIMIT_BODY, wire.RATE_LIMIT_HEADERS)
            return
        stops = req.get("stop") or []
        stops = [stops] if isinstance(stops, str) else [s for s in stops if isinstance(s, str)]
        max_tokens = req.get("max_completion_tokens") or req.get("max_tokens")
        n = req.get("n") or 1
        if not isinstance(n, int) or not 1 <= n <= 8:
            self._json(400, wire.error_body("n must be an integer between 1 and 8.", param="n"))
            return
        requested = req.get("model")
        model = requested if isinstance(requested, str) and requested in wire.MODELS else wire.MODEL
        try:
            thinking = wire.thinking_switch(req)
        except ValueError as exc:
            self._json(400, wire.error_body(str(exc), param="thinking"))
            return
        first = owner._asked_before(wire.last_user_text(messages), n)
        choices = wire.plan_all(messages, n, stops, max_tokens if isinstance(max_tokens, int) else None, model,
                                thinking, first)
        n_prompt, cid = wire.prompt_tokens(messages), "chatcmpl-" + uuid.uuid4().hex[:24]
        delay = 1.0 / owner.tokens_per_s if owner.tokens_per_s > 0 else 0.0
        if not req.get("stream"):
            owner._pause(max(len(c.pieces) for c in choices) * delay / 4)
            self._json(200, wire.completion(choices, n_prompt, cid, model))
            return
        include_usage = bool((req.get("stream_options") or {}).get("include_usage"))
        self._stream(choices, n_prompt, cid, include_usage, delay, model)

    def _json(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def _event(self, obj: dict | str) -> None:
        self.wfile.write(chunks.sse_chunk(obj))

    def _stream(self, choices: list[wire.Choice], n_prompt: int, cid: str, include_usage: bool,
                delay: float, model: str = wire.MODEL) -> None:
        owner = self.server.owner
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        cm = wire.ChunkMaker(cid, model)
        self._event(chunks.prompt_filter_chunk())
        for c in choices:
            self._event(cm.delta(c.index, {"role": "assistant", "content": ""}))
        while not all(c.done for c in choices):
            owner._pause(delay)
            for c in choices:
                if c.done:
                    continue
                name, text = c.pieces[c.pos]
                c.pos += 1
                self._event(cm.delta(c.index, {name: text}))
                if c.done:
                    self._event(cm.delta(c.index, {}, c.finish_reason))
        if include_usage:
            self._event(cm.make([], usage=wire.usage(choices, n_prompt)))
        self._event(chunks.DONE)
        self.wfile.write(chunks.CHUNKED_END)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: "DemoServer"


class DemoServer:
    """The in-process demo endpoint. ``start()`` returns its base URL; ``stop()`` ends it."""

    def __init__(self, tokens_per_s: float | None = None, rate_limit_failures: int = 2) -> None:
        self.tokens_per_s = _rate_from_env() if tokens_per_s is None else tokens_per_s
        self.rate_limit_failures = rate_limit_failures
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._rate_counts: dict[str, int] = {}
        self._answers_given: dict[str, int] = {}
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/"

    def start(self) -> str:
        """Bind 127.0.0.1 on a free port, serve in a daemon thread, return the base URL."""
        if self._httpd is None:
            self._stopping.clear()
            httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
            httpd.owner = self
            self._httpd, self.port = httpd, httpd.server_address[1]
            self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                            name="r1-tui-demo-server", daemon=True)
            self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving; streams in flight end promptly."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def __enter__(self) -> "DemoServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _should_rate_limit(self, prompt: str) -> bool:
        """The first ``rate_limit_failures`` requests for a "rate limit" prompt get a 429 (cyclically)."""
        low = prompt.lower()
        if "rate limit" not in low and "rate-limit" not in low:
            return False
        with self._lock:
            seen = self._rate_counts.get(prompt, 0)
            self._rate_counts[prompt] = (seen + 1) % (self.rate_limit_failures + 1)
        return seen < self.rate_limit_failures

    def _asked_before(self, prompt: str, n: int) -> int:
        """How many answers this prompt got before (a regeneration gets the next wordings); counts ``n`` more."""
        with self._lock:
            given = self._answers_given.get(prompt, 0)
            self._answers_given[prompt] = given + n
        return given

    def _pause(self, seconds: float) -> None:
        if seconds > 0 and self._stopping.wait(seconds):
            raise _Disconnected
        if self._stopping.is_set():
            raise _Disconnected
