"""A Markdown table as rows: columns fitted to the width, cells wrapped inside their column."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from tui.ui.markdown.code import Row
from tui.ui.markdown.text import text_rows


def table_rows(grid: list[list[Text]], aligns: list[str], width: int, border: Style) -> list[Row]:
    """Rows of a table (``grid[0]`` is the header) at most ``width`` cells wide; nothing is cut."""
    columns = len(aligns)
    grid = [(cells + [Text()] * columns)[:columns] for cells in grid]
    widths = fit_columns([max(max(1, text.cell_len) for text in column) for column in zip(*grid)],
                         max(columns, width - 3 * (columns - 1)))
    bar = Segment(" │ ", border)
    rows: list[Row] = []
    for k, cells in enumerate(grid):
        wrapped = [text_rows(text, w) or [()] for text, w in zip(cells, widths)]
        for y in range(max(len(lines) for lines in wrapped)):
            segments: list[Segment] = []
            for x, (lines, w, align) in enumerate(zip(wrapped, widths, aligns)):
                if x:
                    segments.append(bar)
                line = lines[y] if y < len(lines) else ()
                room = w - sum(cell_len(seg.text) for seg in line)
                left = room if align == "right" else room // 2 if align == "center" else 0
                if left:
                    segments.append(Segment(" " * left))
                segments.extend(line)
                if room - left and x < columns - 1:
                    segments.append(Segment(" " * (room - left)))
            rows.append(tuple(Segment.simplify(segments)))
        if k == 0:
            rows.append((Segment("─┼─".join("─" * w for w in widths), border),))
    return rows


def fit_columns(natural: list[int], room: int) -> list[int]:
    """Column widths: natural if they fit, else the widest columns shrink first (never below 3)."""
    widths = list(natural)
    while sum(widths) > room:
        widest = max(widths)
        if widest <= 3:
            break
        k = widths.index(widest)
        second = max((w for i, w in enumerate(widths) if i != k), default=3)
        widths[k] = max(3, second, widest - (sum(widths) - room)) if widest > second else widest - 1
    return widths
