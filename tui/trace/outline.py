"""Steps with their tokens and seconds, trace totals, and the tokens/s sparkline.

Per-step tokens are always estimates (marked ``estimated``): the answer's reasoning tokens
(from usage, else about four characters per token) shared out by characters, so the
steps add up to the whole. Seconds come from the timeline (None without one).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from tui.llm.decode import estimate_tokens
from tui.trace.steps import Step, pivot_count
from tui.trace.timeline import Timeline

BARS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True, slots=True)
class StepStats:
    """One outline row: a step (numbered from 1), its estimated tokens and its seconds."""

    index: int
    step: Step
    tokens: int
    estimated: bool
    seconds: float | None


@dataclass(frozen=True, slots=True)
class TraceTotals:
    """The trace as a whole: steps, pivots, reasoning tokens and seconds, answer seconds."""

    steps: int
    pivots: int
    reasoning_tokens: int | None
    reasoning_s: float | None
    answer_s: float | None


def share_out(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), summing to ``total``."""
    whole = sum(weights)
    if whole <= 0 or total <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def step_stats(steps: Sequence[Step], timeline: Timeline | None,
               reasoning_tokens: int | None) -> list[StepStats]:
    """Outline rows for ``steps`` of a reasoning text."""
    chars = [s.end - s.start for s in steps]
    total = reasoning_tokens if reasoning_tokens is not None else estimate_tokens(sum(chars))
    tokens = share_out(total, chars)
    rows = []
    for i, (step, count) in enumerate(zip(steps, tokens)):
        seconds = timeline.seconds_between("reasoning", step.start, step.end) if timeline else None
        rows.append(StepStats(i + 1, step, count, True, seconds))
    return rows


def trace_totals(steps: Sequence[Step], reasoning: str, timeline: Timeline | None,
                 reasoning_tokens: int | None, reasoning_s: float | None,
                 total_s: float | None) -> TraceTotals:
    """Totals: from the timeline when there is one, else from the stored timings."""
    tokens = reasoning_tokens if reasoning_tokens is not None else (estimate_tokens(len(reasoning)) or None)
    if timeline is not None and timeline.samples:
        return TraceTotals(len(steps), pivot_count(steps), tokens, timeline.reasoning_s, timeline.answer_s)
    return TraceTotals(len(steps), pivot_count(steps), tokens, reasoning_s, None)


def _chars_at(timeline: Timeline, t: float) -> float:
    """Characters (reasoning + answer) that had arrived by ``t`` seconds (interpolated)."""
    samples = timeline.samples
    i = bisect_right([s.t for s in samples], t)  # samples[:i] are at or before t
    if i == 0:
        return 0.0
    low = samples[i - 1].reasoning + samples[i - 1].answer
    if i == len(samples):
        return float(low)
    after = samples[i]
    high = after.reasoning + after.answer
    return low + (high - low) * (t - samples[i - 1].t) / (after.t - samples[i - 1].t)


def tokens_per_second(timeline: Timeline, columns: int, tokens_per_char: float = 0.25) -> list[float]:
    """Tokens/s in ``columns`` equal slices from the first token to the end of the stream."""
    first, end = timeline.first_token_s, timeline.end_s
    if first is None or end is None or end <= first or columns <= 0:
        return []
    width = (end - first) / columns
    marks = [_chars_at(timeline, first + width * i) for i in range(columns + 1)]
    marks[0] = 0.0  # the first sample's characters arrived in the first slice
    return [max(0.0, (b - a)) * tokens_per_char / width for a, b in zip(marks, marks[1:])]


def tokens_per_char(completion_tokens: int | None, chars: int) -> float:
    """Tokens per character: from usage when known, else the four-characters-per-token estimate."""
    if completion_tokens and chars:
        return completion_tokens / chars
    return 0.25


def sparkline(values: Sequence[float]) -> str:
    """``values`` as bars ``▁▂▃▄▅▆▇█`` scaled to the largest ("" when empty)."""
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return BARS[0] * len(values)
    return "".join(BARS[min(len(BARS) - 1, int(v / top * (len(BARS) - 1) + 0.5))] for v in values)
