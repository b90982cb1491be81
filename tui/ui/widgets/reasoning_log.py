"""The reasoning trace: pre-wrapped rows drawn with the Line API (``ScrollView.render_line``).

Textual's Markdown re-parses the whole last paragraph on every append and a growing
Static re-renders all of its text; both are quadratic on a 20k-token trace. Here the
trace is a list of pre-wrapped, sanitised rows (:func:`tui.ui.widgets.lines.append_rows`):
each flush wraps only the new text and repaints only the cells that changed, so a
flush costs the same at token 40,000 as at token 400.

Following: while a stream is followed the view keeps to the end, and the virtual
height grows in steps of half a pane (blank rows reserved below the text), so the
view moves once per step rather than once per row: that step's repaint (the pane's
new size) also draws it at its new offset. Scrolling up stops following; End (or
scrolling back to the bottom) resumes.
When the stream ends, a trace that fits the pane is shown from its first line; a
longer one stays at its end if followed, and where the user put it otherwise.

An optional display-only ``transform`` (math as Unicode) is applied to a whole trace at its
final render — a stored trace when set, a streamed one when it ends — never per flush.

Marks (issue 14): the first cell of every row is a margin drawn here: ``»`` where a step
opens with a pivot, ``▌`` beside the rows of the current step. Find matches are drawn
from character spans of :attr:`text` (a match may cross a wrapped row), the current one
in its own style. Changing marks repaints only the margin column.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.sanitize import for_display
from tui.ui.widgets.lines import append_rows, row_strip, span_strip
from tui.ui.widgets.pass_style import PassStyle

MARGIN = 1  # cells left of the text: the pivot and current-step marks
PIVOT_MARK = "\u00bb"  # »
STEP_MARK = "\u258c"  # ▌
MATCH_STYLE = Style.parse("black on yellow")
CURRENT_MATCH_STYLE = Style.parse("bold black on dark_orange")


class ReasoningLog(ScrollView, PassStyle, can_focus=True):
    """A growing, sanitised, pre-wrapped trace; :meth:`flush` is called by the frame clock."""

    DEFAULT_CSS = """
    ReasoningLog {
        scrollbar-gutter: stable;
        overflow-x: hidden;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[str] = []
        self.wrap_width = 0
        self._pending: list[str] = []
        self._streaming = False
        self._follow = False
        self._highlight: re.Pattern[str] | None = None
        self._offsets: list[int] = []  # the character offset in :attr:`text` where each row starts
        self._pivots: list[int] = []  # offsets where a pivot step starts (sorted)
        self._current: tuple[int, int] | None = None  # the current step's offsets
        self._matches: list[tuple[int, int]] = []  # find matches (sorted spans of :attr:`text`)
        self._match: int | None = None  # the current match
        self.version = 0  # changes whenever the text changes (not on a re-wrap)
        self.transform: Callable[[str], str] | None = None  # display only, at the final render
        self._start_at: float | None = None  # set_text's ``at``, applied when the rows are made

    # -- text ----------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The trace shown (sanitised, as wrapped: joining the rows gives the text back)."""
        return "".join(self.rows)

    @property
    def pending(self) -> bool:
        """Text is waiting for the next flush."""
        return bool(self._pending)

    @property
    def following(self) -> bool:
        """The view keeps to the end of the trace."""
        return self._follow

    @property
    def position(self) -> float:
        """The fraction of the rows above the view (what :meth:`set_text`'s ``at`` restores)."""
        if self._start_at is not None:
            return self._start_at
        return self.scroll_y / len(self.rows) if self.rows else 0.0

    def append(self, text: str) -> None:
        """Add raw (unsanitised) trace text; shown at the next flush."""
        if text:
            self._pending.append(text)

    def set_text(self, text: str, *, live: bool = False, at: float = 0.0) -> None:
        """Replace the trace (another answer, or a reclassified one); ``live`` follows its end.
        ``at``: the fraction of the rows to show at the top (once laid out, if the pane is hidden)."""
        if text and not live and self.transform is not None:
            text = self.transform(text)
        self.rows, self._offsets = [], []
        self._pivots, self._current, self._matches, self._match = [], None, [], None
        self.version += 1
        self._pending = [text] if text else []
        self._streaming = live
        self._highlight = None
        self._follow = live
        self._scrollbar_while_following()
        self._start_at = at
        self.flush(force=True)
        if self._start_at is not None:  # hidden, not wrapped yet: from the top until it is
            self._scroll_now(0)

    def end_stream(self) -> None:
        """The stream ended: a trace that fits shows its first line; a longer one its end if it
        was followed, else the rows the user scrolled to. The rows reserved for growth go."""
        self.flush()
        self._streaming = False  # the scrollbar stays hidden until the user scrolls up or focuses the pane
        self._final_render()
        fits = len(self.rows) <= self.scrollable_content_region.height
        if fits:
            self._follow = False
        self._set_virtual_height(len(self.rows))  # a followed view moves to the new end with it
        if fits:
            self._scroll_now(0)

    def _final_render(self) -> None:
        """The streamed trace through ``transform`` (re-wrapped only if that changed it)."""
        text = self.text
        if self.transform is None or not text or self.wrap_width < 1:
            return
        shown = self.transform(text)
        if shown == text:
            return
        before = len(self.rows)
        self.rows = []
        append_rows(self.rows, for_display(shown), self.wrap_width)
        self.version += 1
        self._index_rows(0)
        if not self._follow and before:  # where the user was reading, in proportion
            self._scroll_now(int(self.scroll_y * len(self.rows) / before))
        self.refresh()

    # -- search highlights ---------------------------------------------------------------

    def highlight(self, pattern: re.Pattern[str] | None) -> int | None:
        """Draw matches of ``pattern`` highlighted; return the first matching row (None: no match)."""
        self._highlight = pattern
        self.refresh()
        if pattern is None:
            return None
        return next((y for y, row in enumerate(self.rows) if pattern.search(row)), None)

    # -- outline and find marks ----------------------------------------------------------

    def row_of(self, offset: int) -> int:
        """The row that shows character ``offset`` of :attr:`text`."""
        return max(0, bisect_right(self._offsets, offset) - 1)

    def set_marks(self, pivots: Sequence[int], current: tuple[int, int] | None) -> None:
        """Mark the rows where ``pivots`` (offsets) start and the rows of ``current``; repaints the margin."""
        pivots = list(pivots)
        if pivots == self._pivots and current == self._current:
            return
        changed = set(pivots).symmetric_difference(self._pivots)
        whole = current != self._current
        self._pivots, self._current = pivots, current
        height = self.scrollable_content_region.height
        if whole:
            self.refresh(Region(0, 0, MARGIN, height))
            return
        top = int(self.scroll_y)  # while a trace streams only new pivots change: repaint just their cells
        regions = [Region(0, y, MARGIN, 1) for y in sorted({self.row_of(o) - top for o in changed}) if 0 <= y < height]
        if regions:  # (refresh() with no region would repaint the whole pane)
            self.refresh(*regions)

    def set_matches(self, spans: Sequence[tuple[int, int]], current: int | None) -> None:
        """Draw find matches (character spans of :attr:`text`), ``current`` in its own style."""
        self._matches, self._match = list(spans), current
        self.refresh()

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll so that the row of ``offset`` is at the top (a row of context above it in a tall pane)."""
        context = 1 if self.scrollable_content_region.height >= 10 else 0
        y = max(0, self.row_of(offset) - context)
        if y < self.max_scroll_y:
            self._follow = False  # (after a stream too: a resize, the find bar's, must not go back to the end)
        self.scroll_to(y=y, animate=False)

    def _margin(self, row: int, style: Style) -> Segment:
        start = self._offsets[row]
        end = start + len(self.rows[row])
        mark = " "
        current = self._current
        if current is not None and start < current[1] and end > current[0] and self.rows[row].strip():
            mark = STEP_MARK
        i = bisect_left(self._pivots, start)
        if i < len(self._pivots) and self._pivots[i] < end:
            mark = PIVOT_MARK
        if mark == " ":
            return Segment(" " * MARGIN, style)
        accent = style + Style(color="bright_yellow", bold=True) if mark == STEP_MARK or (
            current is not None and current[0] < end and current[0] >= start) else style + Style(bold=True)
        return Segment(mark + " " * (MARGIN - 1), accent)

    def _row_spans(self, row: int) -> list[tuple[int, int, Style]]:
        """Find matches on ``row``, as cell-free character positions within the row."""
        start = self._offsets[row]
        end = start + len(self.rows[row])
        spans: list[tuple[int, int, Style]] = []
        i = bisect_left(self._matches, (start, start)) - 1
        for k in range(max(0, i), len(self._matches)):
            a, b = self._matches[k]
            if a >= end:
                break
            if b > start:
                style = CURRENT_MATCH_STYLE if k == self._match else MATCH_STYLE
                spans.append((max(a, start) - start, min(b, end) - start, style))
        return spans

    # -- drawing -------------------------------------------------------------------------

    @property
    def text_width(self) -> int:
        """Cells a row of text may take (the pane less the margin)."""
        return self.scrollable_content_region.width - MARGIN

    def flush(self, *, force: bool = False) -> bool:
        """Wrap and show queued text, repainting only the new cells; ``True`` if anything changed."""
        width = self.text_width
        if width < 1:
            return False  # not laid out yet: wrapped on the first resize
        if width != self.wrap_width:
            self._rewrap(width)
            force = True
        if not self._pending and not force:
            return False
        raw, self._pending = "".join(self._pending), []
        if raw.endswith("\r") and self._streaming:  # maybe half of a CRLF: wait for the next piece
            raw, self._pending = raw[:-1], ["\r"]
        rows = self.rows
        old_last = "" if not rows or rows[-1].endswith("\n") else rows[-1]
        first = append_rows(rows, for_display(raw), width) if raw else len(rows)
        if raw:
            self.version += 1
            self._index_rows(first)
        if self._set_virtual_height(self._height_for(len(rows))) or force:
            self.refresh()
        else:
            self._refresh_rows(first, len(rows), old_last)
        if self._follow and self.scroll_y != self.max_scroll_y:  # the pane's height changed meanwhile
            self._scroll_now(self.max_scroll_y)
        elif self._start_at is not None:
            self._scroll_now(int(self._start_at * len(rows)))
        self._start_at = None
        return True

    def _height_for(self, rows: int) -> int:
        """Rows of the virtual height: while a followed stream grows, whole steps of half a pane."""
        if not (self._streaming and self._follow):
            return rows
        step = max(2, self.scrollable_content_region.height // 2)
        return -(-rows // step) * step

    def _set_virtual_height(self, rows: int) -> bool:
        """A new height repaints the pane; a followed view moves to the end in that same repaint.

        While a followed stream grows (scrollbar hidden) and the scrollbar's presence does not
        change, the new height is set without a layout: nothing else on the screen moves, and a
        layout of the whole screen costs 4-10 ms a step at 120x40 (bench/). The hidden bar's
        track is brought up to date by the layout that shows it again (a style change)."""
        size = Size(self.wrap_width, rows)
        if size == self.virtual_size:
            return False
        if self._grows_in_place(size):
            self.set_reactive(ScrollView.virtual_size, size)
        else:
            self.virtual_size = size
        if self._follow:
            self._scroll_now(self.max_scroll_y)
        return True

    def _grows_in_place(self, size: Size) -> bool:
        """The pane is laid out, a followed stream hides the bar, and the bar's presence stays."""
        if not (self._streaming and self._follow and self.styles.scrollbar_visibility == "hidden"):
            return False
        if size.width != self.virtual_size.width or not self.container_size:
            return False
        return (size.height > self.container_size.height) == self.show_vertical_scrollbar

    def _scroll_now(self, y: int) -> None:
        """Put row ``y`` at the top without a repaint of its own (the caller's repaint draws it)."""
        y = max(0, min(y, self.max_scroll_y))
        if y == self.scroll_y:
            return
        self.set_reactive(ScrollView.scroll_y, float(y))
        self.set_reactive(ScrollView.scroll_target_y, float(y))
        self.vertical_scrollbar.position = y
        self.refresh()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self._streaming:  # the user scrolled: up stops following, to the bottom resumes
            self._follow = new >= self.max_scroll_y
        elif new < self.max_scroll_y:  # scrolled up after the stream (the end's own moves keep to the bottom)
            self._scrollbar_while_following()

    def on_focus(self) -> None:
        self._scrollbar_while_following()

    def _scrollbar_while_following(self) -> None:
        """No scrollbar while a followed stream grows: each scroll step would repaint its whole
        track (~1.8 KB a step at 120x40). It comes back when the user focuses the pane, scrolls up
        after the stream, or another trace is shown. Not at the stream's end, where the layout it
        needs would repaint the whole screen once more (+25 KB and +0.3 s settle lag measured), nor
        on a scroll while it streams (that layout's own scroll clamping stopped the following).
        The gutter stays, so the text never re-wraps."""
        visibility = "hidden" if self._streaming and self._follow else "visible"
        if self.styles.scrollbar_visibility != visibility:
            self.styles.scrollbar_visibility = visibility

    def _rewrap(self, width: int) -> None:
        text, self.rows, self.wrap_width = self.text, [], width
        if text:
            append_rows(self.rows, text, width)
        self._index_rows(0)

    def _index_rows(self, first: int) -> None:
        """Row offsets from row ``first`` on (the rows before it did not change)."""
        offsets, rows = self._offsets, self.rows
        del offsets[first:]
        at = offsets[-1] + len(rows[len(offsets) - 1]) if offsets else 0
        for row in rows[len(offsets):]:
            offsets.append(at)
            at += len(row)

    def _refresh_rows(self, first: int, last: int, old_first: str) -> None:
        """Repaint rows ``first``..``last - 1`` that are on screen; of row ``first`` only what it gained."""
        top = int(self.scroll_y)
        bottom = top + self.scrollable_content_region.height
        width = self.text_width
        marked = self._highlight is not None or bool(self._matches)
        regions = []
        for y in range(max(first, top), min(last, bottom)):
            now = self.rows[y].rstrip("\n").rstrip(" ")
            start = 0
            if y == first or marked:
                before = old_first.rstrip("\n").rstrip(" ") if y == first else None
                if before is None or marked or not now.startswith(before):
                    regions.append(Region(0, y - top, width + MARGIN, 1))  # re-wrapped or highlighted: all of it
                    continue
                start = cell_len(before)
            end = min(width, cell_len(now))
            if end > start:
                regions.append(Region(start + MARGIN, y - top, end - start, 1))
        if regions:
            self.refresh(*regions)

    def render_line(self, y: int) -> Strip:
        row = y + int(self.scroll_y)
        width = self.size.width
        style = self.line_style
        if row >= len(self.rows):
            return Strip.blank(width, style)
        margin = self._margin(row, style)
        spans = self._row_spans(row) if self._matches else []
        if margin.text.isspace():  # a blank margin joins the row's text: one segment, one style sequence
            text = margin.text + self.rows[row]
            if spans:
                return span_strip(text, [(a + MARGIN, b + MARGIN, s) for a, b, s in spans], style, width)
            return row_strip(text, style, width, self._highlight)
        text_width = max(0, width - MARGIN)
        if spans:
            body = span_strip(self.rows[row], spans, style, text_width)
        else:
            body = row_strip(self.rows[row], style, text_width, self._highlight)
        return Strip([margin, *body], width)

    def on_resize(self) -> None:
        if self.text_width != self.wrap_width:
            self.flush(force=True)
        elif self._follow:
            self._scroll_now(self.max_scroll_y)
