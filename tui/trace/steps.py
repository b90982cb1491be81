"""Split a reasoning trace into steps (the outline of ``history trace`` and the reasoning pane).

A trace with blank lines is split into paragraphs: a step is a paragraph plus the blank
lines after it. A trace with no blank line is split before every sentence that opens with
a pivot ("Wait", "But", ...): a step is a sentence run plus the spaces after it. Either way
the steps partition the text exactly (``text[step.start:step.end] == step.text``, and the
steps' texts joined give the trace back). A step's ``pivot`` is the pivot phrase it opens
with, as written, or None. Pivots match case-sensitively, as whole words, after optional
Markdown emphasis (``**Wait**``).

:class:`StepSplitter` follows a growing trace and re-splits only its last two steps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

# The one list of pivot phrases; config.toml's ``[trace] pivots`` replaces it.
DEFAULT_PIVOTS: tuple[str, ...] = (
    "Wait", "But", "Hmm", "Alternatively", "Let me check", "Actually", "On second thought",
)

_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
_SEPARATOR = re.compile(r"\n[ \t\r]*\n\s*")
_EMPHASIS = r"[ \t\r\n*_>]*"
_SENTENCE_END = "[.!?\u2026]"
_CLOSERS = "[\"'\u201d\u2019)\\]*_]*"


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a trace: ``text`` is ``trace[start:end]``; ``pivot`` the phrase it opens with."""

    start: int
    end: int
    text: str
    pivot: str | None


@dataclass(frozen=True, slots=True)
class _Patterns:
    at_start: re.Pattern[str]  # a pivot at a paragraph's start
    in_run: re.Pattern[str]  # a sentence opening with a pivot, inside a run of text


@lru_cache(maxsize=8)
def _patterns(pivots: tuple[str, ...]) -> _Patterns:
    words = sorted({p.strip() for p in pivots if p.strip()}, key=len, reverse=True)
    if not words:
        never = re.compile(r"(?!)")
        return _Patterns(never, never)
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    pivot = rf"(?P<pivot>{alternatives})(?!\w)"
    at_start = re.compile(_EMPHASIS + pivot)
    in_run = re.compile(rf"(?:(?<={_SENTENCE_END}){_CLOSERS}[ \t]+|\r?\n[ \t]*)(?P<lead>[*_>]*){pivot}")
    return _Patterns(at_start, in_run)


def normalise_pivots(pivots: Iterable[str] | None) -> tuple[str, ...]:
    """The pivot list to use: ``pivots`` as a tuple, or the defaults when None."""
    return DEFAULT_PIVOTS if pivots is None else tuple(pivots)


def has_blank_line(text: str) -> bool:
    """Does ``text`` contain a blank line (so it is split into paragraphs)?"""
    return _BLANK_LINE.search(text) is not None


def _pivot_at(text: str, pos: int, patterns: _Patterns) -> str | None:
    match = patterns.at_start.match(text, pos)
    return match.group("pivot") if match else None


def _paragraph_bounds(text: str, pos: int) -> list[int]:
    """Start offsets of the paragraphs of ``text[pos:]`` (``pos`` first)."""
    starts = [pos]
    for match in _SEPARATOR.finditer(text, pos):
        end = match.end()
        if end >= len(text) or not text[starts[-1]:match.start()].strip():
            continue  # trailing blank lines, or only blank text so far: keep them in this step
        starts.append(end)
    return starts


def _sentence_bounds(text: str, pos: int, patterns: _Patterns) -> list[int]:
    """Start offsets of the pivot-led sentence runs of ``text[pos:]`` (``pos`` first)."""
    starts = [pos]
    for match in patterns.in_run.finditer(text, pos):
        begin = match.start("lead")
        if begin > starts[-1] and text[starts[-1]:begin].strip():
            starts.append(begin)
    return starts


def _steps_from(text: str, pos: int, patterns: _Patterns, paragraphs: bool) -> list[Step]:
    if pos >= len(text):
        return []
    starts = _paragraph_bounds(text, pos) if paragraphs else _sentence_bounds(text, pos, patterns)
    ends = starts[1:] + [len(text)]
    return [Step(s, e, text[s:e], _pivot_at(text, s, patterns)) for s, e in zip(starts, ends)]


def split_steps(text: str, pivots: Sequence[str] | None = None) -> list[Step]:
    """The steps of ``text`` (see the module docstring); [] for an empty trace."""
    return _steps_from(text, 0, _patterns(normalise_pivots(pivots)), has_blank_line(text))


def pivot_count(steps: Iterable[Step]) -> int:
    """How many steps open with a pivot."""
    return sum(1 for s in steps if s.pivot is not None)


def _blank_line_search_from(old: str) -> int:
    """Where a blank line that is new in a longer text can start: it may straddle ``old``'s end."""
    j = len(old)
    while j > 0 and old[j - 1] in " \t\r":
        j -= 1
    return j - 1 if j > 0 and old[j - 1] == "\n" else len(old)


class StepSplitter:
    """The steps of a growing trace; :meth:`update` re-splits only the tail.

    Text that does not extend the previous text (a reclassified stream) is split afresh,
    and so is the whole trace once, when its first blank line arrives (sentence runs
    become paragraphs).
    """

    def __init__(self, pivots: Sequence[str] | None = None) -> None:
        self._patterns = _patterns(normalise_pivots(pivots))
        self._text = ""
        self._steps: list[Step] = []
        self._paragraphs = False

    @property
    def steps(self) -> list[Step]:
        """The steps of the text last given to :meth:`update` (the same list, updated in place)."""
        return self._steps

    def update(self, text: str) -> list[Step]:
        """Steps of ``text``, reusing the steps of the previous text where it is a prefix."""
        old = self._text
        if not text.startswith(old) or len(self._steps) < 2:
            return self._reset(text)
        if not self._paragraphs:
            if _BLANK_LINE.search(text, _blank_line_search_from(old)):
                return self._reset(text)
        tail = _steps_from(text, self._steps[-2].start, self._patterns, self._paragraphs)
        del self._steps[-2:]
        self._steps.extend(tail)
        self._text = text
        return self._steps

    def _reset(self, text: str) -> list[Step]:
        self._text = text
        self._paragraphs = has_blank_line(text)
        self._steps = _steps_from(text, 0, self._patterns, self._paragraphs)
        return self._steps
