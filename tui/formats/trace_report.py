"""``r1-tui history trace``: one answer's reasoning as an outline, in JSON or text (pure).

JSON contract (public)::

    {"conversation_id", "message_id",
     "steps": [{"index", "start", "end", "tokens", "estimated", "seconds", "pivot", "text"}],
     "totals": {"steps", "pivots", "reasoning_tokens", "reasoning_s", "answer_s"}}

``index`` counts from 1; ``start``/``end`` are character offsets into the stored
reasoning (``reasoning[start:end] == text``); ``tokens`` are estimates (``estimated`` is
always true); ``seconds`` is null when the answer has no timeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tui.sanitize import for_display, one_line
from tui.trace.outline import StepStats, TraceTotals

NO_TIMELINE = "no timeline: this answer was saved before r1-tui recorded when text arrived"
FIRST_WORDS = 60


@dataclass(frozen=True, slots=True)
class TraceReport:
    """What ``history trace`` shows about one answer."""

    conversation_id: str
    message_id: str
    rows: Sequence[StepStats]
    totals: TraceTotals
    has_timeline: bool
    first_answer_s: float | None = None
    sparkline: str = ""


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def trace_object(report: TraceReport) -> dict[str, Any]:
    """The JSON contract above."""
    t = report.totals
    return {
        "conversation_id": report.conversation_id,
        "message_id": report.message_id,
        "steps": [{"index": r.index, "start": r.step.start, "end": r.step.end, "tokens": r.tokens,
                   "estimated": r.estimated, "seconds": _round(r.seconds), "pivot": r.step.pivot,
                   "text": r.step.text} for r in report.rows],
        "totals": {"steps": t.steps, "pivots": t.pivots, "reasoning_tokens": t.reasoning_tokens,
                   "reasoning_s": _round(t.reasoning_s), "answer_s": _round(t.answer_s)},
    }


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}s"


def totals_line(report: TraceReport) -> str:
    """``17 steps · 3 pivots · ~1234 reasoning tokens · reasoning 41.2 s · answer 3.1 s · …``."""
    t = report.totals
    parts = [f"{t.steps} step{'s' if t.steps != 1 else ''}", f"{t.pivots} pivot{'s' if t.pivots != 1 else ''}"]
    if t.reasoning_tokens is not None:
        parts.append(f"{t.reasoning_tokens} reasoning tokens")
    if t.reasoning_s is not None:
        parts.append(f"reasoning {t.reasoning_s:.1f} s")
    if t.answer_s is not None:
        parts.append(f"answer {t.answer_s:.1f} s")
    if report.first_answer_s is not None:
        parts.append(f"first answer token at {report.first_answer_s:.1f} s")
    if report.sparkline:
        parts.append(f"tokens/s {report.sparkline}")
    return " · ".join(parts)


def trace_lines(report: TraceReport, width: int = 100) -> list[str]:
    """Text: a header, one line per step (index, seconds, tokens, pivot, first words), totals."""
    if not report.rows:
        return ["This answer has no reasoning.", totals_line(report)]
    pivot_width = max([5] + [len(one_line(r.step.pivot or "", 20)) for r in report.rows])
    words = max(20, width - 24 - pivot_width)
    lines = [f"{'#':>4}  {'TIME':>6}  {'TOKENS':>6}  {'PIVOT':<{pivot_width}}  FIRST WORDS"]
    for r in report.rows:
        lines.append(f"{r.index:>4}  {_seconds(r.seconds):>6}  {'~' + str(r.tokens):>6}  "
                     f"{one_line(r.step.pivot or '', 20):<{pivot_width}}  {one_line(r.step.text, min(words, FIRST_WORDS))}")
    lines.append("")
    lines.append(totals_line(report))
    if not report.has_timeline:
        lines.append(for_display(NO_TIMELINE))
    return lines
