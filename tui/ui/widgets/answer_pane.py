"""The answer pane: the conversation as it reads (prompts, and one answer group per prompt).

Streaming answers are registered with :meth:`AnswerPane.track_live`; the app's frame
clock calls :meth:`AnswerPane.tick`, which shows their new text and keeps following the
end while the user is at the bottom.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Region

from tui.store.models import Attachment
from tui.ui.compat import NoRelayout
from tui.ui.widgets.answer_block import RAW_CLASS, AnswerBlock
from tui.ui.widgets.follow import FollowMixin
from tui.ui.widgets.prompt_block import PromptBlock


class AnswerPane(FollowMixin, NoRelayout, VerticalScroll):
    """The scrolling conversation; follows the end while the user is at the bottom."""

    # A stable gutter: the scrollbar appearing or going must not re-wrap (re-lay out and
    # repaint) every answer.
    DEFAULT_CSS = """
    AnswerPane {
        scrollbar-gutter: stable;
    }
    """

    BINDINGS = [
        Binding("[", "move(-1)", "Prev answer", id="pane_prev_answer"),
        Binding("]", "move(1)", "Next answer", id="pane_next_answer"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.live_blocks: list[AnswerBlock] = []  # answers streaming now (flushed by tick)

    def tick(self) -> None:
        """One frame of the app's shared clock: show new answer text, keep following."""
        if self.live_blocks:
            step = max(2, self.scrollable_content_region.height // 2)
            for block in self.live_blocks:
                block.flush_live(step)
        self.check_follow()

    def track_live(self, block: AnswerBlock) -> None:
        """Flush ``block`` on every frame until :meth:`untrack_live` (other answers give back their reserve)."""
        self.release_reserves(keep=block)
        if block not in self.live_blocks:
            self.live_blocks.append(block)

    def untrack_live(self, block: AnswerBlock) -> None:
        if block in self.live_blocks:
            self.live_blocks.remove(block)

    async def clear(self) -> None:
        self.follow(False)
        self.live_blocks.clear()
        await self.remove_children()

    def release_reserves(self, keep: AnswerBlock | None = None) -> None:
        """Drop the blank rows finished answers kept while the view followed them."""
        for block in self.query(AnswerBlock):
            if block is not keep:
                block.markdown.release_reserve()

    def scroll_to_rows(self, top: int, bottom: int) -> None:
        """Bring screen rows ``top``..``bottom`` (a code block just marked) into view."""
        y = top - self.region.y + round(self.scroll_y)
        self.scroll_to_region(Region(0, y, 1, max(1, bottom - top)), animate=False, immediate=True)

    async def add_prompt(self, prompt: str, attachments: Sequence[Attachment] = (),
                         msg_id: str | None = None) -> PromptBlock:
        self.release_reserves()
        block = PromptBlock(prompt, attachments, msg_id)
        await self.mount(block)
        return block

    async def cut_from(self, block: PromptBlock) -> None:
        """Remove ``block`` and everything after it (a branch is shown from there instead)."""
        children = list(self.children)
        if block in children:
            gone = children[children.index(block):]
            self.live_blocks[:] = [b for b in self.live_blocks if not any(b in w.walk_children() for w in gone)]
            await self.remove_children(gone)

    @property
    def raw_math(self) -> bool:
        """Answers show their raw text (LaTeX as written) instead of math as Unicode."""
        return self.has_class(RAW_CLASS)

    def show_raw(self, raw: bool) -> None:
        """Every answer, and those added later, as written (``raw``) or with math as Unicode."""
        self.set_class(raw, RAW_CLASS)
        for block in self.all_answers():
            block.show_raw(raw)

    def prompts(self) -> list[PromptBlock]:
        return list(self.query(PromptBlock))

    def answers(self) -> list[AnswerBlock]:
        """The answers on screen (one per prompt: the displayed alternative)."""
        return [block for block in self.query(AnswerBlock) if block.display]

    def all_answers(self) -> list[AnswerBlock]:
        """Every answer block, hidden alternatives included."""
        return list(self.query(AnswerBlock))

    def focused_answer(self) -> AnswerBlock | None:
        focused = self.screen.focused if self.is_attached else None
        return focused if isinstance(focused, AnswerBlock) and focused in self.answers() else None

    def move(self, delta: int) -> AnswerBlock | None:
        """Focus the previous/next answer (relative to the focused one; from the end if none)."""
        blocks = self.answers()
        if not blocks:
            return None
        focused = self.focused_answer()
        if focused is not None:
            index = max(0, min(len(blocks) - 1, blocks.index(focused) + delta))
        else:
            index = len(blocks) - 1 if delta < 0 else 0
        block = blocks[index]
        self.screen.set_focus(block, scroll_visible=False)  # at once: the next key goes to it
        self.scroll_to_widget(block, animate=False, top=True)
        return block

    def action_move(self, delta: int) -> None:
        self.move(delta)
