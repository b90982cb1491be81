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


WARM_THEN_SEND = """
import asyncio, sys
from tui.llm.client import ChatClient
from tests.helpers import ask_request, endpoint_for
from tests.loopback import LoopbackServer, Stream
with LoopbackServer() as server:
    server.enqueue(Stream(content_chunks=["<think>r</think>", "a"]))
    client = ChatClient(endpoint_for(server.base_url))
    ChatClient.warm_up()
    client.prepare()
    built = client.paced is not None
    before = set(sys.modules)
    async def send():
        async for _ in client.stream(ask_request()):
            pass
        await client.aclose()
    asyncio.run(send())
    sdk = ("openai", "httpx2", "httpcore2", "h11", "anyio", "sniffio")
    print(built, sorted(m for m in set(sys.modules) - before if m.split(".")[0] in sdk))
"""


def test_the_warm_up_leaves_the_first_send_nothing_to_import_or_build() -> None:
    """After the warm-up and prepare (the app runs both in a thread after its first paint), the first
    request imports no module of the SDK or its HTTP stack and finds its HTTP client built."""
    import subprocess
    import sys

    from pathlib import Path

    root = Path(__file__).resolve().parent.parent  # the script imports tests.helpers: run it from the checkout
    done = subprocess.run([sys.executable, "-c", WARM_THEN_SEND], capture_output=True, text=True, cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(maxsplit=1) == ["True", "[]\n"]


async def test_prepare_leaves_a_problem_to_the_first_send(azure_server: Any) -> None:
    """A key that cannot be sent: prepare builds nothing and raises nothing; the send says why."""
    client = ChatClient(endpoint_for(azure_server.base_url, auth="key", api_key="abc\ndef"))
    client.prepare()
    assert client.paced is None
    events, transcript = await collect(client.endpoint, client=client)
    assert transcript.state == "failed" and "control character" in str(events[-1])
    assert azure_server.requests == []


async def test_prepare_after_close_builds_nothing(azure_server: Any) -> None:
    client = ChatClient(endpoint_for(azure_server.base_url))
    await client.aclose()
    client.prepare()  # a warm-up thread that ran late, after the app quit
    assert client.paced is None
