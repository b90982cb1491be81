"""The word-level difference of the compare screen (tui/trace/diff.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.trace.diff import Piece, word_diff


def changed(pieces: tuple[Piece, ...]) -> list[str]:
    return [p.text for p in pieces if p.changed]


def test_changed_words_are_marked_on_their_side_only() -> None:
    diff = word_diff("The answer is 391.\n\nGood luck", "The result is 392.\n\nGood luck, friend")
    assert changed(diff.left) == ["answer", "391.", "luck"]
    assert changed(diff.right) == ["result", "392.", "luck, friend"]  # the space between two changed words too
    assert not diff.same and diff.compared


def test_whitespace_alone_is_no_difference() -> None:
    diff = word_diff("a  b\n\nc", "a b c")
    assert diff.same and not changed(diff.left) and not changed(diff.right)


def test_long_answers_come_back_unmarked() -> None:
    diff = word_diff("x " * 11, "y " * 11, max_words=10)
    assert not diff.compared and not diff.same and not changed(diff.left) and not changed(diff.right)
    assert "".join(p.text for p in diff.left) == "x " * 11


@given(st.text(alphabet="ab \n\t", max_size=40), st.text(alphabet="abc \n", max_size=40))
def test_pieces_give_each_text_back_exactly(left: str, right: str) -> None:
    diff = word_diff(left, right)
    assert "".join(p.text for p in diff.left) == left
    assert "".join(p.text for p in diff.right) == right
    assert diff.same == (left.split() == right.split())
    assert all(p.text for p in diff.left + diff.right)
