"""Checks at the edge: token counts, lone surrogates, labels and descriptions of odd values."""

from __future__ import annotations

from typing import Any

import pytest

from tui.llm.chunk_check import MAX_COUNT, SurrogateJoiner, clean, count, describe, label


@pytest.mark.parametrize(("value", "expected"), [
    (0, 0), (7, 7), (MAX_COUNT, MAX_COUNT), (MAX_COUNT + 1, None), (2**63, None), (-1, None),
    (True, None), (False, None), (1.0, None), ("3", None), (None, None),
])
def test_count_takes_only_plausible_whole_numbers(value: Any, expected: int | None) -> None:
    assert count(value) == expected


def test_clean_replaces_lone_surrogates_and_joins_pairs() -> None:
    assert clean("plain é \U0001f600") == "plain é \U0001f600"
    assert clean("a\ud83d") == "a\ufffd"
    assert clean("\ude00b") == "\ufffdb"
    assert clean("\ud83d\ude00") == "\U0001f600"
    assert clean("\ude00\ud83d") == "\ufffd\ufffd"
    assert clean("x\ud83d\ude00\ud83d") == "x\U0001f600\ufffd"


def test_label_is_a_short_clean_string_or_none() -> None:
    assert label("stop") == "stop"
    assert label("") is None and label(None) is None and label(5) is None and label(["stop"]) is None
    assert label("m" * 250) == "m" * 200
    assert label("bad\ud83d") == "bad\ufffd"


def test_describe_names_the_type_and_shows_at_most_forty_characters() -> None:
    assert describe(5) == "int 5"
    assert describe("x" * 38) == "str '" + "x" * 38 + "'"  # the repr is exactly 40 characters
    assert describe("x" * 39) == "str '" + "x" * 38 + "\u2026"
    assert describe([1] * 100) == "list [" + "1, " * 12 + "1,\u2026"
    assert describe("\ud83d") == "str '\\ud83d'"  # repr escapes a lone surrogate


def test_the_joiner_holds_back_only_a_trailing_high_surrogate() -> None:
    joiner = SurrogateJoiner()
    assert joiner.feed("plain") == "plain"
    assert joiner.feed("a\ud83d") == "a"
    assert joiner.feed("\ude00b") == "\U0001f600b"
    assert joiner.feed("\udbff") == ""  # the last high surrogate
    assert joiner.feed("\udfff") == "\U0010ffff"
    assert joiner.feed("\ud800") == ""  # the first high surrogate
    assert joiner.feed("x") == "\ufffdx"
    assert joiner.feed("\udc00") == "\ufffd"  # a low surrogate alone is not held
    assert joiner.finish() == ""


def test_the_joiner_ends_with_a_replacement_for_a_half_pair_only() -> None:
    joiner = SurrogateJoiner()
    joiner.feed("a\ud83d")
    assert joiner.finish() == "\ufffd"
    assert joiner.finish() == ""
    assert joiner.feed("b") == "b"
    assert SurrogateJoiner().finish() == ""
