"""Network reads at most every ``gap_s``: a streamed answer is read in batches, not per token.

A server that streams a hundred tokens a second sends a hundred small writes. Read as they
come, each one wakes the event loop and goes up through the whole HTTP stack (anyio, httpcore,
h11, httpx, the SSE parser) on its own: at 100 tok/s that was about half of the app's CPU.
Waiting ``gap_s`` after a read before the next one lets the writes that arrive meanwhile
collect in the socket; the next read takes them all at once, and h11 parses the buffered
events without another read. Nothing is lost or reordered; a token is shown at most ``gap_s``
later than it would be (the answer pane paints about five times a second, so this is not
visible), and the first read of a connection is never delayed.

The module imports nothing of the HTTP library (importing it costs ~60 ms of start-up; the
SDK is imported after the first paint): the wrappers are duck-typed network streams.

The HTTP library has no public way to pass a network backend, so :func:`pace_transport`
replaces its pool's backend after construction, feature-detected: when the library's insides
differ it returns None and reads go unpaced, exactly as before.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from httpcore2 import AsyncNetworkBackend, AsyncNetworkStream

READ_GAP_S = 0.05  # ~20 reads a second at most; a quarter of the frame interval (~0.2 s)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[object]]


class PacedStream:
    """One connection whose reads start no sooner than ``gap_s`` after the previous read ended."""

    def __init__(self, inner: AsyncNetworkStream, gap_s: float, clock: Clock, sleep: Sleep) -> None:
        self._inner = inner
        self._gap_s = gap_s
        self._clock = clock
        self._sleep = sleep
        self._next_read = float("-inf")  # the first read is never delayed
        self.reads = 0  # read-only: reads done so far (tests and benchmarks count them)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        wait = self._next_read - self._clock()
        if wait > 0:
            await self._sleep(wait)
        data = await self._inner.read(max_bytes, timeout)
        self.reads += 1
        self._next_read = self._clock() + self._gap_s
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> PacedStream:
        inner = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return PacedStream(inner, self._gap_s, self._clock, self._sleep)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class PacedBackend:
    """Wraps a network backend so that every stream it opens is a :class:`PacedStream`."""

    def __init__(self, inner: AsyncNetworkBackend, gap_s: float = READ_GAP_S, *,
                 clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self.inner = inner
        self.gap_s = gap_s
        self._clock = clock
        self._sleep = sleep
        self.streams: list[PacedStream] = []  # read-only: the last few streams opened (for tests)

    def _paced(self, stream: AsyncNetworkStream) -> PacedStream:
        paced = PacedStream(stream, self.gap_s, self._clock, self._sleep)
        self.streams = [*self.streams[-7:], paced]
        return paced

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> PacedStream:
        return self._paced(await self.inner.connect_tcp(host, port, timeout=timeout, local_address=local_address,
                                                        socket_options=socket_options))

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> PacedStream:
        return self._paced(await self.inner.connect_unix_socket(path, timeout=timeout, socket_options=socket_options))

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def pace_transport(transport: object, gap_s: float = READ_GAP_S) -> PacedBackend | None:
    """Pace the reads of every connection ``transport`` opens; the backend, or None when not possible.

    ``transport`` is an ``httpx2.AsyncHTTPTransport`` not used yet. Its connection pool (direct,
    HTTP or SOCKS proxy alike) hands ``_network_backend`` to each connection it creates.
    """
    pool = getattr(transport, "_pool", None)
    backend: Any = getattr(pool, "_network_backend", None)
    if gap_s <= 0 or not all(callable(getattr(backend, name, None))
                             for name in ("connect_tcp", "connect_unix_socket", "sleep")):
        return None
    paced = PacedBackend(backend, gap_s)
    setattr(pool, "_network_backend", paced)
    return paced
