"""The answer pane: the conversation transcript (prompts and Markdown answers).

Each answer is a focusable :class:`AnswerBlock` holding one :class:`MarkdownView`
(tui/ui/markdown/): while an answer streams, every Markdown block is rendered as soon as
it is complete and only the growing block is re-made, at each frame of the app's clock
(:meth:`Transcript.tick`); a stored answer opens through the same renderer. Every string
is sanitised with :func:`tui.sanitize.for_display` before it is drawn.
"""

from __future__ import annotations

import re
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region, Size
from textual.message import Message
from textual.widgets import Static

from tui.formats.md_code import code_blocks
from tui.sanitize import for_display, one_line
from tui.ui.markdown.view import MarkdownView
from tui.ui.widgets.follow import FollowMixin

STATE_LABELS = {
    "streaming": "streaming…",
    "stopped": "stopped",
    "interrupted": "interrupted",
    "filtered": "filtered by the content filter",
    "failed": "failed",
}


class PromptBlock(Static):
    """One user prompt (plain text, never markup)."""

    def __init__(self, prompt: str) -> None:
        super().__init__(Text(for_display(prompt)), classes="prompt-block", markup=False)


class AnswerBlock(Vertical, can_focus=True):
    """One assistant message: header line, Markdown answer, and its reasoning kept for the pane."""

    class Selected(Message):
        """The block got focus: show its reasoning."""

        def __init__(self, block: AnswerBlock) -> None:
            super().__init__()
            self.block = block

    def __init__(
        self,
        *,
        msg_id: str | None = None,
        choice: int = 0,
        answer: str = "",
        reasoning: str = "",
        state: str = "",
        thought_s: float | None = None,
        label: str = "",
        note: str = "",
    ) -> None:
        super().__init__(classes="answer-block")
        self.msg_id = msg_id
        self.choice = choice
        self.answer_parts: list[str] = [answer] if answer else []
        self.reasoning_parts: list[str] = [reasoning] if reasoning else []
        self.state = state
        self.thought_s = thought_s
        self.think_start: float | None = None
        self.label = label
        self.note = note
        self.min_interval = 0.0  # seconds between live flushes (low bandwidth: 0.25)
        self._last_sent = 0.0
        self._view = MarkdownView(lambda: self.answer, classes="answer-markdown")

    @property
    def answer(self) -> str:
        return "".join(self.answer_parts)

    @property
    def reasoning(self) -> str:
        return "".join(self.reasoning_parts)

    @property
    def live(self) -> bool:
        return self.state == "streaming"

    def compose(self) -> ComposeResult:
        yield Static(self._header_text(), classes="answer-header", markup=False)
        yield self._view

    @property
    def markdown(self) -> MarkdownView:
        """The rendered answer."""
        return self._view

    def _header_text(self) -> Text:
        text = Text(self.label or "assistant", style="bold")
        if self.choice:
            text.append(f" · choice {self.choice}")
        if self.thought_s is not None:
            text.append(f" · thought {self.thought_s:.1f} s", style="dim")
        label = STATE_LABELS.get(self.state)
        if label:
            text.append(f" · {label}", style="bold italic")
        if self.note:
            text.append(f" · {one_line(self.note, 160)}", style="italic")
        return text

    def refresh_header(self) -> None:
        self.query_one(".answer-header", Static).update(self._header_text())

    def on_focus(self) -> None:
        self.post_message(self.Selected(self))

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # A taller block (the streamed answer grew) was painted by the layout that resized
        # it; Textual would mark it wholly dirty and send it a second time in another frame.
        if size.width == self._size.width:
            self._size = size
        return super()._size_updated(size, virtual_size, container_size, layout)

    # -- live streaming -------------------------------------------------------------

    def _transcript(self) -> Transcript | None:
        for node in self.ancestors:
            if isinstance(node, Transcript):
                return node
        return None

    def begin(self) -> None:
        """Start streaming into this block (blocks are rendered as they complete, until :meth:`finish`)."""
        self.state = "streaming"
        self.think_start = None  # the thinking timer starts when the stream opens
        self._view.begin()
        transcript = self._transcript()
        if transcript is not None:
            transcript.release_reserves(keep=self)
            transcript.live_blocks.append(self)
        self.refresh_header()

    async def write(self, text: str) -> None:
        """Append raw answer text (sanitised when shown, at the next frame)."""
        self.answer_parts.append(text)
        if self._view.streaming:
            self._view.add(text)

    def flush_live(self, step: int) -> None:
        """Show the queued answer text (called by :meth:`Transcript.tick`)."""
        now = time.monotonic()
        if self._view.pending and now - self._last_sent >= self.min_interval:
            self._last_sent = now
            self._view.flush(step)

    async def replace(self, reasoning: str, answer: str) -> None:
        """Replace the whole split (``Reclassified``)."""
        self.reasoning_parts = [reasoning] if reasoning else []
        self.answer_parts = [answer] if answer else []
        self._view.reset()

    async def finish(self, state: str, note: str = "") -> None:
        """Stop streaming: complete the last block (nothing above it moves) and mark the state."""
        transcript = self._transcript()
        if transcript is not None and self in transcript.live_blocks:
            transcript.live_blocks.remove(self)
        self._view.close(keep_height=transcript is not None and transcript.is_anchored)
        self.state = state
        self.think_start = None
        self.note = note
        self.refresh_header()

    # -- code blocks and search ------------------------------------------------------------

    def code_blocks(self) -> list[str]:
        """The raw code of the answer's code blocks, in the order shown (for copying)."""
        return code_blocks(self.answer)

    def show_code_block(self, index: int | None) -> None:
        """Mark code block ``index`` (None: none) and scroll the transcript to it."""
        span = self._view.show_code(index)
        transcript = self._transcript()
        if span is None or transcript is None or not self._view.region:
            return
        top = self._view.region.y - transcript.region.y + round(transcript.scroll_y) + span[0]
        transcript.scroll_to_region(Region(0, top, 1, span[1] - span[0]), animate=False, immediate=True)

    def highlight_matches(self, pattern: re.Pattern[str] | None) -> int:
        """Highlight ``pattern`` in the answer; return how many rows show a match."""
        return len(self._view.highlight(pattern))


