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


async def test_an_error_event_raises_even_without_an_error_object() -> None:
    text = 'data: {"ok": 1}\r\n\r\nevent: error\r\ndata: {"message": "overloaded", "usage": {"total_tokens": 3}}\r\n\r\n'
    with pytest.raises(StreamErrorEvent) as caught:
        await parse(text)
    assert str(caught.value) == "overloaded"
    assert caught.value.body == {"message": "overloaded", "usage": {"total_tokens": 3}}


async def test_an_error_object_keeps_the_rest_of_its_chunk() -> None:
    text = 'data: {"error": {"message": "cut"}, "usage": {"total_tokens": 3}, "choices": []}\n\n'
    with pytest.raises(StreamErrorEvent) as caught:
        await parse(text)
    assert caught.value.body == {"message": "cut"}
    assert caught.value.chunk == {"usage": {"total_tokens": 3}, "choices": []}


async def test_only_the_event_it_names_is_an_error() -> None:
    text = ('event: error\n\n'  # an event without data is dropped, its name too
            'data: {"a": 1}\n\nevent: error\nevent: message\ndata: {"b": 2}\n\nid: error\ndata: {"c": 3}\n\n')
    assert await parse(text) == [{"a": 1}, {"b": 2}, {"c": 3}]


async def test_the_error_name_lasts_one_event() -> None:
    with pytest.raises(StreamErrorEvent):
        await parse('event: error\ndata: {"message": "x"}\n\ndata: {"fine": 1}\n\n')
    text = 'event: ping\ndata: {"a": 1}\n\ndata: {"b": 2}\n\n'
    assert await parse(text) == [{"a": 1}, {"b": 2}]


async def test_a_line_of_spaces_is_not_the_end_of_an_event() -> None:
    assert await parse('data: {"a":\n   \ndata: 1}\n\n') == [{"a": 1}]


async def test_skipped_data_says_why() -> None:
    skipped: list[str] = []
    digits = "1" * 5000
    try:
        int(digits)
    except ValueError as exc:
        too_long = str(exc)
    assert len(too_long) > 120
    text = f'data: nope\n\ndata: [1]\n\ndata: "s"\n\ndata: {digits}\n\ndata: {"[" * 100_000}\n\ndata: {{"ok": 1}}\n\n'
    assert [obj async for obj in sse_json(lines_of(text), skipped.append)] == [{"ok": 1}]
    assert skipped == ["data that is not JSON (Expecting value: line 1 column 1 (char 0))",
                       "data that is not a JSON object (list)", "data that is not a JSON object (str)",
                       f"data that is not JSON ({too_long[:120]})", "data that is not JSON (nested too deeply)"]


def test_stream_error_event_from_any_body() -> None:
    plain = StreamErrorEvent("upstream  timed\nout")
    assert plain.body == {"message": "upstream  timed\nout"} and str(plain) == "upstream timed out" and plain.chunk == {}
    assert str(StreamErrorEvent({"code": 500})) == "The server reported an error during streaming."
    assert str(StreamErrorEvent({"message": ""})) == "The server reported an error during streaming."
    assert str(StreamErrorEvent({"message": "x" * 3000})) == "x" * 2000
    assert str(StreamErrorEvent({"message": "bad \ud83d half"})) == "bad \ufffd half"
    assert StreamErrorEvent("x", {"usage": {}}).chunk == {"usage": {}}
