"""One answer of the answer pane: a header line and the answer (Markdown once complete).

Each answer is a focusable :class:`AnswerBlock` holding one ``Markdown`` widget. While
an answer streams, its source is shown as plain pre-wrapped rows (``LiveAnswer``,
flushed by the app's frame clock through :meth:`AnswerPane.tick`); the Markdown is
rendered once, when the stream ends, so a message is never re-rendered per token or per
line. Every string is sanitised with :func:`tui.sanitize.for_display` before a widget
sees it. The block keeps the reasoning of its answer for the reasoning pane.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Markdown, Static

from tui.sanitize import for_display, one_line
from tui.ui.compat import SteadySize
from tui.ui.widgets.answer_live import LiveAnswer
from tui.ui.widgets.message_stats import Stats

STATE_LABELS = {
    "streaming": "streaming…",
    "stopped": "stopped",
    "interrupted": "interrupted",
    "filtered": "filtered by the content filter",
    "failed": "failed",
}


class AnswerBlock(SteadySize, Vertical, can_focus=True):
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
        self.stats: Stats | None = None  # usage and timings, once known (the reasoning pane shows them)
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

    # -- live streaming (the answer pane's tick calls flush_live) ---------------------

    def begin(self) -> None:
        """Start streaming into this block (shown as plain rows until :meth:`finish`)."""
        self.state = "streaming"
        self.think_start = None  # the thinking timer starts when the stream opens
        self.markdown.display = False
        self._live.reset(self.answer)
        self._live.display = True
        self.refresh_header()

    async def write(self, text: str) -> None:
        """Append raw answer text (sanitised when shown, at the next frame)."""
        self.answer_parts.append(text)
        if self._live.display:
            self._live.add(text)

    def flush_live(self, step: int) -> None:
        """Show the queued answer text (called by :meth:`AnswerPane.tick`)."""
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
