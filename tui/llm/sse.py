"""Server-sent events, parsed straight from the response bytes.

The SDK would build a typed model per chunk; at a hundred chunks a second that was most of
the client's CPU, so the streamed body is read raw (through the same openai client and its
status handling) and each ``data:`` line is parsed as plain JSON.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from tui.llm.chunk_check import clean

class StreamErrorEvent(Exception):
    """The server sent an error inside the stream (an SSE ``error`` event or an ``error`` object).

    ``chunk`` is the whole object it came in (it may also carry usage or a finish_reason).
    """

    def __init__(self, body: Any, chunk: dict[str, Any] | None = None) -> None:
        self.body = body if isinstance(body, dict) else {"message": str(body)}
        self.chunk = chunk or {}
        message = self.body.get("message") or "The server reported an error during streaming."
        super().__init__(clean(" ".join(str(message).split())[:2000]))


def _parse(payload: str) -> Any:
    try:
        return json.loads(payload)
    except RecursionError as exc:  # hostile nesting: json raises at Python's recursion limit
        raise ValueError("nested too deeply") from exc


class SseParser:
    """Incremental SSE: :meth:`feed` takes the body's bytes as they arrive and returns the JSON
    objects completed. Lines end with LF, CRLF or CR (a CRLF may be split between reads); a line
    is decoded as UTF-8 (bad bytes become U+FFFD) once it is whole, so a character split between
    reads is never broken. ``done``: ``[DONE]`` was seen (the rest is ignored)."""

    def __init__(self, on_skip: Callable[[str], None] | None = None) -> None:
        self.on_skip = on_skip
        self.done = False
        self._tail: list[bytes] = []  # the pieces of an unfinished line (joined once it ends: linear in its length)
        self._skip_lf = False  # the last read ended in CR: a LF first in the next one ends nothing
        self._data: list[str] = []
        self._error_event = False  # pragma: no mutate (None is as false) -- the event being read is named "error"

    def feed(self, block: bytes) -> Iterator[dict[str, Any]]:
        """The objects the lines completed by ``block`` dispatch, in order; an error event raises
        :class:`StreamErrorEvent` where it comes (after the objects before it)."""
        if self.done:
            return
        if self._skip_lf and block.startswith(b"\n"):
            block = block[1:]
        self._skip_lf = False
        if b"\n" not in block and b"\r" not in block:  # no line ends here: keep the piece, copy nothing
            if block:
                self._tail.append(block)
            return
        buf = b"".join([*self._tail, block])
        if b"\r" in buf:
            buf = buf.replace(b"\r\n", b"\n")
            if buf.endswith(b"\r"):
                self._skip_lf = True
            buf = buf.replace(b"\r", b"\n")
        *lines, tail = buf.split(b"\n")
        self._tail = [tail] if tail else []
        for line in lines:
            obj = self._line(line.decode("utf-8", "replace"))
            if self.done:
                return
            if obj is not None:
                yield obj

    def _line(self, line: str) -> dict[str, Any] | None:
        if line:
            field, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if field == "data":
                self._data.append(value)
            elif field == "event":
                self._error_event = value == "error"
            return None
        if not self._data:
            self._error_event = False  # pragma: no mutate (None is as false)
            return None
        payload = "\n".join(self._data)
        is_error, self._error_event, self._data = self._error_event, False, []
        if payload.startswith("[DONE]"):
            self.done = True
            return None
        try:
            obj = _parse(payload)
        except ValueError as exc:  # not JSON, a number beyond Python's digit limit, too deep
            self._skip(f"data that is not JSON ({clean(str(exc))[:120]})")
            return None
        if not isinstance(obj, dict):
            self._skip(f"data that is not a JSON object ({type(obj).__name__})")
            return None
        if is_error or obj.get("error"):
            raise StreamErrorEvent(obj.get("error", obj), {k: v for k, v in obj.items() if k != "error"})
        return obj

    def _skip(self, why: str) -> None:
        if self.on_skip is not None:
            self.on_skip(why)


async def sse_json(blocks: AsyncIterator[bytes], on_skip: Callable[[str], None] | None = None) -> AsyncIterator[dict[str, Any]]:
    """The JSON objects of an SSE body read as raw byte blocks, until ``[DONE]`` or its end.

    Comments (``:``) are skipped; data that is not a JSON object is skipped too, and
    ``on_skip`` (if given) is told why; an error event raises :class:`StreamErrorEvent`.
    An event the body ends in the middle of is not dispatched. The lines are split here, once
    per read, rather than through httpx's text and line decoders (one async step per line).
    """
    parser = SseParser(on_skip)
    async for block in blocks:
        for obj in parser.feed(block):
            yield obj
        if parser.done:
            return
