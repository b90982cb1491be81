"""The raw SSE parser the client reads streams with."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tui.llm.sse import StreamErrorEvent, sse_json


async def lines_of(text: str) -> AsyncIterator[str]:
    for line in text.split("\n"):
        yield line


async def parse(text: str) -> list[dict]:
    return [obj async for obj in sse_json(lines_of(text))]


async def test_data_lines_comments_and_done() -> None:
    text = ': keep-alive\n\ndata: {"a": 1}\r\n\r\ndata:{"b": 2}\n\ndata: [DONE]\n\ndata: {"never": 1}\n\n'
    assert await parse(text) == [{"a": 1}, {"b": 2}]


async def test_multi_line_data_and_garbage() -> None:
    text = 'data: {"a":\ndata: 1}\n\ndata: not json\n\ndata: [1, 2]\n\nevent: ping\ndata: {"c": 3}\n\n'
    assert await parse(text) == [{"a": 1}, {"c": 3}]


async def test_body_ending_without_blank_line_is_not_dispatched() -> None:
    assert await parse('data: {"a": 1}\n\ndata: {"cut": tru') == [{"a": 1}]


@pytest.mark.parametrize(
    "text",
    [
        'event: error\ndata: {"error": {"message": "boom  happened"}}\n\n',
        'data: {"error": {"message": "boom  happened", "type": "server_error"}}\n\n',
    ],
)
async def test_error_events_raise(text: str) -> None:
    with pytest.raises(StreamErrorEvent, match="boom happened"):
        await parse('data: {"ok": 1}\n\n' + text)
