"""One chunk builder for every fake endpoint (demo, loopback, bench), read back by an independent parser.

The parser here decodes chunked HTTP and server-sent events itself, strictly, so a framing
mistake in ``tui/demo/chunks.py`` fails these tests rather than being excused by the code
that wrote it.
"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

import pytest

from tests.loopback import LoopbackServer
from tui.demo import DemoServer

ROOT = Path(__file__).resolve().parent.parent
SERVERS = {
    "demo": ROOT / "tui" / "demo" / "server.py",
    "loopback": ROOT / "tests" / "loopback.py",
    "bench": ROOT / "bench" / "stream_server.py",
}


def dechunk(body: bytes) -> bytes:
    """Strict chunked-transfer decoding: every size line, every CRLF, and the zero chunk."""
    out, pos = bytearray(), 0
    while True:
        end = body.index(b"\r\n", pos)
        size = int(body[pos:end], 16)
        start = end + 2
        if size == 0:
            assert body[start:start + 2] == b"\r\n", "no CRLF after the last chunk"
            return bytes(out)
        out += body[start:start + size]
        assert body[start + size:start + size + 2] == b"\r\n", "chunk not followed by CRLF"
        pos = start + size + 2


def events(text: str) -> list[tuple[str, str]]:
    """(event name, data) per server-sent event; every event ends with a blank line."""
    assert text.endswith("\n\n")
    found = []
    for block in text[:-2].split("\n\n"):
        name, data = "", []
        for line in block.split("\n"):
            field, _, value = line.partition(": ")
            assert field in ("event", "data"), line
            if field == "event":
                name = value
            else:
                data.append(value)
        found.append((name, "\n".join(data)))
    return found


def fetch(port: int, path: str, body: dict) -> list[tuple[str, str]]:
    raw = json.dumps(body).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (path.encode(), len(raw), raw))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, payload = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"transfer-encoding: chunked" in head.lower()
    assert b"text/event-stream" in head.lower()
    return events(dechunk(payload).decode())


def stream_of(kind: str) -> list[tuple[str, str]]:
    request = {"model": "m", "stream": True, "stream_options": {"include_usage": True},
               "messages": [{"role": "user", "content": "hi"}]}
    if kind == "demo":
        with DemoServer(tokens_per_s=0) as demo:
            return fetch(demo.port, "/v1/chat/completions", request)
    if kind == "loopback":
        with LoopbackServer() as server:
            return fetch(server.port, "/openai/v1/chat/completions", request)
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from stream_server import PacedServer
    finally:
        sys.path.remove(str(ROOT / "bench"))
    with PacedServer() as paced:
        paced.enqueue(["Hel", "lo"], 10000.0)
        port = int(paced.base_url.rsplit(":", 1)[1].split("/", 1)[0])
        return fetch(port, "/openai/v1/chat/completions", request)


@pytest.mark.parametrize("kind", sorted(SERVERS))
def test_every_server_speaks_the_same_stream_format(kind: str) -> None:
    found = stream_of(kind)
    assert found[-1] == ("", "[DONE]")
    objects = [json.loads(data) for _, data in found[:-1]]
    with_choices = [o for o in objects if o.get("choices")]
    assert with_choices, "no chunk carried a choice"
    for obj in with_choices:
        assert obj["object"] == "chat.completion.chunk" and obj["id"] and isinstance(obj["created"], int)
        assert isinstance(obj["model"], str) and obj["model"]
        for c in obj["choices"]:
            assert {"index", "delta", "finish_reason"} <= set(c)
    assert any(c["finish_reason"] == "stop" for o in with_choices for c in o["choices"])
    usage = objects[-1]["usage"]
    assert objects[-1]["choices"] == [] and usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


@pytest.mark.parametrize("kind", sorted(SERVERS))
def test_no_server_frames_chunks_itself(kind: str) -> None:
    source = SERVERS[kind].read_text(encoding="utf-8")
    assert "from tui.demo import chunks" in source or "from tui.demo import chunks, " in source
    for own_framing in ('b"%x', '"data: ', "chat.completion.chunk", "b\"0\\r\\n\\r\\n\""):
        assert own_framing not in source, f"{SERVERS[kind].name} builds {own_framing!r} itself"
