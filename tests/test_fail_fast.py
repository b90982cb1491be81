"""Errors that retrying cannot fix fail at once; the ones it can (resets, 429, 5xx, timeouts) are retried."""

from __future__ import annotations

import asyncio
import socket
import ssl
from pathlib import Path

import pytest

from tests.helpers import collect, endpoint_for
from tests.loopback import AZURE_503_BODY, ErrorResponse, Stream
from tests.test_doctor import _self_signed
from tui.llm.errors import unfixable_by_retry
from tui.llm.events import Retrying

MISSING_NAME = "r1-tui-test.invalid"  # RFC 6761: .invalid never resolves


def _name_is_missing() -> bool:
    try:
        socket.getaddrinfo(MISSING_NAME, 9)
    except socket.gaierror as exc:
        return exc.errno == socket.EAI_NONAME
    return False


@pytest.mark.skipif(not _name_is_missing(), reason="this machine's resolver does not answer 'no such name'")
async def test_a_dns_name_that_does_not_exist_fails_at_once() -> None:
    events, t = await collect(endpoint_for(f"http://{MISSING_NAME}:9/v1", attempts=4))
    assert [e for e in events if isinstance(e, Retrying)] == []
    assert t.failure is not None and t.failure.kind == "connection"
    assert "Not retried: name not found" in t.failure.hint and MISSING_NAME in t.failure.hint


async def test_an_untrusted_tls_certificate_fails_at_once(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    try:
        events, t = await collect(endpoint_for(f"https://localhost:{port}/v1", attempts=4))
    finally:
        server.close()
    assert [e for e in events if isinstance(e, Retrying)] == []
    assert t.failure is not None and "Not retried: certificate not trusted" in t.failure.hint


async def test_a_reset_before_any_output_is_still_retried(azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["never"], cut_after=0, cut_reset=True))
    azure_server.enqueue(ErrorResponse(503, AZURE_503_BODY))
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", "ok"]))
    events, t = await collect(endpoint_for(azure_server.base_url, attempts=4))
    assert [e.reason for e in events if isinstance(e, Retrying)] == ["connection failed", "503 server error"]
    assert t.state == "complete" and t.choice(0).answer == "ok"


def test_a_refused_connection_to_a_remote_host_is_retried() -> None:
    cause = OSError("All connection attempts failed")
    cause.__cause__ = ConnectionRefusedError(111, "Connect call failed")
    assert unfixable_by_retry(cause, endpoint_for("https://res.openai.azure.com/openai/v1/")) is None
    assert unfixable_by_retry(cause, endpoint_for("http://localhost:8000/v1")) == "connection refused"
