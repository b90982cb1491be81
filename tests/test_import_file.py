"""Reading an import file record by record (tui/store/import_file.py), without a database."""

from __future__ import annotations

import json

import pytest

from tui.store.errors import StoreError
from tui.store.export import FORMAT
from tui.store.import_file import MAX_INT_DIGITS, Record, TooLarge, read_records

DEEP = "[" * 100_000 + "]" * 100_000


def test_one_conversation_or_an_export_of_many() -> None:
    assert read_records('{"id": "c1"}', "f") == [Record(1, {"id": "c1"})]
    both = json.dumps({"format": FORMAT, "conversations": [{"id": "a"}, {"id": "b"}]})
    assert read_records(both, "f") == [Record(1, {"id": "a"}), Record(2, {"id": "b"})]
    assert read_records('{"conversations": [{"id": "a"}]}', "f") == [Record(1, {"id": "a"})]  # format optional
    assert read_records("[1, 2]", "f") == [Record(1, [1, 2])]


def test_whole_file_problems_name_the_file() -> None:
    with pytest.raises(StoreError, match=r"^f\.json is not a JSON export: Expecting value: line 1 column 1 \(char 0\)$"):
        read_records("nope", "f.json")
    with pytest.raises(StoreError, match=r"^f: unsupported format 'r1-tui/99'$"):
        read_records('{"format": "r1-tui/99", "conversations": []}', "f")
    with pytest.raises(StoreError, match=r"^f: 'conversations' must be a list$"):
        read_records(json.dumps({"format": FORMAT, "conversations": {"a": 1}}), "f")
    with pytest.raises(StoreError, match=r"^f nests deeper than any r1-tui export: refused$"):
        read_records(DEEP, "f")
    long_format = "x" * 100
    with pytest.raises(StoreError) as caught:
        read_records(json.dumps({"format": long_format, "conversations": []}), "f")
    assert str(caught.value) == f"f: unsupported format {'x' * 40!r}"


def test_numbers_too_long_for_sqlite_become_markers() -> None:
    just = "9" * MAX_INT_DIGITS
    [record] = read_records(f'{{"a": {just}, "b": -{just}, "c": {just}9, "d": -{just}9}}', "f")
    assert record.data["a"] == int(just) and record.data["b"] == -int(just)
    assert record.data["c"] == TooLarge(MAX_INT_DIGITS + 1, "999999999999")
    assert record.data["d"] == TooLarge(MAX_INT_DIGITS + 1, "-99999999999")
    [huge] = read_records('{"n": ' + "1" * 5000 + "}", "f")
    assert huge.data["n"] == TooLarge(5000, "1" * 12)


def test_a_file_too_deep_to_parse_at_once_is_read_conversation_by_conversation() -> None:
    text = ('{"format": "' + FORMAT + '", "note": "a [ { string", "other": [1, {"x": "]"}], '
            '"conversations": [{"id": "a", "t": "}]\\" ,"}, ' + DEEP + ', {"id": "c"}, not json ]}')
    records = read_records(text, "f")
    assert [r.number for r in records] == [1, 2, 3, 4]
    assert records[0] == Record(1, {"id": "a", "t": "}]\" ,"})
    assert records[1] == Record(2, problem="nested deeper than any r1-tui export")
    assert records[2] == Record(3, {"id": "c"})
    assert records[3].data is None and records[3].problem.startswith("not JSON: Expecting value")


def test_the_conversations_key_is_found_only_at_the_top() -> None:
    inner = '{"meta": {"conversations": [1]}, "conversations": [' + DEEP + ', {"id": "z"}]}'
    assert [r.data for r in read_records(inner, "f")] == [None, {"id": "z"}]
    trailing = '{"conversations": [{"id": "a"}, ' + DEEP + "]}"
    assert [r.number for r in read_records(trailing, "f")] == [1, 2]
    empty_last = '{"conversations": [' + DEEP + ", ]}"
    assert len(read_records(empty_last, "f")) == 1
    after_value = '{"x": "conversations", "y": ' + DEEP + "}"
    with pytest.raises(StoreError, match="nests deeper"):
        read_records(after_value, "f")
    value_named = '{"a": "conversations", "conversations": [' + DEEP + "]}"
    assert len(read_records(value_named, "f")) == 1
