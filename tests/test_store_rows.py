"""Rows to records: well-typed rows come through as they are; a tampered row's wrong-typed values
become the nearest safe value and are each named in ``damaged``."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tui.metrics import Timing as TimingRecord
from tui.metrics import Usage as UsageRecord
from tui.store.models import ErrorRecord
from tui.store.rows import MESSAGE_COLUMNS, SUMMARY_COLUMNS, as_text, message_from_row, summary_from_row

GOOD: dict[str, Any] = {
    "id": "m1", "conversation_id": "c1", "role": "assistant", "content": "answer", "reasoning": "why",
    "state": "complete", "finish_reason": "stop", "model": "R1", "deployment": "dep", "endpoint_host": "host",
    "prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30, "reasoning_tokens": 5,
    "usage_estimated": 1, "first_token_s": 0.5, "reasoning_s": 2, "total_s": 3.5, "created_at": "t0",
    "reply_to": "u1", "choice_index": 2, "updated_at": "t1", "selected": 1, "parent_id": "u1",
    "reasoning_estimated": 0, "cost": 0.25, "error_kind": "length", "error_message": "cut", "error_hint": "raise it",
}
COLUMNS = [c.strip() for c in MESSAGE_COLUMNS.split(",")]


def row(**changes: Any) -> tuple[Any, ...]:
    values = {**GOOD, **changes}
    return tuple(values[c] for c in COLUMNS)


def test_the_columns_are_the_records_fields_in_order() -> None:
    assert COLUMNS == list(GOOD)
    assert [c.strip() for c in SUMMARY_COLUMNS.split(",")] == [
        "id", "title", "created_at", "updated_at", "message_count", "archived", "last_answer_state"]


def test_a_good_row_comes_through_unchanged() -> None:
    record = message_from_row(row())
    assert (record.id, record.conversation_id, record.role, record.content, record.reasoning) == (
        "m1", "c1", "assistant", "answer", "why")
    assert (record.state, record.finish_reason, record.model, record.deployment, record.endpoint_host) == (
        "complete", "stop", "R1", "dep", "host")
    assert record.usage == UsageRecord(10, 20, 30, 5, True, False)
    assert record.timing == TimingRecord(0.5, 2, 3.5)
    assert (record.created_at, record.reply_to, record.choice_index, record.updated_at) == ("t0", "u1", 2, "t1")
    assert record.selected is True and record.parent_id == "u1" and record.cost == 0.25
    assert record.error == ErrorRecord("length", "cut", "raise it")
    assert record.damaged == ()


def test_nullable_columns_may_be_null_and_say_nothing() -> None:
    nulls = dict.fromkeys(["reasoning", "finish_reason", "model", "deployment", "endpoint_host", "prompt_tokens",
                           "completion_tokens", "total_tokens", "reasoning_tokens", "first_token_s", "reasoning_s",
                           "total_s", "reply_to", "parent_id", "cost", "error_kind", "error_message", "error_hint"])
    record = message_from_row(row(**nulls, usage_estimated=0, selected=0))
    assert record.damaged == ()
    assert record.reasoning is None and record.finish_reason is None and record.model is None
    assert record.deployment is None and record.endpoint_host is None and record.reply_to is None
    assert record.usage == UsageRecord(None, None, None, None, False, False)
    assert record.timing == TimingRecord(None, None, None) and record.cost is None and record.error is None
    assert record.selected is False and record.parent_id is None


def test_a_prompt_has_no_reasoning_and_an_error_without_message_reads_empty() -> None:
    record = message_from_row(row(role="user", reasoning="stray", error_message=None, error_hint=None))
    assert record.role == "user" and record.reasoning is None and record.damaged == ()
    assert record.error == ErrorRecord("length", "", None)


@pytest.mark.parametrize(("column", "value", "read", "problem"), [
    ("content", b"caf\xe9", lambda r: r.content, "content is bytes b'caf\\xe9'"),
    ("content", None, lambda r: r.content, "content is NoneType None"),
    ("content", 42, lambda r: r.content, "content is int 42"),
    ("id", 7, lambda r: r.id, "id is int 7"),
    ("conversation_id", 1.5, lambda r: r.conversation_id, "conversation_id is float 1.5"),
    ("state", None, lambda r: r.state, "state is NoneType None"),
    ("created_at", 3, lambda r: r.created_at, "created_at is int 3"),
    ("updated_at", None, lambda r: r.updated_at, "updated_at is NoneType None"),
    ("reasoning", 5, lambda r: r.reasoning, "reasoning is int 5"),
    ("finish_reason", b"x", lambda r: r.finish_reason, "finish_reason is bytes b'x'"),
    ("model", 1, lambda r: r.model, "model is int 1"),
    ("deployment", 2, lambda r: r.deployment, "deployment is int 2"),
    ("endpoint_host", 3, lambda r: r.endpoint_host, "endpoint_host is int 3"),
    ("reply_to", 4, lambda r: r.reply_to, "reply_to is int 4"),
    ("parent_id", 5, lambda r: r.parent_id, "parent_id is int 5"),
    ("prompt_tokens", "abc", lambda r: r.usage.prompt_tokens, "prompt_tokens is str 'abc'"),
    ("completion_tokens", 2.5, lambda r: r.usage.completion_tokens, "completion_tokens is float 2.5"),
    ("total_tokens", True, lambda r: r.usage.total_tokens, "total_tokens is bool True"),
    ("reasoning_tokens", b"1", lambda r: r.usage.reasoning_tokens, "reasoning_tokens is bytes b'1'"),
    ("choice_index", None, lambda r: r.choice_index, "choice_index is NoneType None"),
    ("choice_index", "1", lambda r: r.choice_index, "choice_index is str '1'"),
    ("first_token_s", "soon", lambda r: r.timing.first_token_s, "first_token_s is str 'soon'"),
    ("reasoning_s", math.inf, lambda r: r.timing.reasoning_s, "reasoning_s is float inf"),
    ("total_s", math.nan, lambda r: r.timing.total_s, "total_s is float nan"),
    ("cost", "free", lambda r: r.cost, "cost is str 'free'"),
    ("role", 9, lambda r: r.role, "role is int 9"),
    ("error_kind", 3, lambda r: r.error.kind, "error_kind is int 3"),
    ("error_message", 4, lambda r: r.error.message, "error_message is int 4"),
    ("error_hint", b"h", lambda r: r.error.hint, "error_hint is bytes b'h'"),
])
def test_a_wrong_typed_value_is_coerced_and_named(column: str, value: Any, read: Any, problem: str) -> None:
    record = message_from_row(row(**{column: value}))
    assert record.damaged == (problem,)
    expected = {bytes: lambda v: v.decode("utf-8", "replace")}.get(type(value))
    nullable = column not in ("content", "id", "conversation_id", "state", "created_at", "updated_at", "choice_index")
    got = read(record)
    if column in ("choice_index",):
        assert got == 0
    elif column.endswith(("_tokens", "_s")) or column == "cost" or (nullable and value is None):
        assert got is None
    elif expected is not None:
        assert got == expected(value)
    else:
        assert got == ("" if value is None else str(value))


def test_flags_are_numbers_other_than_zero() -> None:
    record = message_from_row(row(usage_estimated=2, reasoning_estimated=-1, selected=0))
    assert record.usage.estimated is True and record.usage.reasoning_estimated is True and record.selected is False
    assert record.damaged == ()


def test_flags_that_are_not_numbers_read_false_and_are_named() -> None:
    record = message_from_row(row(usage_estimated="yes", reasoning_estimated=None, selected=b"1"))
    assert record.usage.estimated is False and record.usage.reasoning_estimated is False and record.selected is False
    assert record.damaged == ("usage_estimated is str 'yes'", "reasoning_estimated is NoneType None",
                              "selected is bytes b'1'")


def test_a_long_value_is_named_cut_at_thirty_characters() -> None:
    record = message_from_row(row(prompt_tokens="x" * 40))
    assert record.damaged == ("prompt_tokens is str '" + "x" * 29 + "…",)
    record = message_from_row(row(prompt_tokens="x" * 29))  # a repr of 31 characters: cut
    assert record.damaged == ("prompt_tokens is str '" + "x" * 29 + "…",)
    record = message_from_row(row(prompt_tokens="x" * 28))  # repr of exactly 30 characters: whole
    assert record.damaged == ("prompt_tokens is str '" + "x" * 28 + "'",)


def test_summaries() -> None:
    summary = summary_from_row(("c1", "Title", "t0", "t1", 3, 1, "failed"))
    assert (summary.id, summary.title, summary.created_at, summary.updated_at) == ("c1", "Title", "t0", "t1")
    assert summary.message_count == 3 and summary.archived is True and summary.last_answer_state == "failed"
    assert summary.damaged == ()
    assert summary_from_row(("c1", "T", "t0", "t1", 0, 0, None)).last_answer_state is None
    bad = summary_from_row((1, b"T\xff", 2, 3, "many", "no", 4))
    assert (bad.id, bad.title, bad.created_at, bad.updated_at) == ("1", "T\ufffd", "2", "3")
    assert bad.message_count == 0 and bad.archived is False and bad.last_answer_state == "4"
    assert bad.damaged == ("id is int 1", "title is bytes b'T\\xff'", "created_at is int 2", "updated_at is int 3",
                           "message_count is str 'many'", "archived is str 'no'", "last_answer_state is int 4")


def test_as_text() -> None:
    assert as_text("s") == "s" and as_text(b"a\xffb") == "a\ufffdb" and as_text(None) == "" and as_text(12) == "12"


def test_a_conversations_damage_names_each_row() -> None:
    from tui.store.models import Conversation

    messages = [message_from_row(row(id="m1", prompt_tokens="x")), message_from_row(row(id="m2")),
                message_from_row(row(id="m3", cost="y", total_s="z"))]
    conv = Conversation("c1", "T", "t0", "t1", False, messages, damaged=("title is int 5",))
    assert conv.damage == ["conversation c1: title is int 5", "message m1: prompt_tokens is str 'x'",
                           "message m3: total_s is str 'z'", "message m3: cost is str 'y'"]
    assert Conversation("c2", "T", "t0", "t1", False).damage == []
