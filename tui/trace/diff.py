"""A word-level difference between two answers (the compare screen of issue 14).

:func:`word_diff` splits both texts into words and the whitespace between them, compares
the words with :class:`difflib.SequenceMatcher`, and returns each text as pieces marked
changed or not: on the left, the words the right does not have (deleted); on the right,
the words the left does not have (inserted). Whitespace is kept as written and never
counts as a difference, so the pieces of a side joined give its text back exactly.

Past ``max_words`` words on either side no difference is computed (``compared`` is False)
and both texts come back unmarked: a diff of two huge answers would stall the screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKENS = re.compile(r"\s+|\S+")
MAX_WORDS = 3_000  # ~0.15 s for two 3,000-word answers with scattered edits (2 slow cores); it grows faster than linearly


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text; ``changed``: its words are on this side only."""

    text: str
    changed: bool


@dataclass(frozen=True, slots=True)
class WordDiff:
    """Both texts as pieces; ``same``: no word differs; ``compared``: the diff was computed."""

    left: tuple[Piece, ...]
    right: tuple[Piece, ...]
    same: bool
    compared: bool = True


def _tokens(text: str) -> tuple[list[str], list[int]]:
    """All tokens (words and whitespace runs) and the token index of each word."""
    tokens = _TOKENS.findall(text)
    return tokens, [i for i, t in enumerate(tokens) if not t.isspace()]


def _pieces(tokens: list[str], words: list[int], changed_words: set[int]) -> tuple[Piece, ...]:
    """Join runs of tokens with the same mark; whitespace between two changed words is changed too."""
    changed_tokens = {words[w] for w in changed_words}
    out: list[Piece] = []
    run: list[str] = []
    mark = False
    for i, token in enumerate(tokens):
        if token.isspace():
            this = i - 1 in changed_tokens and i + 1 in changed_tokens
        else:
            this = i in changed_tokens
        if run and this != mark:
            out.append(Piece("".join(run), mark))
            run = []
        run.append(token)
        mark = this
    if run:
        out.append(Piece("".join(run), mark))
    return tuple(out)


def word_diff(left: str, right: str, max_words: int = MAX_WORDS) -> WordDiff:
    """The word-level difference of ``left`` and ``right`` (see the module docstring)."""
    left_tokens, left_words = _tokens(left)
    right_tokens, right_words = _tokens(right)
    if len(left_words) > max_words or len(right_words) > max_words:
        return WordDiff(_pieces(left_tokens, left_words, set()), _pieces(right_tokens, right_words, set()),
                        same=left.split() == right.split(), compared=False)
    a = [left_tokens[i] for i in left_words]
    b = [right_tokens[i] for i in right_words]
    deleted: set[int] = set()
    inserted: set[int] = set()
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            deleted.update(range(i1, i2))
        if tag in ("insert", "replace"):
            inserted.update(range(j1, j2))
    return WordDiff(_pieces(left_tokens, left_words, deleted), _pieces(right_tokens, right_words, inserted),
                    same=not deleted and not inserted)
