"""The raw SSE parser the client reads streams with."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest

from tui.llm.sse import StreamErrorEvent, sse_json


async def blocks_of(text: str, cuts: list[int]) -> AsyncIterator[bytes]:
    """``text`` as UTF-8, cut into reads at the byte offsets ``cuts``."""
    body = text.encode()
    for a, b in zip([0, *cuts], [*cuts, len(body)]):
        yield body[a:b]


def cuttings(text: str) -> list[list[int]]:
    """One read; a read per byte; and seeded random cuts (through CRLFs and UTF-8 characters)."""
    size = len(text.encode())
    rng = random.Random(size)
    return [[], list(range(1, size)), *(sorted(rng.sample(range(1, size), min(size - 1, k))) for k in (3, 9))]


async def parse_all(text: str, on_skip=None) -> tuple[list[dict], StreamErrorEvent | None]:  # type: ignore[no-untyped-def]
    """The objects of ``text`` and the error it raised, the same however the body is cut into reads."""
    results = []
    for cuts in cuttings(text):
        got: list[dict] = []
        error = None
        try:
            async for obj in sse_json(blocks_of(text, cuts), on_skip):
                got.append(obj)
        except StreamErrorEvent as exc:
            error = exc
        results.append((got, error))
    shapes = [(got, error and (str(error), error.body, error.chunk)) for got, error in results]
    assert all(shape == shapes[0] for shape in shapes), shapes
    return results[0]


async def parse(text: str) -> list[dict]:
    got, error = await parse_all(text)
    if error is not None:
        raise error
    return got


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
    assert [obj async for obj in sse_json(blocks_of(text, []), skipped.append)] == [{"ok": 1}]
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


async def test_line_endings_and_characters_split_between_reads() -> None:
    """LF, CRLF and a lone CR all end a line, wherever the reads cut them (a CRLF split in two
    ends one line, not two); a character split between reads arrives whole; bad bytes become U+FFFD."""
    text = ('data: {"a": "\u00e9\u4e2d\U0001f600"}\r\n\r\n'
            'data: {"b":\r\rdata: 2}\r\r'  # CR only: a blank line between two data lines ends the event
            'data: {"c":\r\ndata: 3}\r\n\r\n'  # CRLF: the two data lines are one event
            'data: {"d": 4}\n\n')
    assert await parse(text) == [{"a": "\u00e9\u4e2d\U0001f600"}, {"c": 3}, {"d": 4}]
    reads = [b'data: {"e": "\xff', b'\xc3', b'\xa9"}\r', b'\n\r\n']  # \xff is not UTF-8
    assert [obj async for obj in sse_json(_reads(reads))] == [{"e": "\ufffd\u00e9"}]


async def _reads(blocks: list[bytes]) -> AsyncIterator[bytes]:
    for block in blocks:
        yield block


async def test_objects_before_an_error_in_the_same_read_come_first() -> None:
    got: list[dict] = []
    body = b'data: {"ok": 1}\n\ndata: {"ok": 2}\n\nevent: error\ndata: {"message": "late"}\n\n'
    with pytest.raises(StreamErrorEvent, match="late"):
        async for obj in sse_json(_reads([body])):
            got.append(obj)
    assert got == [{"ok": 1}, {"ok": 2}]
    assert [obj async for obj in sse_json(_reads([b'data: {"x": 1}\n\ndata: [DONE]\n\ndata: {"y": 2}\n\n',
                                                  b'data: {"z": 3}\n\n']))] == [{"x": 1}]


async def test_a_long_line_in_many_reads_is_joined_once_it_ends() -> None:
    """A hostile server's 2 MB line in 4 KB reads: the pieces wait unjoined until its end comes."""
    text = "x" * 2_000_000
    body = ('data: {"big": "' + text + '"}\n\ndata: {"after": 1}\n\n').encode()
    reads = [body[i:i + 4096] for i in range(0, len(body), 4096)]
    assert [obj async for obj in sse_json(_reads(reads))] == [{"big": text}, {"after": 1}]
