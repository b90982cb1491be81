"""Server-sent events, parsed straight from the response lines.

The SDK would build a typed model per chunk; at a hundred chunks a second that was most of
the client's CPU, so the streamed body is read raw (through the same openai client and its
status handling) and each ``data:`` line is parsed as plain JSON.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
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


async def sse_json(lines: AsyncIterator[str], on_skip: Callable[[str], None] | None = None) -> AsyncIterator[dict[str, Any]]:
    """The JSON objects of an SSE stream, until ``[DONE]`` or the end of the body.

    Comments (``:``) are skipped; data that is not a JSON object is skipped too, and
    ``on_skip`` (if given) is told why; an error event raises :class:`StreamErrorEvent`.
    """
    error_event = False  # pragma: no mutate (None is as false) -- the event being read is named "error"
    data: list[str] = []
    async for raw in lines:
        line = raw.removesuffix("\r")
        if line:
            field, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if field == "data":
                data.append(value)
            elif field == "event":
                error_event = value == "error"
            continue
        if not data:
            error_event = False  # pragma: no mutate (None is as false)
            continue
        payload = "\n".join(data)
        is_error, error_event, data = error_event, False, []
        if payload.startswith("[DONE]"):
            return
        try:
            obj = _parse(payload)
        except ValueError as exc:  # not JSON, a number beyond Python's digit limit, too deep
            if on_skip is not None:
                on_skip(f"data that is not JSON ({clean(str(exc))[:120]})")
            continue
        if not isinstance(obj, dict):
            if on_skip is not None:
                on_skip(f"data that is not a JSON object ({type(obj).__name__})")
            continue
        if is_error or obj.get("error"):
            raise StreamErrorEvent(obj.get("error", obj), {k: v for k, v in obj.items() if k != "error"})
        yield obj
