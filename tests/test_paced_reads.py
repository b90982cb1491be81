"""Paced network reads (tui/llm/paced_reads.py): a streamed body is read in batches, nothing lost."""

from __future__ import annotations

import ssl
from typing import Any

import httpcore2
import httpx2

from tests.helpers import collect, endpoint_for
from tests.loopback import Stream
from tui.llm.client import ChatClient
from tui.llm.paced_reads import READ_GAP_S, PacedBackend, PacedStream, pace_transport


class FakeClock:
    """A clock that moves only when slept on (or told to)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


class Inner(httpcore2.AsyncNetworkStream):
    """A network stream that hands out scripted pieces and records what it was asked."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces
        self.written: list[bytes] = []
        self.closed = False
        self.tls: tuple[Any, ...] | None = None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.pieces.pop(0) if self.pieces else b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.written.append(buffer)

    async def aclose(self) -> None:
        self.closed = True

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore2.AsyncNetworkStream:
        self.tls = (ssl_context, server_hostname, timeout)
        return Inner(["tls".encode()])

    def get_extra_info(self, info: str) -> Any:
        return f"info:{info}"


async def test_reads_start_no_sooner_than_the_gap_after_the_last_read_and_the_first_is_never_delayed() -> None:
    clock = FakeClock()
    stream = PacedStream(Inner([b"a", b"b", b"c"]), 0.03, clock, clock.sleep)
    assert await stream.read(100) == b"a"
    assert clock.sleeps == []  # the first read is not delayed
    clock.now += 0.01  # the reader took 10 ms over the first piece
    assert await stream.read(100) == b"b"
    assert clock.sleeps == [0.02]  # waits out the rest of the gap only
    clock.now += 0.5  # a long pause in the stream: no wait at all
    assert await stream.read(100) == b"c"
    assert clock.sleeps == [0.02] and stream.reads == 3


async def test_writes_close_tls_and_extra_info_go_to_the_inner_stream_and_tls_stays_paced() -> None:
    clock = FakeClock()
    inner = Inner([])
    stream = PacedStream(inner, 0.05, clock, clock.sleep)
    await stream.write(b"POST")
    assert inner.written == [b"POST"]
    assert stream.get_extra_info("server_addr") == "info:server_addr"
    context = ssl.create_default_context()
    tls = await stream.start_tls(context, "example.org", 3.0)
    assert inner.tls == (context, "example.org", 3.0)
    assert isinstance(tls, PacedStream)
    assert await tls.read(10) == b"tls"
    await tls.read(10)
    assert clock.sleeps == [0.05]  # the TLS stream keeps the same gap
    await stream.aclose()
    assert inner.closed


def test_pacing_is_installed_on_the_transports_pool_direct_and_through_a_proxy() -> None:
    for proxy in (None, "http://127.0.0.1:9"):
        transport = httpx2.AsyncHTTPTransport(proxy=proxy)
        backend = pace_transport(transport, 0.02)
        assert isinstance(backend, PacedBackend) and backend.gap_s == 0.02
        assert transport._pool._network_backend is backend  # canary: the pool hands this to every connection


def test_the_wrappers_are_what_httpcore_expects_and_importing_them_does_not_import_it() -> None:
    import subprocess
    import sys

    for name in ("read", "write", "aclose", "start_tls", "get_extra_info"):
        assert callable(getattr(PacedStream, name)) and callable(getattr(httpcore2.AsyncNetworkStream, name))
    for name in ("connect_tcp", "connect_unix_socket", "sleep"):
        assert callable(getattr(PacedBackend, name)) and callable(getattr(httpcore2.AsyncNetworkBackend, name))
    code = "import sys, tui.llm.client; print('httpcore2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"  # start-up does not pay for the HTTP library before the first paint


def test_pacing_off_or_an_unknown_transport_leaves_reads_unpaced() -> None:
    transport = httpx2.AsyncHTTPTransport()
    before = transport._pool._network_backend
    assert pace_transport(transport, 0) is None
    assert transport._pool._network_backend is before
    assert pace_transport(object()) is None  # insides differ: no pacing, no error


async def test_a_stream_of_spaced_chunks_arrives_whole_in_fewer_reads_than_chunks(azure_server) -> None:
    pieces = [f"w{i} " for i in range(40)]
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", *pieces], delay_s=0.005, azure_quirks=True))
    endpoint = endpoint_for(azure_server.base_url)
    client = ChatClient(endpoint, read_gap_s=0.05)
    _, transcript = await collect(endpoint, client=client)
    assert transcript.choice(0).answer == "".join(pieces) and transcript.state == "complete"
    assert client.paced is not None and client.paced.streams
    reads = sum(s.reads for s in client.paced.streams)
    assert reads < len(pieces) / 2  # ~0.2 s of 5 ms chunks read every 50 ms: a handful of reads, not 40+


def test_the_default_gap_is_well_under_a_frame() -> None:
    assert 0 < READ_GAP_S <= 0.05  # the answer pane paints at 5 Hz: a read at most every 50 ms is not seen


def test_warm_up_imports_what_the_first_request_would() -> None:
    """The first send imports nothing more in the UI thread: the chat resources the SDK loads
    lazily on the first ``client.chat`` are imported by the warm-up too."""
    import subprocess
    import sys

    code = ("import sys; from tui.llm.client import ChatClient; "
            "before = 'openai.resources.chat.completions' in sys.modules; ChatClient.warm_up(); "
            "print(before, 'openai.resources.chat.completions' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
