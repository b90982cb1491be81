"""One answer of the answer pane: a header line and the answer, as Markdown.

Each answer is a focusable :class:`AnswerBlock` holding one :class:`MarkdownView`
(tui/ui/markdown/): while an answer streams, every Markdown block is rendered as soon as
it is complete and only the growing block is re-made, at each frame of the app's clock
(:meth:`AnswerPane.tick`); a stored answer opens through the same renderer. Every string
is sanitised with :func:`tui.sanitize.for_display` before it is drawn. The block keeps the
reasoning of its answer for the reasoning pane.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from tui.formats.md_code import code_blocks
from tui.sanitize import for_display, one_line
from tui.ui.compat import SteadySize
from tui.ui.markdown.view import MarkdownView
from tui.ui.widgets.message_stats import Stats

TextSource = Callable[[], tuple[str, str]]  # (reasoning, answer), read when needed
LONG_TEXT = 100_000  # characters of a stored answer (and of its reasoning) shown at first; "more" adds as many


def shown_part(text: str, limit: int | None) -> str:
    """``text`` up to ``limit`` characters (None: all), cut after a line break when one is near."""
    if limit is None or len(text) <= limit:
        return text
    cut = text.rfind("\n", limit // 2, limit)
    return text[: cut + 1 if cut >= 0 else limit]


STATE_LABELS = {
    "streaming": "streaming…",
    "stopped": "stopped",
    "interrupted": "interrupted",
    "filtered": "filtered by the content filter",
    "failed": "failed",
}


def note_text(notes: list[str]) -> Text:
    """The user's notes on a message, one line each ("✎ " and the note), sanitised."""
    return Text("\n").join(Text("✎ " + for_display(n).replace("\n", " "), style="italic") for n in notes)


