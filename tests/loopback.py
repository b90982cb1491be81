"""A fault-injecting Azure / OpenAI-compatible chat-completions server for tests.

Stdlib, plus the chunk builder the demo and the benchmarks share (tui/demo/chunks.py); what
it writes is read back by the real openai client, never by that builder. Real HTTP/1.1 on 127.0.0.1 (port 0) in a daemon thread; each response
closes its connection. Streams use chunked transfer encoding, like Azure, so an abrupt
cut (``cut_after``) is a protocol error on the client side, not a clean end of body.

Program it with :meth:`LoopbackServer.enqueue` (FIFO); when the queue is empty every
request gets :func:`default_stream`. Every request is recorded in ``.requests``.

    server.enqueue(Stream(content_chunks=["<think>", "hm", "</think>", "ok"], azure_quirks=True))
    server.enqueue(ErrorResponse(429, azure_429_body(), headers=rate_limit_headers(50)))
    server.enqueue(Stream(deltas=[{"reasoning_content": "hm"}, {"tool_calls": [...]}], finish_reason="tool_calls"))
    server.models = ["DeepSeek-R1", "DeepSeek-V3.1"]   # GET /models (or an ErrorResponse)
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Sequence

from tui.demo import chunks

__all__ = [
    "AZURE_401_BODY", "AZURE_401_PERMISSION_BODY", "AZURE_403_BODY", "AZURE_404_BODY",
    "AZURE_503_BODY", "CONTEXT_LENGTH_BODY", "STREAM_OPTIONS_400_BODY", "ErrorResponse",
    "LoopbackServer", "RawStream", "RecordedRequest", "Stream", "azure_429_body", "content_filter_body",
    "context_length_body", "default_stream", "rate_limit_headers", "usage",
]

# --------------------------------------------------------------------------- bodies

AZURE_401_BODY: dict = {"error": {"code": "401", "message": (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
    "provide a valid key for an active subscription and use a correct regional API "
    "endpoint for your resource.")}}
AZURE_401_PERMISSION_BODY: dict = {"error": {"code": "PermissionDenied", "message": (
    "Principal does not have access to API/Operation.")}}
AZURE_403_BODY: dict = {"error": {"code": "PermissionDenied", "message": (
    "The principal `00000000-1111-2222-3333-444444444444` lacks the required data action "
    "`Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action` to "
    "perform `POST /openai/deployments/{deployment-id}/chat/completions` operation.")}}
AZURE_404_BODY: dict = {"error": {"code": "DeploymentNotFound", "message": (
    "The API deployment for this resource does not exist. If you created the deployment "
    "within the last 5 minutes, please wait a moment and try again.")}}
AZURE_503_BODY: dict = {"error": {"code": "ServiceUnavailable", "message": (
    "The service is temporarily unable to process your request. Please try again later.")}}
STREAM_OPTIONS_400_BODY: dict = {"error": {
    "message": "Unrecognized request argument supplied: stream_options",
    "type": "invalid_request_error", "param": None, "code": None}}


def context_length_body(limit: int = 128000, got: int = 131072) -> dict:
    """Azure/OpenAI 400 ``context_length_exceeded`` body."""
    return {"error": {
        "message": (f"This model's maximum context length is {limit} tokens. However, your "
                    f"messages resulted in {got} tokens. Please reduce the length of the messages."),
        "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}


CONTEXT_LENGTH_BODY: dict = context_length_body()


def _filter_results(filtered: str | None = None, severity: str = "medium") -> dict:
    return chunks.filter_results(filtered, severity)


def content_filter_body(category: str = "violence", severity: str = "medium") -> dict:
    """Azure 400 ``content_filter`` body (prompt filtered) with ``innererror`` categories."""
    result = _filter_results(category, severity)
    result["jailbreak"] = {"filtered": category == "jailbreak", "detected": category == "jailbreak"}
    return {"error": {
        "message": ("The response was filtered due to the prompt triggering Azure OpenAI's content "
                    "management policy. Please modify your prompt and retry. To learn more about our "
                    "content filtering policies please read our documentation: "
                    "https://go.microsoft.com/fwlink/?linkid=2198766"),
        "type": None, "param": "prompt", "code": "content_filter", "status": 400,
        "innererror": {"code": "ResponsibleAIPolicyViolation", "content_filter_result": result}}}


def azure_429_body(retry_after_s: int = 1, api_version: str = "2024-10-21") -> dict:
    """Azure 429 (token rate limit) body."""
    return {"error": {"code": "429", "message": (
        f"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version "
        f"{api_version} have exceeded token rate limit of your current AIServices S0 pricing "
        f"tier. Please retry after {retry_after_s} second. Please go here: "
        f"https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.")}}


def rate_limit_headers(retry_after_ms: int | None = None, retry_after_s: int | None = None) -> dict[str, str]:
    """``retry-after`` / ``retry-after-ms`` / ``x-ratelimit-*`` headers for a 429."""
    h = {"x-ratelimit-remaining-requests": "0", "x-ratelimit-remaining-tokens": "0",
         "x-ratelimit-limit-requests": "60", "x-ratelimit-limit-tokens": "60000"}
    if retry_after_ms is not None:
        h["retry-after-ms"] = str(retry_after_ms)
    if retry_after_s is not None:
        h["retry-after"] = str(retry_after_s)
    return h


def usage(prompt: int = 12, completion: int = 40, reasoning: int | None = None) -> dict:
    """An OpenAI ``usage`` object (``completion_tokens_details.reasoning_tokens`` if given)."""
    return chunks.usage(prompt, completion, reasoning)


# --------------------------------------------------------------------------- scripts

@dataclass
class ErrorResponse:
    """A non-2xx JSON answer (``body`` may be a dict or a raw string)."""

    status: int
    body: dict | str = field(default_factory=lambda: dict(AZURE_503_BODY))
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class Stream:
    """A scripted chat-completion answer, streamed as SSE (or one JSON body if ``stream`` is false).

    ``cut_after`` / ``error_event_after`` count text-bearing chunk *steps* (one step sends a
    chunk for every choice). ``usage=None`` means "computed from the chunk counts";
    ``usage_placement=None`` sends no usage at all. Usage is only sent when the request set
    ``stream_options.include_usage`` unless ``force_usage``.
    """

    content_chunks: Sequence[str] = ()
    reasoning_chunks: Sequence[str] = ()
    reasoning_field: Literal["reasoning_content", "reasoning"] = "reasoning_content"
    finish_reason: str | None = "stop"
    no_finish_reason: bool = False
    usage: dict | None = None
    usage_placement: Literal["final_chunk", "trailing"] | None = "trailing"
    force_usage: bool = False
    azure_quirks: bool = False
    n: int = 1
    choice_content: Sequence[Sequence[str]] | None = None  # per-choice content (n > 1)
    delay_s: float = 0.0
    first_byte_delay_s: float = 0.0
    cut_after: int | None = None
    cut_reset: bool = False  # cut with a TCP RST instead of a FIN
    error_event_after: int | None = None
    error_message: str = "The server had an error while processing your request. Sorry about that!"
    model: str = "DeepSeek-R1"
    headers: dict[str, str] = field(default_factory=dict)
    deltas: Sequence[dict] | None = None  # raw deltas for choice 0, one chunk each (replaces the chunk lists)
    hold_at: int | None = None  # before this step (len(steps): before the finish) wait for ``resume``
    resume: threading.Event | None = None


@dataclass
class RawStream:
    """A stream sent verbatim: each item of ``events`` is one SSE ``data:`` payload (a dict is
    JSON-encoded, a str is sent as is), then ``data: [DONE]`` unless ``done`` is false.
    ``body`` replaces all of that with these exact bytes (a recorded SSE body, a hostile one)."""

    events: Sequence[dict | str] = ()
    headers: dict[str, str] = field(default_factory=dict)
    done: bool = True
    body: bytes | None = None


Script = Stream | ErrorResponse | RawStream


def default_stream() -> Stream:
    """The healthy answer given when nothing is queued: ``<think>`` content, Azure-shaped."""
    return Stream(content_chunks=["<think>", "\nThe user", " says hello.", " Greet back.\n",
                                  "</think>", "\n\n", "Hello", "! How can", " I help?"],
                  usage=usage(9, 9, reasoning=4), azure_quirks=True)


@dataclass
class RecordedRequest:
    """One request as received (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any


# --------------------------------------------------------------------------- rendering

def _chunk(s: Stream, cid: str, created: int, choices: list, **extra: Any) -> dict:
    if s.azure_quirks:
        extra = {"system_fingerprint": "fp_7ad7d4ba36", **extra}
    return chunks.chunk(cid, s.model, choices, created, **extra)


def _choice(s: Stream, index: int, delta: dict | None, finish: str | None = None) -> dict:
    extra: dict[str, Any] = {"logprobs": None}
    if s.azure_quirks and delta and (delta.get("content") or delta.get(s.reasoning_field)):
        extra["content_filter_results"] = _filter_results()
    return chunks.choice(index, delta, finish, **extra)


def _steps(s: Stream) -> list[list[dict]]:
    """Deltas per step, one per choice; reasoning steps first, then content."""
    if s.deltas is not None:
        return [[dict(d)] for d in s.deltas]
    contents = [list(s.choice_content[i]) if s.choice_content else list(s.content_chunks)
                for i in range(s.n)]
    steps = [[{s.reasoning_field: t} for _ in range(s.n)] for t in s.reasoning_chunks]
    for k in range(max(len(c) for c in contents)):
        steps.append([{"content": c[k]} if k < len(c) else {} for c in contents])
    return steps


def _usage_for(s: Stream) -> dict:
    if s.usage is not None:
        return s.usage
    if s.deltas is not None:
        return usage(12, len(s.deltas))
    return usage(12, (len(s.reasoning_chunks) + len(s.content_chunks)) * s.n,
                 reasoning=len(s.reasoning_chunks) * s.n or None)


def completion_body(s: Stream) -> dict:
    """The non-streaming JSON completion equivalent to ``s``."""
    choices = []
    for i in range(s.n):
        content = "".join(s.choice_content[i]) if s.choice_content else "".join(s.content_chunks)
        msg: dict[str, Any] = {"role": "assistant", "content": content}
        if s.reasoning_chunks:
            msg[s.reasoning_field] = "".join(s.reasoning_chunks)
        choices.append(chunks.message_choice(i, msg, None if s.no_finish_reason else s.finish_reason))
    return chunks.completion("chatcmpl-loopback", s.model, choices, int(time.time()), usage=_usage_for(s))


# --------------------------------------------------------------------------- server

class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_HTTPServer"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence
        pass

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(5.0)

    def do_GET(self) -> None:  # noqa: N802
        rec = self._record(b"")
        owner = self.server.owner
        if not self.path.split("?", 1)[0].rstrip("/").endswith("/models"):
            self._json(404, {"error": {"code": "404", "message": "Resource not found"}})
            return
        if not owner._auth_ok(rec.headers):
            self._json(401, AZURE_401_BODY)
            return
        answer = owner.models
        try:
            if isinstance(answer, ErrorResponse):
                owner._sleep(answer.delay_s)
                self._json(answer.status, answer.body, answer.headers)
            elif not owner._sleep(owner.models_delay_s):
                self._json(200, {"object": "list", "data": [{"id": m, "object": "model", "created": 0,
                                                             "owned_by": "system"} for m in answer]})
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        rec = self._record(raw)
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        if path not in ("/openai/v1/chat/completions", "/v1/chat/completions"):
            self._json(404, {"error": {"code": "404", "message": "Resource not found"}})
            return
        if not owner._auth_ok(rec.headers):
            self._json(401, AZURE_401_BODY)
            return
        item = owner._next()
        try:
            if isinstance(item, ErrorResponse):
                owner._sleep(item.delay_s)
                self._json(item.status, item.body, item.headers)
            elif isinstance(item, RawStream):
                self._raw_stream(item)
            elif isinstance(rec.json, dict) and rec.json.get("stream"):
                self._stream(item, rec.json)
            else:
                owner._sleep(item.first_byte_delay_s)
                self._json(200, completion_body(item), item.headers)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True

    # -- helpers

    def _record(self, raw: bytes) -> RecordedRequest:
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        rec = RecordedRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                              raw, parsed)
        self.server.owner._add(rec)
        return rec

    def _json(self, status: int, body: dict | str, headers: dict[str, str] | None = None) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("apim-request-id", "00000000-aaaa-bbbb-cccc-dddddddddddd")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def _event(self, obj: dict | str, event: str | None = None) -> None:
        self.wfile.write(chunks.sse_chunk(obj, event))

    def _cut(self, reset: bool) -> None:
        self.close_connection = True
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            self.connection.shutdown(socket.SHUT_RDWR)

    def _held(self, s: Stream) -> bool:
        """Wait for ``s.resume`` (``hold_at``); False if the server stops first."""
        assert s.resume is not None, "hold_at needs a resume event"
        stopping = self.server.owner._stopping
        while not s.resume.wait(0.05):
            if stopping.is_set():
                return False
        return True

    def _raw_stream(self, s: RawStream) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("transfer-encoding", "chunked")
        for k, v in s.headers.items():
            self.send_header(k, v)
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        if s.body is not None:
            self.wfile.write(chunks.http_chunk(s.body))
        else:
            for item in s.events:
                self._event(item)
            if s.done:
                self._event("[DONE]")
        self.wfile.write(chunks.CHUNKED_END)

    def _stream(self, s: Stream, req: dict) -> None:
        owner = self.server.owner
        owner._sleep(s.first_byte_delay_s)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("apim-request-id", "00000000-aaaa-bbbb-cccc-dddddddddddd")
        for k, v in s.headers.items():
            self.send_header(k, v)
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        cid, created = "chatcmpl-" + format(id(s), "x"), int(time.time())
        opts = req.get("stream_options") or {}
        want_usage = s.usage_placement is not None and (s.force_usage or bool(opts.get("include_usage")))
        if s.azure_quirks:
            self._event(chunks.prompt_filter_chunk())
        for i in range(s.n):
            self._event(_chunk(s, cid, created, [_choice(s, i, {"role": "assistant", "content": ""})]))
        steps = _steps(s)
        for k, step in enumerate(steps):
            if k == s.hold_at and not self._held(s):
                return
            if s.cut_after is not None and k >= s.cut_after:
                self._cut(s.cut_reset)
                return
            if s.error_event_after is not None and k >= s.error_event_after:
                self._event({"error": {"message": s.error_message, "type": "server_error",
                                       "param": None, "code": None}}, event="error")
                self._cut(False)
                return
            if owner._sleep(s.delay_s):
                self._cut(True)
                return
            for i, delta in enumerate(step):
                if delta:
                    self._event(_chunk(s, cid, created, [_choice(s, i, delta)]))
            if s.azure_quirks and k == 2:
                self._event(_chunk(s, cid, created, [_choice(s, 0, {})]))
        if s.hold_at == len(steps) and not self._held(s):
            return
        if not s.no_finish_reason:
            for i in range(s.n):
                extra = {"usage": _usage_for(s)} if (want_usage and s.usage_placement == "final_chunk"
                                                     and i == s.n - 1) else {}
                self._event(_chunk(s, cid, created, [_choice(s, i, {}, s.finish_reason)], **extra))
        if s.azure_quirks:
            tail = _choice(s, 0, None)
            tail["content_filter_results"] = _filter_results()
            self._event(_chunk(s, cid, created, [tail]))
        if want_usage and (s.usage_placement == "trailing" or s.no_finish_reason):
            self._event(_chunk(s, cid, created, [], usage=_usage_for(s)))
        self._event(chunks.DONE)
        self.wfile.write(chunks.CHUNKED_END)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: "LoopbackServer"


