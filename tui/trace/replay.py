"""Replay a stored answer at its recorded pace: a schedule of (seconds, kind, text) pieces.

With a timeline, each sample releases the text that had arrived by then; the replay starts
at the first token (the wait for the server is left out). Without one (answers saved
before timelines were kept), text is released evenly, ten pieces a second, over the stored
reasoning and answer times (else at :data:`FALLBACK_CHARS_PER_S`). :func:`play` runs a
schedule against an injected clock and sleep, so tests need no real time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from tui.trace.timeline import Kind, Timeline

FALLBACK_CHARS_PER_S = 120.0
EVEN_STEP_S = 0.1
SPEEDS = (1.0, 2.0, 4.0, 16.0)  # the app's speed keys; the CLI takes any positive speed


@dataclass(frozen=True, slots=True)
class Piece:
    """``text`` of ``kind`` to show ``at`` seconds into the replay (at ×1)."""

    at: float
    kind: Kind
    text: str


def _from_timeline(reasoning: str, answer: str, timeline: Timeline) -> Iterator[Piece]:
    start = timeline.first_token_s or 0.0
    shown_r = shown_a = 0
    for s in timeline.samples:
        at = max(0.0, s.t - start)
        r, a = min(s.reasoning, len(reasoning)), min(s.answer, len(answer))
        if r > shown_r:
            yield Piece(at, "reasoning", reasoning[shown_r:r])
            shown_r = r
        if a > shown_a:
            yield Piece(at, "answer", answer[shown_a:a])
            shown_a = a
    end = max(0.0, (timeline.end_s or 0.0) - start)
    if shown_r < len(reasoning):  # the timeline stops short of the stored text (edited or imported)
        yield Piece(end, "reasoning", reasoning[shown_r:])
    if shown_a < len(answer):
        yield Piece(end, "answer", answer[shown_a:])


def _even(kind: Kind, text: str, begin: float, seconds: float | None) -> Iterator[Piece]:
    if not text:
        return
    duration = seconds if seconds and seconds > 0 else len(text) / FALLBACK_CHARS_PER_S
    steps = max(1, int(duration / EVEN_STEP_S))
    size = -(-len(text) // steps)
    for i in range(0, len(text), size):
        yield Piece(begin + duration * min(i + size, len(text)) / len(text), kind, text[i:i + size])


def schedule(reasoning: str, answer: str, timeline: Timeline | None, *,
             reasoning_s: float | None = None, answer_s: float | None = None) -> list[Piece]:
    """The pieces of a replay, in order (see the module docstring)."""
    if timeline is not None and timeline.samples:
        return list(_from_timeline(reasoning, answer, timeline))
    pieces = list(_even("reasoning", reasoning, 0.0, reasoning_s))
    begin = pieces[-1].at if pieces else 0.0
    return pieces + list(_even("answer", answer, begin, answer_s))


def play(pieces: Sequence[Piece], show: Callable[[Piece], None], speed: float = 1.0, *,
         clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
    """Call ``show`` with each piece when it is due at ``speed`` (×2 is twice as fast)."""
    if speed <= 0:
        raise ValueError("speed must be positive")
    start = clock()
    for piece in pieces:
        wait = start + piece.at / speed - clock()
        if wait > 0:
            sleep(wait)
        show(piece)
