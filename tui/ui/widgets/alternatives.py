"""The answers to one prompt (regenerations, n > 1 choices), shown one at a time.

An :class:`AnswerGroup` holds one :class:`AnswerBlock` per alternative; only the
selected one is displayed, with a "‹ 2/3 › answer" marker above it when there are
several, with the vote over their final answers (``vote 391 ×2 · 392 ×1``, tui/trace/vote.py;
answers still streaming do not count). ``<`` / ``>`` (or Alt+Left / Alt+Right) on a focused answer flip between
them, ``r`` asks again (the app's ``regenerate`` action) and ``e`` edits the prompt into a
new branch (``edit_prompt``; both are in the footer while an answer has the focus).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from tui.sanitize import one_line
from tui.trace.vote import vote
from tui.ui.widgets.answer_block import AnswerBlock

VOTE_SHOWN = 120  # characters of the vote in the marker (the answers are the model's text)


class AnswerGroup(Vertical):
    """Alternative answers to the prompt ``prompt_id``; ``index`` is the one displayed."""

    DEFAULT_CSS = """
    AnswerGroup { height: auto; }
    AnswerGroup > .alt-marker { height: 1; color: $text-muted; padding: 0 0 0 2; display: none; }  /* under the header: border + padding */
    AnswerGroup.-several > .alt-marker { display: block; }
    """

    BINDINGS = [
        Binding("<,alt+left", "cycle(-1)", "Prev alternative", id="prev_alternative"),
        Binding(">,alt+right", "cycle(1)", "Next alternative", id="next_alternative"),
        Binding("r", "screen.regenerate", "Ask again", id="regenerate_answer"),
        Binding("e", "screen.edit_prompt", "Edit prompt", tooltip="Edit this answer's prompt into a new branch",
                id="edit_prompt_answer"),
        Binding("m", "show_more", "Show more", tooltip="Show more of a long stored answer and its reasoning",
                id="show_more"),
    ]

    class Switched(Message):
        """The user flipped to another alternative (persist it, show its reasoning)."""

        def __init__(self, group: AnswerGroup, block: AnswerBlock) -> None:
            super().__init__()
            self.group = group
            self.block = block

    def __init__(self, *blocks: AnswerBlock, prompt_id: str | None = None, prompt: str = "",
                 index: int = 0) -> None:
        super().__init__(classes="answer-group")
        self.prompt_id = prompt_id
        self.prompt = prompt
        self._initial = list(blocks)
        self.index = max(0, min(index, len(blocks) - 1)) if blocks else 0

    def compose(self) -> ComposeResult:
        yield Static(Text(self._marker_for(self._initial), style="italic"), classes="alt-marker", markup=False)
        for i, block in enumerate(self._initial):
            block.display = i == self.index
            yield block
        self.set_class(len(self._initial) > 1, "-several")

    @property
    def blocks(self) -> list[AnswerBlock]:
        """The alternatives, oldest first."""
        return [w for w in self.children if isinstance(w, AnswerBlock)]

    @property
    def shown_block(self) -> AnswerBlock | None:
        """The alternative displayed."""
        blocks = self.blocks
        return blocks[self.index] if 0 <= self.index < len(blocks) else None

    @property
    def marker_text(self) -> str:
        """"‹ 2/3 › answer · vote 391 ×2 · < > to switch · r asks again · = compares" (empty with one):
        a fork, marked as prompt forks are."""
        return self._marker_for(self.blocks)

    @property
    def vote_text(self) -> str:
        """"391 ×2 · 392 ×1": the vote over the finished alternatives ("" when none has a final answer)."""
        return self._vote_of(self.blocks)

    @staticmethod
    def _vote_of(blocks: list[AnswerBlock]) -> str:
        if len(blocks) < 2:
            return ""
        result = vote([b.answer for b in blocks if not b.live])
        return one_line(result.summary(), VOTE_SHOWN) if result is not None else ""

    def _marker_for(self, blocks: list[AnswerBlock]) -> str:
        if len(blocks) < 2:
            return ""
        tally = self._vote_of(blocks)
        voted = f" · vote {tally}" if tally else ""
        return f"‹ {self.index + 1}/{len(blocks)} › answer{voted} · < > to switch · r asks again · = compares"

    async def add(self, block: AnswerBlock, *, select: bool) -> AnswerBlock:
        """Mount another alternative; display it when ``select``."""
        block.display = select or not self.blocks
        await self.mount(block)
        if select or len(self.blocks) == 1:
            self.show(len(self.blocks) - 1)
        else:
            self._refresh_marker()
        return block

    def show(self, index: int) -> AnswerBlock | None:
        """Display alternative ``index`` (the others are hidden, not removed)."""
        blocks = self.blocks
        if not blocks:
            return None
        self.index = max(0, min(index, len(blocks) - 1))
        for i, block in enumerate(blocks):
            block.display = i == self.index
        self._refresh_marker()
        return blocks[self.index]

    def cycle(self, delta: int) -> AnswerBlock | None:
        """Flip to the next/previous alternative (wrapping), focus it and announce it."""
        count = len(self.blocks)
        if count < 2:
            return None
        block = self.show((self.index + delta) % count)
        if block is not None:
            self.screen.set_focus(block)  # at once: the hidden one had the focus
            self.post_message(self.Switched(self, block))
        return block

    def on_answer_block_finished(self, _event: AnswerBlock.Finished) -> None:
        """An alternative finished streaming: its final answer joins the vote."""
        self._refresh_marker()

    def action_show_more(self) -> None:
        block = self.shown_block
        if block is not None and block.show_more():
            self.post_message(AnswerBlock.Selected(block, changed=True))  # the reasoning pane shows more too
        else:
            self.notify("All of this answer is shown.", timeout=2)

    def action_cycle(self, delta: int) -> None:
        self.cycle(delta)

    def _refresh_marker(self) -> None:
        self.set_class(len(self.blocks) > 1, "-several")
        if self.is_mounted:
            self.query_one(".alt-marker", Static).update(Text(self.marker_text, style="italic"))