class LoopbackServer:
    """The fault-injecting server. ``start()`` it (or use it as a context manager)."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._queue: deque[Script] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._auth: tuple[str | None, str | None] | None = None
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.models: list[str] | ErrorResponse = ["DeepSeek-R1"]  # what GET /models answers
        self.models_delay_s = 0.0  # wait this long before answering GET /models

    # lifecycle
    def start(self) -> "LoopbackServer":
        httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        httpd.owner = self
        self._httpd, self.port = httpd, httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"loopback-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def __enter__(self) -> "LoopbackServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/openai/v1/"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # programming
    def enqueue(self, *items: Script) -> None:
        """Append scripted responses (FIFO)."""
        with self._lock:
            self._queue.extend(items)

    def script(self, *items: Script) -> None:
        """Replace the queue with ``items``."""
        with self._lock:
            self._queue.clear()
            self._queue.extend(items)

    def require_auth(self, api_key: str | None = None, bearer: str | None = None) -> None:
        """Answer 401 unless ``api-key: api_key`` or ``Authorization: Bearer bearer`` is sent."""
        self._auth = (api_key, bearer)

    def reset(self) -> None:
        """Forget requests, queued scripts and auth requirements."""
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self._auth = None

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        """Block until ``count`` requests have arrived (True) or ``timeout`` passes (False)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if len(self.requests) >= count:
                return True
            time.sleep(0.01)
        return len(self.requests) >= count

    # used by the handler
    def _add(self, rec: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(rec)

    def _next(self) -> Script:
        with self._lock:
            return self._queue.popleft() if self._queue else default_stream()

    def _auth_ok(self, headers: dict[str, str]) -> bool:
        if self._auth is None:
            return True
        key, bearer = self._auth
        if key is not None and headers.get("api-key") == key:
            return True
        return bearer is not None and headers.get("authorization") == f"Bearer {bearer}"

    def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopping; True when the server is stopping."""
        return self._stopping.wait(seconds) if seconds > 0 else self._stopping.is_set()
