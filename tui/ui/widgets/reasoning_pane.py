"""The reasoning pane: a header with the thinking timer, the answer's stats, and its trace.

The owner calls :meth:`ReasoningPane.tick` from the app's one frame clock, so the trace,
the header and the status bar change in the same frame. The header counts whole
seconds (one change a second). The pane shows one answer at a time (its ``source``).

Reading a trace (issue 14): the outline's parts set :meth:`set_outline` (the header then
reads ``step 4/17 · 3 pivots · ~120 tok · 2.1 s``) and follow the trace through
:attr:`ReasoningPane.frame_hooks`, called after every frame's flush and when another answer
is shown; the find bar sits under the trace.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tui.trace.mathtext import to_unicode_math
from tui.ui.widgets.answer_block import AnswerBlock
from tui.ui.widgets.find_bar import FindBar
from tui.ui.widgets.message_stats import MessageStats, live_text
from tui.ui.widgets.reasoning_log import ReasoningLog


def header_text(think_start: float | None, thought_s: float | None, state: str, answered: bool, now: float) -> Text:
    """``Reasoning · Thought for 1.5 s``; an answer that did not complete names its state first (a
    narrow pane cuts the end, never the state), and one stopped before it answered says it stopped
    while thinking instead of "Thought for"."""
    text = Text("Reasoning", style="bold")
    if state:
        text.append(f" · {state}", style="bold italic")
        if think_start is None and thought_s is not None:
            text.append(f" · thought {thought_s:.1f} s" if answered else f" while thinking · {thought_s:.1f} s")
        return text
    if think_start is not None:
        text.append(f" · Thinking… {int(now - think_start)} s")
    elif thought_s is not None:
        text.append(f" · Thought for {thought_s:.1f} s")
    return text


class ReasoningPane(Vertical):
    """Header, stats line and :class:`ReasoningLog` of the answer ``source``."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: AnswerBlock | None = None  # the answer shown
        self.trace = ReasoningLog(id="reasoning-log")
        self.trace.transform = to_unicode_math  # math as Unicode (display only); None: raw
        self.stats = MessageStats(id="message-stats")
        self.find_bar = FindBar(id="find-bar")
        self.frame_hooks: list[Callable[[], None]] = []  # the outline and find follow the trace here
        self._outline: str | None = None
        self._think_start: float | None = None
        self._thought_s: float | None = None
        self._state = ""
        self._header = ""

    def compose(self) -> ComposeResult:
        yield Static(Text("Reasoning"), id="reasoning-header", markup=False)
        yield self.stats
        yield self.trace
        yield self.find_bar

    def tick(self) -> None:
        """One frame of the shared clock: new trace rows and the header."""
        if self.is_attached:
            self.trace.flush()
            self._run_hooks()
            self._render_header()

    def _run_hooks(self) -> None:
        for hook in self.frame_hooks:
            hook()

    def set_outline(self, text: str | None) -> None:
        """The outline's header text (``step 4/17 · 3 pivots…``), or None for the plain header."""
        if text != self._outline:
            self._outline = text
            self._render_header()

    def show(self, block: AnswerBlock | None) -> None:
        """Show ``block``'s reasoning (live or stored), timer and stats; None empties the pane."""
        self.source = block
        if block is None:
            self._think_start = self._thought_s = None
            self._state = ""
            self.trace.set_text("")
            self.stats.show_stats(None)
        else:
            self._think_start = block.think_start
            self._thought_s = block.thought_s
            self._state = "" if block.live or block.state == "complete" else block.state
            self.trace.set_text(block.shown_reasoning, live=block.live)  # a long stored one: its first part
            if block.live:
                self.stats.show_text(live_text(block.stats.first_token_s if block.stats else None))
            else:
                self.stats.show_stats(block.stats)
        self._run_hooks()
        self._render_header()

    @property
    def raw_math(self) -> bool:
        """The trace shows its raw text (LaTeX as written) instead of math as Unicode."""
        return self.trace.transform is None

    def show_raw(self, raw: bool) -> None:
        """Show the trace as written (``raw``) or with its math as Unicode (a streaming one: when it ends)."""
        if raw == self.raw_math:
            return
        self.trace.transform = None if raw else to_unicode_math
        block = self.source
        if block is not None and not block.live:  # the same place in the trace, in proportion
            trace = self.trace
            trace.set_text(block.shown_reasoning, at=trace.position)

    def append(self, block: AnswerBlock, text: str) -> None:
        """Append live reasoning if ``block`` is the one shown."""
        if block is self.source:
            self.trace.append(text)

    def replace(self, block: AnswerBlock, text: str) -> None:
        """The whole trace of ``block`` changed (reclassified)."""
        if block is self.source:
            self.trace.set_text(text, live=block.live)

    def set_timing(self, block: AnswerBlock, *, think_start: float | None, thought_s: float | None,
                   state: str = "") -> None:
        """Update the header timer for ``block`` if shown."""
        if block is not self.source:
            return
        self._think_start = think_start
        self._thought_s = thought_s
        self._state = state
        self._render_header()

    def refresh_stats(self, block: AnswerBlock) -> None:
        """``block.stats`` changed (its first token came, or its stream ended)."""
        if block is not self.source:
            return
        if block.live:
            self.stats.show_text(live_text(block.stats.first_token_s if block.stats else None))
        else:
            self.stats.show_stats(block.stats)

    def finish(self, block: AnswerBlock) -> None:
        """The stream of ``block`` ended: the rest of the trace, its final place, and the stats."""
        if block is self.source:
            self.trace.end_stream()
            self.stats.show_stats(block.stats)

    def highlight(self, pattern: re.Pattern[str] | None) -> None:
        """Highlight ``pattern`` in the trace and scroll to its first match."""
        row = self.trace.highlight(pattern)
        if row is not None:
            trace = self.trace
            self.call_after_refresh(lambda: trace.scroll_to(y=max(0, row - 1), animate=False))

    def _render_header(self) -> None:
        answered = bool(self.source is not None and self.source.answer.strip())
        text = header_text(self._think_start, self._thought_s, self._state, answered, time.monotonic())
        if self._outline is not None:
            outline = Text(f"{self._state} · " if self._state else "", style="bold italic")
            outline.append(self._outline, style="bold")
            if self._think_start is not None:
                outline.append(f" · Thinking… {int(time.monotonic() - self._think_start)} s")
            text = outline
        if text.plain != self._header and self.is_attached:
            self._header = text.plain
            self.query_one("#reasoning-header", Static).update(text, layout=False)
