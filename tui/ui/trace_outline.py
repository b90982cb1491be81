"""The outline of the shown trace (issue 14): steps and pivots, and keys that move between them.

Keys ``next_step``, ``prev_step``, ``next_pivot``, ``prev_pivot`` (action ``trace('<id>')``).
The steps are those of :mod:`tui.trace.steps` (paragraphs; sentences that open with a pivot
when the trace has no blank line), with config.toml's ``[trace] pivots``, over the text the
reasoning pane shows. A :class:`~tui.trace.steps.StepSplitter` follows a streamed trace at
most once a second (:data:`REFRESH_S`) and at once when another answer is shown or the
stream ends, so streaming costs no more than before: no split per delta, and the margin
marks of a streamed trace are drawn when it ends (at once if a step key was used meanwhile).

The pane marks where pivots start and the current step; its header then reads
``step 4/17 · 3 pivots · ~120 tok · 2.1 s`` (tokens estimated, shared out by characters;
seconds from the answer's stored timeline, or ``no timeline`` for an answer saved
without one; none while it streams).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from tui.trace.outline import step_stats
from tui.trace.steps import Step, StepSplitter, pivot_count, split_steps
from tui.trace.timeline import Timeline
from tui.ui.review_host import ReviewHost
from tui.ui.widgets.answer_block import AnswerBlock

REFRESH_S = 1.0  # while an answer streams, the outline follows it at most this often


def format_seconds(seconds: float) -> str:
    """``2.1 s``; below a second, hundredths (``0.04 s``: a short step is not ``0.0 s``)."""
    return f"{seconds:.2f} s" if seconds < 1 else f"{seconds:.1f} s"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class TraceOutline:
    """The steps of the trace in the reasoning pane and the current one."""

    def __init__(self, review: ReviewHost, clock: Callable[[], float] = time.monotonic) -> None:
        self.review = review
        self.pane = review.panes.reasoning
        self.clock = clock
        self.splitter = StepSplitter(review.context.pivots)
        self.current: int | None = None  # index of the current step (None: none chosen yet)
        self._source: AnswerBlock | None = None
        self._version = -1  # the log's text version the steps were split from
        self._live = False
        self._checked = 0.0
        self._timelines: dict[str, Timeline] = {}
        self.pane.frame_hooks.append(self.follow)
        review.register({
            "next_step": partial(self.move, 1, False),
            "prev_step": partial(self.move, -1, False),
            "next_pivot": partial(self.move, 1, True),
            "prev_pivot": partial(self.move, -1, True),
        })

    @property
    def steps(self) -> list[Step]:
        """The steps of the trace shown (as of the last refresh)."""
        return self.splitter.steps

    # -- following the trace --------------------------------------------------------------

    def follow(self, *, now: bool = False) -> None:
        """Called every frame: re-split when the text changed (while streaming, once a second)."""
        source = self.pane.source
        if source is not self._source:
            self._source, self.current, self._version = source, None, -1
        log = self.pane.trace
        if log.version == self._version:
            return
        live = source is not None and source.live
        at = self.clock()
        if live and self._live and not now and at - self._checked < REFRESH_S:
            return
        self._live, self._checked, self._version = live, at, log.version
        steps = self.splitter.update(log.text)
        if self.current is not None and self.current >= len(steps):
            self.current = len(steps) - 1 if steps else None
        self._show()

    def _show(self) -> None:
        steps, current = self.steps, self.current
        if current is None and self._live:
            return  # nothing chosen: a streamed trace gets its marks when it ends (no repaint meanwhile)
        pivots = [s.start for s in steps if s.pivot is not None]
        bounds = (steps[current].start, steps[current].end) if current is not None else None
        self.pane.trace.set_marks(pivots, bounds)
        self.pane.set_outline(None if current is None else self.header())

    def header(self) -> str:
        """``step 4/17 · 3 pivots · ~120 tok · 2.1 s`` for the current step."""
        steps, current = self.steps, self.current
        if current is None or not steps:
            return f"{_count(len(steps), 'step')} · {_count(pivot_count(steps), 'pivot')}"
        text = f"step {current + 1}/{len(steps)} · {_count(pivot_count(steps), 'pivot')}"
        source = self._source
        whole = source is not None and source.shown_chars is None
        tokens = source.stats.reasoning_tokens if whole and source is not None and source.stats else None
        row = step_stats(steps, None, tokens)[current]
        text += f" · ~{row.tokens} tok"
        if source is None or source.live:
            return text
        timeline = self._timeline(source)
        if timeline is None:
            return text + " · no timeline"
        bounds = self._raw_bounds(source, current)
        seconds = timeline.seconds_between("reasoning", *bounds) if bounds else None
        return text + (f" · {format_seconds(seconds)}" if seconds is not None else "")

    def _raw_bounds(self, source: AnswerBlock, index: int) -> tuple[int, int] | None:
        """Offsets of step ``index`` in the stored reasoning (the timeline counts its characters).

        The pane shows sanitised text (a control character made visible, a tab as spaces):
        when that changed its length, the stored text is split too and the step found there.
        """
        raw = source.shown_reasoning
        step = self.steps[index]
        if len(raw) == len(self.pane.trace.text):
            return step.start, step.end
        raw_steps = split_steps(raw, self.review.context.pivots)
        if len(raw_steps) != len(self.steps):
            return None
        return raw_steps[index].start, raw_steps[index].end

    def _timeline(self, source: AnswerBlock) -> Timeline | None:
        """The stored timeline of ``source`` (None: none was recorded). One read per answer once found;
        a miss is asked again at the next key (a just-streamed answer's timeline may be on its way)."""
        msg_id = source.msg_id
        if msg_id is None:
            return None
        if msg_id in self._timelines:
            return self._timelines[msg_id]
        timeline = self.review.context.timeline_of(msg_id)
        if timeline is not None:  # (a miss is asked again next time)
            self._timelines[msg_id] = timeline
        return timeline

    # -- the keys ---------------------------------------------------------------------------

    def move(self, direction: int, pivots: bool) -> None:
        """Make the next / previous step (or pivot step) current and scroll the pane to it."""
        review = self.review
        if review.screen.has_class("-hide-reasoning"):
            review.screen.notify(f"The reasoning pane is hidden: {review.keymap.describe('toggle_reasoning')} "
                                 "shows it.", severity="warning", timeout=3)
            return
        self.follow(now=True)
        steps = self.steps
        candidates = [i for i, s in enumerate(steps) if not pivots or s.pivot is not None]
        if not candidates:
            what = "pivots" if steps else "reasoning"
            review.screen.notify(f"No {what} in this trace.", timeout=2)
            return
        target = self._target(candidates, direction)
        if target is None:
            where = "after" if direction > 0 else "before"
            review.screen.notify(f"No {'pivot' if pivots else 'step'} {where} this one.", timeout=2)
            return
        self.current = target
        self.pane.trace.scroll_to_offset(steps[target].start)
        self._show()

    def _target(self, candidates: list[int], direction: int) -> int | None:
        current = self.current
        if current is None:  # from the top of the view: the first step that starts on or below it
            log = self.pane.trace
            top = int(log.scroll_y)
            anchor = next((i for i, s in enumerate(self.steps) if log.row_of(s.start) >= top), len(self.steps))
            after = [i for i in candidates if i >= anchor]
            before = [i for i in candidates if i < anchor]
            if direction > 0:
                return after[0] if after else candidates[-1]
            return before[-1] if before else candidates[0]
        if direction > 0:
            return next((i for i in candidates if i > current), None)
        return next((i for i in reversed(candidates) if i < current), None)
