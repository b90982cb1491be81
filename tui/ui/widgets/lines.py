"""Pre-wrapped text rows drawn with Textual's line API, for cheap incremental repaints.

A :class:`WrappedText` keeps its (already sanitised) text as a list of *rows*: pieces
of the source, one per screen line, whose concatenation is the text. Appending
re-wraps only the last, unfinished row (greedy word wrap is prefix-stable), so the
work per append is bounded, and only the rows that changed are repainted: a growing
trace costs a few short lines per frame instead of a whole block.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from tui.ui.compat import SteadySize
from tui.ui.highlight import highlight_strip

_WORD = re.compile(r"[^ \n]*[ ]*")


def wrap_line(text: str, width: int) -> list[str]:
    """Greedy word wrap of one logical line (no ``\\n``); the pieces concatenate to ``text``.

    A piece keeps its trailing spaces (not drawn); a word wider than ``width`` is cut.
    """
    width = max(1, width)
    rows: list[str] = []
    cur, cur_w = "", 0
    for match in _WORD.finditer(text):
        word = match.group()
        if not word:
            continue
        bare = word.rstrip(" ")
        bare_w = cell_len(bare)
        if cur and cur_w + bare_w > width:
            rows.append(cur)
            cur, cur_w = "", 0
        if bare_w > width and not cur:
            pieces = chop_cells(bare, width)
            rows.extend(pieces[:-1])
            word = pieces[-1] + word[len(bare) :]
        cur += word
        cur_w += cell_len(word)
    if cur or not rows:
        rows.append(cur)
    return rows


def append_rows(rows: list[str], text: str, width: int) -> int:
    """Append sanitised ``text`` to pre-wrapped ``rows``; return the index of the first row that changed.

    Only the last, unfinished row is wrapped again (greedy word wrap is prefix-stable).
    """
    start = ""
    if rows and not rows[-1].endswith("\n"):
        start = rows.pop()
    first = len(rows)
    pieces = (start + text.replace("\t", "    ")).split("\n")
    last = len(pieces) - 1
    for i, piece in enumerate(pieces):
        if i == last and not piece:
            break
        wrapped = wrap_line(piece, width)
        if i < last:
            wrapped[-1] += "\n"
        rows.extend(wrapped)
    return first


def row_strip(row: str, style: Style, width: int, highlight: re.Pattern[str] | None = None) -> Strip:
    """One pre-wrapped row as a Strip of ``width`` cells (one segment with its padding when it fits)."""
    line = row.rstrip("\n").rstrip(" ")
    if highlight is not None:  # search matches
        return highlight_strip(line, highlight, style, width)
    cells = cell_len(line)
    if cells < width:  # one segment with its padding: one style sequence per row, not two
        return Strip([Segment(line + " " * (width - cells), style)], width)
    return Strip([Segment(line, style)], cells).adjust_cell_length(width, style)


class WrappedText(SteadySize, Widget):
    """A block of plain text wrapped to the content width; height is set by the owner."""

    STEADY_RELAYOUT = False  # rows keep their place when only the height changes

    highlight: re.Pattern[str] | None = None  # words drawn highlighted (search results)

    DEFAULT_CSS = """
    WrappedText {
        height: auto;
    }
    """

    def __init__(self, *, classes: str = "") -> None:
        super().__init__(classes=classes)
        self.rows: list[str] = []
        self.wrap_width = 0
        self._height = -1

    # -- text --------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The text shown (sanitised)."""
        return "".join(self.rows)

    def render(self) -> Text:
        """The whole text (for inspection; drawing goes through :meth:`render_line`)."""
        return Text(self.text)

    def append(self, text: str) -> int:
        """Append sanitised ``text``; return the index of the first row that changed."""
        return append_rows(self.rows, text, self.wrap_width)

    def take_rows(self, count: int) -> list[str]:
        """Remove and return the first ``count`` rows."""
        taken, self.rows = self.rows[:count], self.rows[count:]
        return taken

    def rewrap(self, width: int) -> None:
        """Wrap everything again at ``width``."""
        text, self.rows, self.wrap_width = self.text, [], width
        self.append(text)

    # -- geometry and drawing -----------------------------------------------------------

    def set_height(self, rows: int) -> bool:
        """Set the height in rows; ``True`` if it changed (a layout follows)."""
        if rows == self._height:
            return False
        self._height = rows
        self.styles.height = rows
        return True

    def refresh_rows(self, first: int, last: int, old_first: str | None = None) -> None:
        """Repaint rows ``first``..``last - 1`` only.

        With ``old_first`` (what row ``first`` held before an append; the rows after it were
        blank) only the new cells are repainted: a streamed line costs its new characters,
        not the whole row and its padding.
        """
        if last <= first:
            return
        width = self.size.width
        if old_first is None or self.highlight is not None:
            self.refresh(Region(0, first, width, last - first))
            return
        regions = []
        for y in range(first, min(last, len(self.rows))):
            now = self.rows[y].rstrip("\n").rstrip(" ")
            start = 0
            if y == first:
                before = old_first.rstrip("\n").rstrip(" ")
                if not now.startswith(before):  # the row was re-wrapped: repaint all of it
                    regions.append(Region(0, y, width, 1))
                    continue
                start = cell_len(before)
            end = min(width, cell_len(now))
            if end > start:
                regions.append(Region(start, y, end - start, 1))
        if regions:
            self.refresh(*regions)

    def render_line(self, y: int) -> Strip:
        style = self.rich_style
        width = self.size.width
        if y >= len(self.rows):
            return Strip.blank(width, style)
        return row_strip(self.rows[y], style, width, self.highlight)