class AnswerBlock(SteadySize, Vertical, can_focus=True):
    """One assistant message: header line, Markdown answer, and its reasoning kept for the pane."""

    class Selected(Message):
        """The block got focus (show its reasoning), or ``changed``: more of its reasoning is shown."""

        def __init__(self, block: AnswerBlock, changed: bool = False) -> None:
            super().__init__()
            self.block = block
            self.changed = changed

    class Finished(Message):
        """The block stopped streaming (its group's vote counts it now)."""

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
        text: TextSource | None = None,
    ) -> None:
        super().__init__(classes="answer-block")
        self.msg_id = msg_id
        self.choice = choice
        # The block keeps no text of its own: ``text`` reads the engine's (the live transcript
        # while it streams); a stored answer's strings are the tree's (``answer``/``reasoning``).
        self._text: TextSource = text if text is not None else (lambda: (reasoning, answer))
        self.state = state
        self.thought_s = thought_s
        self.think_start: float | None = None
        self.label = label
        self.note = note
        self.stats: Stats | None = None  # usage and timings, once known (the reasoning pane shows them)
        self.notes: list[str] = []  # the user's notes on this answer (set_notes shows them)
        self.replay_label = ""  # "replay ×4": shown in the header instead of the state while replayed
        self.min_interval = 0.0  # seconds between live flushes (low bandwidth: 0.25)
        self._last_sent = 0.0
        # a long stored answer is rendered in parts (opening 10 MB must not hang): how much is shown
        long = not state == "streaming" and (len(answer) > LONG_TEXT or len(reasoning) > LONG_TEXT)
        self.shown_chars: int | None = LONG_TEXT if long else None
        self._view = MarkdownView(lambda: shown_part(self.answer, self.shown_chars), classes="answer-markdown")

    def read_from(self, text: TextSource) -> TextSource:
        """Read the text from ``text`` from now on (a replay shows its own); return the source before."""
        before, self._text = self._text, text
        return before

    @property
    def answer(self) -> str:
        return self._text()[1]

    @property
    def reasoning(self) -> str:
        return self._text()[0]

    @property
    def live(self) -> bool:
        return self.state == "streaming"

    def compose(self) -> ComposeResult:
        yield Static(self._header_text(), classes="answer-header", markup=False)
        yield self._view
        more = Static(self._more_text(), classes="answer-more", markup=False)
        more.display = self.shown_chars is not None
        yield more
        notes = Static(note_text(self.notes), classes="answer-notes", markup=False)
        notes.display = bool(self.notes)
        yield notes

    def set_notes(self, notes: list[str]) -> None:
        """Show ``notes`` (the user's, raw) on the line under the answer; none hides it."""
        self.notes = list(notes)
        if self.is_mounted:
            line = self.query_one(".answer-notes", Static)
            line.update(note_text(self.notes))
            line.display = bool(self.notes)

    # -- a long stored answer, shown in parts ---------------------------------------------

    @property
    def shown_reasoning(self) -> str:
        """The part of the reasoning the reasoning pane shows (all of it unless the answer is long)."""
        return shown_part(self.reasoning, self.shown_chars)

    def _more_text(self) -> Text:
        if self.shown_chars is None:
            return Text("")
        shown = len(shown_part(self.answer, self.shown_chars)) + len(self.shown_reasoning)
        total = len(self.answer) + len(self.reasoning)
        return Text(f"Long answer: {shown:,} of {total:,} characters shown (answer and reasoning) · "
                    "m shows more · copying takes all of it", style="italic")

    def show_more(self) -> bool:
        """Show the next part of a long answer and its reasoning; False when all of it is shown."""
        if self.shown_chars is None:
            return False
        self.shown_chars += LONG_TEXT
        if self.shown_chars >= max(len(self.answer), len(self.reasoning)):
            self.shown_chars = None
        self._view.reset()
        more = self.query_one(".answer-more", Static)
        more.update(self._more_text())
        more.display = self.shown_chars is not None
        return True

    @property
    def markdown(self) -> MarkdownView:
        """The rendered answer."""
        return self._view

    def _header_text(self) -> Text:
        text = Text(self.label or "assistant", style="bold")
        if self.choice:  # the stored alternative index, 0-based; shown 1-based as the alternatives line counts
            text.append(f" · answer {self.choice + 1}")
        label = self.replay_label or STATE_LABELS.get(self.state)
        if label:
            text.append(f" · {label}", style="bold italic")
        if self.thought_s is not None:
            unanswered = label and self.state != "streaming" and not self.answer.strip()
            text.append(f" · {'thinking' if unanswered else 'thought'} {self.thought_s:.1f} s", style="dim")
        if self.note:
            text.append(f" · {one_line(self.note, 160)}", style="italic")
        return text

    def refresh_header(self) -> None:
        self.query_one(".answer-header", Static).update(self._header_text())

    def on_focus(self) -> None:
        self.post_message(self.Selected(self))

    # -- live streaming (the answer pane tracks the block and its tick calls flush_live) -----

    def begin(self) -> None:
        """Start streaming into this block (blocks are rendered as they complete, until :meth:`finish`)."""
        self.state = "streaming"
        self.think_start = None  # the thinking timer starts when the stream opens
        self._view.begin()
        self.refresh_header()

    async def write(self, text: str) -> None:
        """Show raw answer text the source just gained (sanitised when shown, at the next frame)."""
        if self._view.streaming:
            self._view.add(text)

    def flush_live(self, step: int) -> None:
        """Show the queued answer text (called by :meth:`AnswerPane.tick`)."""
        now = time.monotonic()
        if self._view.pending and now - self._last_sent >= self.min_interval:
            self._last_sent = now
            self._view.flush(step)

    async def replace(self) -> None:
        """The source's split into reasoning and answer was revised as a whole (``Reclassified``)."""
        self._view.reset()

    async def finish(self, state: str, note: str = "", *, keep_height: bool = False) -> None:
        """Stop streaming: complete the last block (nothing above it moves) and mark the state.

        ``keep_height``: the pane follows the end; the rows reserved below stay until the next prompt.
        """
        self._view.close(keep_height=keep_height)
        self.state = state
        self.think_start = None
        self.note = note
        self.refresh_header()
        self.post_message(self.Finished())

    # -- code blocks and search ------------------------------------------------------------

    def code_blocks(self) -> list[str]:
        """The raw code of the answer's code blocks, in the order shown (for copying)."""
        return code_blocks(self.answer)

    def show_code_block(self, index: int | None) -> tuple[int, int] | None:
        """Mark code block ``index`` (None: none); return its rows on screen (top, bottom) to scroll to."""
        span = self._view.show_code(index)
        region = self._view.region
        if span is None or not region:
            return None
        return region.y + span[0], region.y + span[1]

    def highlight_matches(self, pattern: re.Pattern[str] | None) -> int:
        """Highlight ``pattern`` in the answer; return how many rows show a match."""
        return len(self._view.highlight(pattern))
