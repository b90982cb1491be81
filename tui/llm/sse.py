"""Server-sent events, parsed straight from the response lines.

The SDK would build a typed model per chunk; at a hundred chunks a second that was most of
the client's CPU, so the streamed body is read raw (through the same openai client and its
status handling) and each ``data:`` line is parsed as plain JSON.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any


class StreamErrorEvent(Exception):
    """The server sent an error inside the stream (an SSE ``error`` event or an ``error`` object)."""

    def __init__(self, body: Any) -> None:
        self.body = body if isinstance(body, dict) else {"message": str(body)}
        message = self.body.get("message") or "The server reported an error during streaming."
        super().__init__(" ".join(str(message).split()))


async def sse_json(lines: AsyncIterator[str]) -> AsyncIterator[dict[str, Any]]:
    """The JSON objects of an SSE stream, until ``[DONE]`` or the end of the body.

    Comments (``:``) and unparsable data are skipped; an error event raises
    :class:`StreamErrorEvent`.
    """
    event = ""
    data: list[str] = []
    async for raw in lines:
        line = raw.rstrip("\r")
        if line:
            field, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
            if field == "data":
                data.append(value)
            elif field == "event":
                event = value
            continue
        if not data:
            event = ""
            continue
        payload = "\n".join(data)
        name, event, data = event, "", []
        if payload.startswith("[DONE]"):
            return
        try:
            obj = json.loads(payload)
        except ValueError:
            continue
        if not isinstance(obj, dict):
            continue
        if name == "error" or obj.get("error"):
            raise StreamErrorEvent(obj.get("error", obj))
        yield obj