class Transcript(FollowMixin, VerticalScroll):
    """The scrolling transcript; follows the end while the user is at the bottom."""

    # A stable gutter: the scrollbar appearing or going must not re-wrap (re-lay out and
    # repaint) every answer.
    DEFAULT_CSS = """
    Transcript {
        scrollbar-gutter: stable;
    }
    """

    BINDINGS = [
        Binding("[", "prev_answer", "Prev answer", id="pane_prev_answer"),
        Binding("]", "next_answer", "Next answer", id="pane_next_answer"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.live_blocks: list[AnswerBlock] = []  # answers streaming now (flushed by tick)

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # The layout that changed the virtual height already placed (and painted) the
        # children; Textual would lay out and repaint the whole pane a second time.
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    def tick(self) -> None:
        """One frame of the app's shared clock: show new answer text, keep following."""
        if self.live_blocks:
            step = max(2, self.scrollable_content_region.height // 2)
            for block in self.live_blocks:
                block.flush_live(step)
        self.check_follow()

    async def clear(self) -> None:
        self.follow(False)
        self.live_blocks.clear()
        await self.remove_children()

    def release_reserves(self, keep: AnswerBlock | None = None) -> None:
        """Drop the blank rows finished answers kept while the view followed them."""
        for block in self.query(AnswerBlock):
            if block is not keep:
                block.markdown.release_reserve()

    async def add_prompt(self, prompt: str) -> PromptBlock:
        self.release_reserves()
        block = PromptBlock(prompt)
        await self.mount(block)
        return block

    async def add_answer(self, block: AnswerBlock) -> AnswerBlock:
        await self.mount(block)
        return block

    def answers(self) -> list[AnswerBlock]:
        """The answers on screen (one per prompt: the displayed alternative)."""
        return [block for block in self.query(AnswerBlock) if block.display]

    def all_answers(self) -> list[AnswerBlock]:
        """Every answer block, hidden alternatives included."""
        return list(self.query(AnswerBlock))

    def move(self, delta: int) -> AnswerBlock | None:
        """Focus the previous/next answer (relative to the focused one, or the last)."""
        blocks = self.answers()
        if not blocks:
            return None
        focused = self.app.focused
        if isinstance(focused, AnswerBlock) and focused in blocks:
            index = max(0, min(len(blocks) - 1, blocks.index(focused) + delta))
        else:
            index = len(blocks) - 1 if delta < 0 else 0
            if delta < 0:
                index = len(blocks) - 1
        block = blocks[index]
        block.focus()
        self.scroll_to_widget(block, animate=False, top=True)
        return block

    def action_prev_answer(self) -> None:
        self.move(-1)

    def action_next_answer(self) -> None:
        self.move(1)
