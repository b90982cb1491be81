"""Pre-wrapped text rows for Line-API widgets, for cheap incremental repaints.

Text is kept as a list of *rows*: pieces of the source, one per screen line, whose
concatenation is the text. Appending re-wraps only the last, unfinished row (greedy
word wrap is prefix-stable), so the work per append is bounded, and only the rows that
changed need repainting: a growing trace costs a few short lines per frame.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

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


def span_strip(row: str, spans: list[tuple[int, int, Style]], style: Style, width: int) -> Strip:
    """One pre-wrapped row as a Strip of ``width`` cells, characters ``a..b`` of each span styled."""
    line = row.rstrip("\n").rstrip(" ")
    segments: list[Segment] = []
    at = 0
    for a, b, marked in spans:
        a, b = max(a, at), min(b, len(line))
        if b <= a:
            continue
        if a > at:
            segments.append(Segment(line[at:a], style))
        segments.append(Segment(line[a:b], style + marked))
        at = b
    if at < len(line):
        segments.append(Segment(line[at:], style))
    return Strip(segments, cell_len(line)).adjust_cell_length(width, style)
