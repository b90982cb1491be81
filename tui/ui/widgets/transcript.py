"""The answer pane: the conversation transcript (prompts and Markdown answers).

Each answer is a focusable :class:`AnswerBlock` holding one ``Markdown`` widget. While
an answer streams, its source is shown as plain pre-wrapped rows (``LiveAnswer``,
flushed by the app's frame clock through :meth:`Transcript.tick`); the Markdown is
rendered once, when the stream ends, so a message is never re-rendered per token or per
line. Every string is sanitised with :func:`tui.sanitize.for_display` before a widget
sees it.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Markdown, Static

from tui.sanitize import for_display, one_line
from tui.ui.widgets.answer_live import LiveAnswer
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
        self._initial = answer
        self.min_interval = 0.0  # seconds between live flushes (low bandwidth: 0.25)
        self._last_sent = 0.0
        self._live = LiveAnswer()
        self._live.display = False

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
        yield Markdown(for_display(self._initial), open_links=False)
        yield self._live

    @property
    def markdown(self) -> Markdown:
        return self.query_one(Markdown)

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
        """Start streaming into this block (shown as plain rows until :meth:`finish`)."""
        self.state = "streaming"
        self.think_start = None  # the thinking timer starts when the stream opens
        self.markdown.display = False
        self._live.reset(self.answer)
        self._live.display = True
        transcript = self._transcript()
        if transcript is not None:
            transcript.live_blocks.append(self)
        self.refresh_header()

    async def write(self, text: str) -> None:
        """Append raw answer text (sanitised when shown, at the next frame)."""
        self.answer_parts.append(text)
        if self._live.display:
            self._live.add(text)

    def flush_live(self, step: int) -> None:
        """Show the queued answer text (called by :meth:`Transcript.tick`)."""
        now = time.monotonic()
        if self._live.pending and now - self._last_sent >= self.min_interval:
            self._last_sent = now
            self._live.flush(step)

    async def replace(self, reasoning: str, answer: str) -> None:
        """Replace the whole split (``Reclassified``)."""
        self.reasoning_parts = [reasoning] if reasoning else []
        self.answer_parts = [answer] if answer else []
        if self._live.display:
            self._live.reset(answer)
        else:
            await self.markdown.update(for_display(answer))

    async def finish(self, state: str, note: str = "") -> None:
        """Stop streaming, then render the whole answer as Markdown once and mark the state."""
        transcript = self._transcript()
        if transcript is not None and self in transcript.live_blocks:
            transcript.live_blocks.remove(self)
        text = for_display(self.answer)
        markdown = self.markdown
        if markdown.source != text:
            await markdown.update(text)
        if self._live.display:
            with self.app.batch_update():
                self._live.display = False
                self._live.clear_text()
                markdown.display = True
        self.state = state
        self.think_start = None
        self.note = note
        self.refresh_header()


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

    async def add_prompt(self, prompt: str) -> PromptBlock:
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
