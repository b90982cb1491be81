"""The ``compare`` review key (issue 14): two alternatives of an answer side by side.

:class:`Compare` registers its handler with :class:`~tui.ui.review.TraceReview`. On the
focused answer (else the last prompt's) with two or more alternatives it opens
:class:`~tui.ui.screens.compare.CompareScreen` on the one shown and its neighbour (older
left, newer right); with one it says why not, as the palette does (:func:`why_not`).
An alternative's facts come from memory (its block: text, state, stats) plus its stored
timeline when there is one (one keyed read when that alternative is first shown).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.screen import Screen

from tui.chat.context import CHARS_PER_TOKEN
from tui.trace.steps import pivot_count, split_steps
from tui.trace.timeline import Timeline
from tui.trace.vote import final_answer
from tui.ui.context import AppContext
from tui.ui.keymap import Keymap
from tui.ui.panes import Panes
from tui.ui.screens.compare import CompareScreen, Side
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.answer_block import STATE_LABELS, AnswerBlock

ACTION = "trace('compare')"


def group_of(panes: Panes) -> AnswerGroup | None:
    """The answers of the focused answer's prompt, else of the last prompt (as Ctrl+G picks)."""
    answers = panes.answers
    focused = answers.screen.focused if answers.is_attached else None
    for node in (focused, *focused.ancestors) if focused is not None else ():
        if isinstance(node, AnswerGroup):
            return node
    groups = [g for g in answers.query(AnswerGroup) if g.prompt_id is not None]
    return groups[-1] if groups else None


def why_not(panes: Panes) -> str | None:
    """Why the compare key cannot run now (None if it can)."""
    group = group_of(panes)
    if group is None:
        return "there is no answer yet"
    if len(group.blocks) < 2:
        return "this prompt has one answer: ask again to get another to compare"
    return None


def finish_of(block: AnswerBlock) -> str:
    """How the alternative finished: its state label, with the header's note (e.g. cut at max_tokens)."""
    state = STATE_LABELS.get(block.state, block.state) or "complete"
    return f"{state} · {block.note}" if block.note else state


def shares_usage(blocks: Sequence[AnswerBlock], index: int) -> bool:
    """Alternative ``index`` looks like the first choice of an n > 1 request, whose usage counts every choice.

    An n > 1 request reports usage once, stored on its first choice: that one has token
    counts while the next alternative, finished complete, has none (a regeneration has its own).
    """
    if index + 1 >= len(blocks):
        return False
    mine, following = blocks[index].stats, blocks[index + 1]
    return (mine is not None and mine.reasoning_tokens is not None and following.state in ("", "complete")
            and (following.stats is None or following.stats.reasoning_tokens is None))


def side_of(block: AnswerBlock, timeline: Timeline | None, pivots: Sequence[str] | None,
            own_usage: bool = True) -> Side:
    """The compare screen's facts of one alternative (``own_usage`` False: estimate its tokens)."""
    reasoning = block.reasoning
    steps = split_steps(reasoning, pivots) if reasoning else []
    stats = block.stats
    tokens = stats.reasoning_tokens if stats is not None and own_usage else None
    estimated = bool(stats is not None and stats.estimated and own_usage)
    if tokens is None and reasoning:
        tokens, estimated = max(1, round(len(reasoning) / CHARS_PER_TOKEN)), True
    total_s = thought_s = None
    timed_by = ""
    if timeline is not None and timeline.end_s is not None:
        total_s, thought_s, timed_by = timeline.end_s, timeline.reasoning_s, "timeline"
    elif stats is not None and (stats.total_s is not None or stats.thought_s is not None):
        total_s, thought_s, timed_by = stats.total_s, stats.thought_s, "stored timing"
    elif block.thought_s is not None:
        thought_s, timed_by = block.thought_s, "stored timing"
    return Side(block.label, block.answer, finish_of(block), len(reasoning), tokens, estimated,
                total_s, thought_s, timed_by, len(steps), pivot_count(steps), final_answer(block.answer))


class Compare:
    """Opens the compare screen for the alternatives of an answer."""

    def __init__(self, screen: Screen[Any], context: AppContext, panes: Panes, keymap: Keymap) -> None:
        self.screen = screen
        self.context = context
        self.panes = panes
        self.keymap = keymap

    def handlers(self) -> dict[str, Callable[[], None]]:
        """The review keys this part owns."""
        return {"compare": self.open}

    def _timeline(self, block: AnswerBlock) -> Timeline | None:
        if block.msg_id is None or block.live:
            return None
        return self.context.timeline_of(block.msg_id)  # None: the stored timing is shown instead

    def open(self) -> None:
        """Show two alternatives of the focused (or last) answer side by side, or say why not."""
        screen = self.screen
        problem = why_not(self.panes)
        group = group_of(self.panes)
        if problem is not None or group is None:
            again = f" ({self.keymap.describe('regenerate')})" if group is not None else ""
            screen.notify(f"Compare: {problem}{again}.", severity="warning", timeout=4)
            return
        blocks = group.blocks
        pivots = self.context.pivots  # config.toml's [trace] pivots, read once at start (as the outline's)
        shown = group.index
        other = shown - 1 if shown > 0 else 1
        left, right = min(shown, other), max(shown, other)

        def side(i: int) -> Side:
            return side_of(blocks[i], self._timeline(blocks[i]), pivots, not shares_usage(blocks, i))

        screen.app.push_screen(CompareScreen(len(blocks), side, left, right, group.vote_text))
