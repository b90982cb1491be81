"""The reasoning pane: a linear-time plain-text view of a growing reasoning trace.

Textual's Markdown re-parses the whole last paragraph on every append and a single
growing Static re-renders all of its text, so both are quadratic on a 20k-token trace
without blank lines. Here the trace is kept as pre-wrapped rows (``lines.WrappedText``):
each flush wraps only the new text and repaints only the rows that changed, and rows
are frozen into pages so the cost stays flat. :func:`split_tail` still tracks the
logical blocks (a paragraph break, or a line / sentence / space boundary once the
unfinished block grows past ``SOFT_LIMIT`` characters) for ``block_count``/``tail_text``.
"""

from __future__ import annotations

import asyncio
import time

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.widgets import Static

from tui.sanitize import for_display
from tui.ui.widgets.follow import FollowMixin
from tui.ui.widgets.lines import WrappedText

SOFT_LIMIT = 1500  # start looking for a cut once the tail is this long
MIN_BLOCK = 400  # never cut a block shorter than this at a soft boundary
HARD_LIMIT = 3000  # cut here whatever the text is
PAGE_ROWS = 120  # rows of the live block before its finished rows become a frozen page


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
    """The trace as pre-wrapped rows: frozen pages plus one live block; follows the end.

    Appends are sanitised and wrapped at each flush; only the rows that changed are
    repainted. While a stream is followed the live block reserves blank rows so the
    content grows in steps of half a pane: the view scrolls once per step, not per line
    (a scroll repaints the whole pane). Rows beyond ``PAGE_ROWS`` are moved into frozen
    pages, so a flush costs the same at token 40,000 as at token 400.
    ``block_count`` / ``tail_text`` report the logical blocks of :func:`split_tail`.
    """

    DEFAULT_CSS = """
    ReasoningLog {
        scrollbar-gutter: stable;
    }
    """

    can_focus = True

    def __init__(self, *, hz: float = 12.0, id: str | None = None) -> None:
        super().__init__(id=id)
        self._interval = 1.0 / hz if hz > 0 else 0.0
        self._tail = ""
        self._scan_from = 0
        self._raw: list[str] = []
        self._dirty = False
        self._live = WrappedText(classes="reasoning-tail")
        self._pages: list[WrappedText] = []
        self._frozen_rows = 0
        self._streaming = True  # reserve rows while following; False once the stream ended
        self.block_count = 0
        self._lock = asyncio.Lock()

    def compose(self) -> ComposeResult:
        yield self._live

    def on_mount(self) -> None:
        if self._interval:
            self.set_interval(self._interval, self.flush)

    @property
    def tail_text(self) -> str:
        """The text of the logical block still being written."""
        return self._tail

    def append(self, text: str) -> None:
        """Add raw (unsanitised) reasoning text; shown at the next flush."""
        if not text:
            return
        self._raw.append(text)
        self._scan_from = len(self._tail)
        self._tail += text
        blocks, self._tail = split_tail(self._tail, self._scan_from)
        self.block_count += len(blocks)
        self._dirty = True

    def end_stream(self) -> None:
        """The stream ended: drop the reserved rows (at the next flush)."""
        self._streaming = False
        self._dirty = True

    async def set_text(self, text: str) -> None:
        """Replace everything with ``text`` (history, reclassification)."""
        async with self._lock:
            old = self._pages
            self._pages, self._frozen_rows, self._raw = [], 0, []
            self._live.rows = []
            self._tail = ""
            self.block_count = 0
            self._streaming = True
            self.append(text)
            if old:
                await self.remove_children(old)
            self._dirty = True
            await self._flush(page_all=True)
            self.reset_follow()

    async def flush(self) -> None:
        """Wrap and show new text, repainting only changed rows."""
        if not self.is_attached:
            return
        self.check_follow()
        if not self._dirty:
            return
        async with self._lock:
            await self._flush()

    def _width(self) -> int:
        return self.scrollable_content_region.width

    async def _flush(self, page_all: bool = False) -> None:
        width = self._width()
        if width < 1:
            return  # not laid out yet: wrap once the size is known (on_resize)
        self._dirty = False
        live = self._live
        if live.wrap_width != width:
            self._rewrap(width)
        raw = "".join(self._raw)
        keep = "\r" if raw.endswith("\r") and self._streaming and not page_all else ""
        self._raw = [keep] if keep else []
        if keep:
            raw = raw[:-1]
        rows = live.rows
        old_last = "" if not rows or rows[-1].endswith("\n") else rows[-1]
        first = live.append(for_display(raw)) if raw else len(live.rows)
        grew = self._fit()
        live.refresh_rows(first, len(live.rows), None if page_all else old_last)
        if page_all or (len(live.rows) >= PAGE_ROWS and (grew or not self.is_anchored)):
            await self._freeze(all_complete=page_all)

    def _fit(self) -> bool:
        """Size the live block (with reserved rows while streaming); ``True`` if it changed."""
        rows = len(self._live.rows)
        height = rows
        if not self._streaming and self._want_follow and self._live._height >= rows:
            return False  # the stream ended: keep the reserved rows (shrinking repaints the pane)
        if self._streaming and self._want_follow:
            step = max(2, self.scrollable_content_region.height // 2)
            total = self._frozen_rows + rows
            height = -(-total // step) * step - self._frozen_rows
        return self._live.set_height(height)

    async def _freeze(self, *, all_complete: bool = False) -> None:
        """Move the live block's finished rows (up to a line end if possible) into a page."""
        rows = self._live.rows
        cut = len(rows) - 1
        if all_complete and rows and rows[-1].endswith("\n"):
            cut = len(rows)
        for i in range(cut - 1, max(-1, cut - 80), -1):
            if rows[i].endswith("\n"):
                cut = i + 1
                break
        if cut <= 0:
            self._fit()
            return
        page = WrappedText(classes="reasoning-block")
        page.rows = self._live.take_rows(cut)
        page.wrap_width = self._live.wrap_width
        page.set_height(len(page.rows))
        self._pages.append(page)
        self._frozen_rows += len(page.rows)
        self._fit()
        await self.mount(page, before=self._live)

    def _rewrap(self, width: int) -> None:
        self._frozen_rows = 0
        for page in self._pages:
            page.rewrap(width)
            page.set_height(len(page.rows))
            self._frozen_rows += len(page.rows)
        self._live.rewrap(width)
        self._live.refresh()

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        # Textual would re-layout (and fully repaint) the pane a second time when only the
        # virtual height changed after a layout that already accounted for it: skip that.
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    def on_resize(self) -> None:
        if self._width() != self._live.wrap_width:
            self._dirty = True
            self.call_later(self.flush)


class ReasoningPane(Vertical):
    """Header with the thinking timer over a :class:`ReasoningLog`.

    With ``hz > 0`` the pane runs its own timers; with ``hz=0`` the owner calls
    :meth:`tick` from one shared frame clock, so the trace, the header and the status
    bar change in the same frame. The header counts whole seconds (one change a second).
    """

    def __init__(self, *, hz: float = 12.0, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: object | None = None  # the answer block shown
        self._hz = hz
        self._log = ReasoningLog(hz=hz, id="reasoning-log")
        self._think_start: float | None = None
        self._thought_s: float | None = None
        self._state = ""
        self._header = ""

    def compose(self) -> ComposeResult:
        yield Static(Text("Reasoning"), id="reasoning-header", markup=False)
        yield self._log

    @property
    def log_widget(self) -> ReasoningLog:
        return self._log

    def on_mount(self) -> None:
        if self._hz > 0:
            self.set_interval(1.0, self._render_header)

    async def tick(self) -> None:
        """One frame of the shared clock: new trace rows and the header."""
        if not self.is_attached:
            return  # the app is closing
        await self._log.flush()
        self._render_header()

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
        log.follow(live)
        await log.set_text(text)
        if not live:
            log.scroll_home(animate=False)
        self._render_header()

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
        self._render_header()

    async def finish(self, source: object) -> None:
        """Flush the tail at the end of a stream (and drop the rows reserved for it)."""
        if source is self.source:
            log = self.log_widget
            log.end_stream()
            await log.flush()
            for stats in self.query("#message-stats"):  # the final stats in the same frame
                refresh_now = getattr(stats, "refresh_now", None)
                if refresh_now is not None:
                    refresh_now()

    def _render_header(self) -> None:
        text = Text("Reasoning", style="bold")
        if self._think_start is not None:
            text.append(f" · Thinking… {int(time.monotonic() - self._think_start)} s")
        elif self._thought_s is not None:
            text.append(f" · Thought for {self._thought_s:.1f} s")
        if self._state:
            text.append(f" · {self._state}", style="italic")
        if text.plain != self._header and self.is_attached:
            self._header = text.plain
            self.query_one("#reasoning-header", Static).update(text, layout=False)
