"""A conversation's title from its first prompt: one line, at most the limit, never empty."""

from __future__ import annotations

from tui.chat.titles import TITLE_CHARS, title_for


def test_whitespace_of_any_kind_folds_into_single_spaces() -> None:
    assert title_for("  hello\n\n  world\t again ") == "hello world again"


def test_an_empty_or_blank_prompt_is_untitled() -> None:
    assert title_for("") == "untitled"
    assert title_for(" \n\t ") == "untitled"


def test_a_prompt_exactly_at_the_limit_is_kept_whole() -> None:
    assert TITLE_CHARS == 60
    assert title_for("x" * 60) == "x" * 60
    assert title_for("ab", limit=2) == "ab"


def test_a_longer_prompt_is_cut_to_the_limit_with_an_ellipsis() -> None:
    assert title_for("x" * 61) == "x" * 59 + "\u2026"
    assert title_for("abcdef", limit=4) == "abc\u2026"


def test_the_cut_does_not_leave_a_space_before_the_ellipsis() -> None:
    assert title_for("abc def", limit=5) == "abc\u2026"
