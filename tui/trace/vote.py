"""The final answer of an answer text, and the vote over a prompt's alternatives.

:func:`final_answer` is the one documented extraction, in this order:

1. the content of the **last** ``\\boxed{…}`` (braces balanced; what R1 is trained to write);
2. else the last "answer is X" / "answer: X" (e.g. "The final answer is 391.", "**Answer:** 391"):
   X up to the end of its line or sentence;
3. else the last line that is only a number (``391``, ``= 391``, ``**391**``, ``$391$``).

The result is normalised so equal answers vote together: Markdown emphasis, ``$`` and a
trailing period are dropped, LaTeX is shown as Unicode (``\\frac{1}{2}`` → ``½``), inner
spaces are removed, and numbers lose thousands separators and a zero fraction
(``1,000.0`` → ``1000``). None when nothing can be extracted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tui.trace.latex import BOX_CLOSE, BOX_OPEN, latex_to_unicode

_BOXED = re.compile(r"\\boxed\s*\{")
_ANSWER_IS = re.compile(r"answer\s*(?:is|:|\*\*:|:\*\*)\s*[:\-–—]?\s*(?P<x>[^\n]+)", re.I)
_NUMBER_LINE = re.compile(r"^[\s>*_$=\\(\[]*(?P<x>[-−+]?\d[\d,]*(?:\.\d+)?)[\s*_$\\)\].]*$", re.M)
_NUMBER = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?")
_SENTENCE_END = re.compile(r"(?<!\d)\.(?:\s|$)|\.\s")
MAX_ANSWER = 200


@dataclass(frozen=True, slots=True)
class Vote:
    """The most frequent final answer, how many alternatives gave it, out of how many."""

    answer: str
    count: int
    of: int
    tally: tuple[tuple[str, int], ...]  # every extracted answer, most votes first

    def summary(self) -> str:
        """``391 ×4 · 392 ×1`` (answers as extracted: sanitise before display)."""
        return " · ".join(f"{answer} ×{count}" for answer, count in self.tally)

    def as_json(self) -> dict[str, object]:
        """The ``"vote"`` object of ``ask -n N --json``."""
        return {"answer": self.answer, "count": self.count, "of": self.of}


def _last_boxed(text: str) -> str | None:
    found = None
    for match in _BOXED.finditer(text):
        depth, i = 1, match.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        if depth == 0:
            found = text[match.end():i - 1]
    return found


def _answer_is(text: str) -> str | None:
    matches = list(_ANSWER_IS.finditer(text))
    if not matches:
        return None
    rest = matches[-1].group("x")
    end = _SENTENCE_END.search(rest)
    return rest[:end.start()] if end else rest


def _number_line(text: str) -> str | None:
    matches = list(_NUMBER_LINE.finditer(text))
    return matches[-1].group("x") if matches else None


def normalise(answer: str) -> str:
    """The vote key of an extracted answer (see the module docstring)."""
    text = answer.strip().strip("*_ ").strip()
    if text.startswith("$") and text.endswith("$"):
        text = text.strip("$")
    if any(ch in text for ch in "\\^_{"):
        text = latex_to_unicode(text) or text
        text = text.replace(BOX_OPEN, "").replace(BOX_CLOSE, "")
    text = text.replace("−", "-").rstrip(".").strip()
    text = "".join(text.split())
    number = _NUMBER.fullmatch(text)
    if number:
        value = text.replace(",", "")
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        text = value.lstrip("+") or "0"
    return text[:MAX_ANSWER]


def final_answer(text: str) -> str | None:
    """The final answer of ``text`` (see the module docstring), normalised; None if none."""
    for extract in (_last_boxed, _answer_is, _number_line):
        raw = extract(text)
        if raw is not None:
            value = normalise(raw)
            if value:
                return value
    return None


def vote(answers: Sequence[str]) -> Vote | None:
    """The vote over alternative answer texts; None when no final answer can be extracted."""
    extracted = [a for a in (final_answer(t) for t in answers) if a is not None]
    if not extracted:
        return None
    counts = Counter(extracted)
    first_seen = {a: i for i, a in reversed(list(enumerate(extracted)))}
    tally = tuple(sorted(counts.items(), key=lambda item: (-item[1], first_seen[item[0]])))
    winner, count = tally[0]
    return Vote(winner, count, len(answers), tally)
