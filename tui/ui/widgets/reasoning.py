"""The reasoning pane: a linear-time plain-text view of a growing reasoning trace.

Textual's Markdown re-parses the whole last paragraph on every append and a single
growing Static re-renders all of its text, so both are quadratic on a 20k-token trace
without blank lines. Here the text is split into blocks: completed blocks are frozen
as separate ``Static(Text)`` widgets and only a short tail block is re-rendered, at a
throttled rate. Blocks are cut at a paragraph break, or at a line / sentence / space
boundary once the tail grows past ``SOFT_LIMIT`` characters.
"""

from __future__ import annotations

import asyncio
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from tui.sanitize import for_display
from tui.ui.widgets.follow import FollowMixin

SOFT_LIMIT = 1500  # start looking for a cut once the tail is this long
MIN_BLOCK = 400  # never cut a block shorter than this at a soft boundary
HARD_LIMIT = 3000  # cut here whatever the text is


def split_tail(tail: str, scan_from: int = 0) -> tuple[list[tuple[str, bool]], str]:
    """Cut completed blocks off ``tail``; return ``([(block, ends_paragraph)], new_tail)``.

    ``scan_from`` is where new text began, so a paragraph break is only searched in
    new text (plus one character of overlap): the work per append stays bounded.
    """
    blocks: list[tuple[str, bool]] = []
    start = max(0, scan_from - 1)
    para = tail.rfind("\n\n", start)
    if para >= 0:
        head, tail = tail[:para], tail[para + 2 :].lstrip("\n")
        for piece in head.split("\n\n"):
            piece = piece.strip("\n")
            if piece:
                blocks.extend(_cut_long(piece, paragraph_end=True))
    while len(tail) >= SOFT_LIMIT:
        cut = _soft_cut(tail)
        if cut is None:
            break
        block, tail = tail[:cut].rstrip(" \n"), tail[cut:].lstrip(" \n")
        blocks.append((block, False))
    return blocks, tail


def _cut_long(text: str, *, paragraph_end: bool) -> list[tuple[str, bool]]:
    """Split one long paragraph into blocks no longer than about ``SOFT_LIMIT``."""
    out: list[tuple[str, bool]] = []
    while len(text) >= SOFT_LIMIT:
        cut = _soft_cut(text) or len(text)
        out.append((text[:cut].rstrip(" \n"), False))
        text = text[cut:].lstrip(" \n")
    if text:
        out.append((text, paragraph_end))
    elif out:
        out[-1] = (out[-1][0], paragraph_end)
    return out


def _soft_cut(text: str) -> int | None:
    """Index to cut ``text`` at: after a newline, a sentence end or a space; ``None`` = wait."""
    window = text[:HARD_LIMIT]
    for sep in ("\n", ". ", "? ", "! ", "; ", ", ", " "):
        at = window.rfind(sep, MIN_BLOCK)
        if at >= 0:
            return at + len(sep)
    if len(text) >= HARD_LIMIT:
        return HARD_LIMIT
    return None


class ReasoningLog(FollowMixin, VerticalScroll):
    """Frozen text blocks plus one throttled tail block; follows the end while anchored."""

    can_focus = True

    def __init__(self, *, hz: float = 12.0, id: str | None = None) -> None:
        super().__init__(id=id)
        self._interval = 1.0 / hz
        self._tail = ""
        self._scan_from = 0
        self._pending: list[tuple[str, bool]] = []
        self._dirty = False
        self._tail_widget = Static("", classes="reasoning-tail", markup=False)
        self.block_count = 0
        self._lock = asyncio.Lock()

    def compose(self) -> ComposeResult:
        yield self._tail_widget

    def on_mount(self) -> None:
        self.set_interval(self._interval, self.flush)

    @property
    def tail_text(self) -> str:
        """The text of the block still being written."""
        return self._tail

    def append(self, text: str) -> None:
        """Add raw (unsanitised) reasoning text; shown at the next flush."""
        if not text:
            return
        self._scan_from = len(self._tail)
        self._tail += text
        blocks, self._tail = split_tail(self._tail, self._scan_from)
        self._pending.extend(blocks)
        self._dirty = True

    async def set_text(self, text: str) -> None:
        """Replace everything with ``text`` (history, reclassification)."""
        async with self._lock:
            old = list(self.query(".reasoning-block"))
            self._tail = ""
            self._pending = []
            self.block_count = 0
            self.append(text)
            self._dirty = True
            if old:
                await self.remove_children(old)
            self.reset_follow()
        await self.flush()

    async def flush(self) -> None:
        """Mount frozen blocks and re-render the tail if anything changed."""
        if not self.is_attached:
            return
        self.check_follow()
        if not self._dirty:
            return
        async with self._lock:
            await self._flush()

    async def _flush(self) -> None:
        self._dirty = False
        if self._pending:
            widgets = [
                Static(
                    Text(for_display(block)),
                    classes="reasoning-block" + (" -para" if para else ""),
                )
                for block, para in self._pending
            ]
            self._pending = []
            self.block_count += len(widgets)
            await self.mount_all(widgets, before=self._tail_widget)
        self._tail_widget.update(Text(for_display(self._tail)))


class ReasoningPane(Vertical):
    """Header with the thinking timer over a :class:`ReasoningLog`."""

    def __init__(self, *, hz: float = 12.0, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: object | None = None  # the answer block shown
        self._hz = hz
        self._think_start: float | None = None
        self._thought_s: float | None = None
        self._state = ""
        self._timer = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Reasoning"), id="reasoning-header", markup=False)
        yield ReasoningLog(hz=self._hz, id="reasoning-log")

    @property
    def log_widget(self) -> ReasoningLog:
        return self.query_one(ReasoningLog)

    def on_mount(self) -> None:
        self._timer = self.set_interval(max(0.1, 1.0 / self._hz), self._tick, pause=True)

    async def show(
        self,
        source: object | None,
        text: str,
        *,
        live: bool = False,
        think_start: float | None = None,
        thought_s: float | None = None,
        state: str = "",
    ) -> None:
        """Show the reasoning of ``source`` (an answer block); the timer runs while ``think_start`` is set."""
        self.source = source
        self._think_start = think_start
        self._thought_s = thought_s
        self._state = state
        log = self.log_widget
        await log.set_text(text)
        log.follow(live)
        if not live:
            log.scroll_home(animate=False)
        self._render_header()
        if self._timer is not None:
            self._timer.resume() if think_start is not None else self._timer.pause()

    def append(self, source: object, text: str) -> None:
        """Append live reasoning if ``source`` is the one shown."""
        if source is self.source:
            self.log_widget.append(text)

    def set_timing(
        self, source: object, *, think_start: float | None, thought_s: float | None, state: str = ""
    ) -> None:
        """Update the header timer for ``source`` if shown."""
        if source is not self.source:
            return
        self._think_start = think_start
        self._thought_s = thought_s
        self._state = state
        if self._timer is not None:
            self._timer.resume() if think_start is not None else self._timer.pause()
        self._render_header()

    async def finish(self, source: object) -> None:
        """Flush the tail at the end of a stream."""
        if source is self.source:
            await self.log_widget.flush()

    def _tick(self) -> None:
        self._render_header()

    def _render_header(self) -> None:
        text = Text("Reasoning", style="bold")
        if self._think_start is not None:
            text.append(f" · Thinking… {time.monotonic() - self._think_start:.1f} s")
        elif self._thought_s is not None:
            text.append(f" · Thought for {self._thought_s:.1f} s")
        if self._state:
            text.append(f" · {self._state}", style="italic")
        self.query_one("#reasoning-header", Static).update(text)
