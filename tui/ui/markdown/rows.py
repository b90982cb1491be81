"""Rows (tuples of Rich segments): what changed between two versions, and drawing one as a Strip."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

from tui.ui.markdown.code import Row

MANY_ROWS = 40  # more changed rows than this: repaint them as one region


def cells(row: Row) -> int:
    """The row's width in cells."""
    return sum(cell_len(seg.text) for seg in row)


def plain(row: Row) -> str:
    """The row's text."""
    return "".join(seg.text for seg in row)


def first_difference(old: Row, new: Row) -> int:
    """The first cell where two rows differ."""
    x = 0
    for a, b in zip(old, new):
        if a == b:
            x += cell_len(a.text)
            continue
        if a.style == b.style:
            same = 0
            for ca, cb in zip(a.text, b.text):
                if ca != cb:
                    break
                same += 1
            x += cell_len(a.text[:same])
        return x
    return x


def blank_tail(row: Row) -> tuple[int, Style | None]:
    """Cells of trailing spaces in the row's last segment, and that segment's style."""
    if not row:
        return 0, None
    last = row[-1]
    return len(last.text) - len(last.text.rstrip(" ")), last.style


def _changed_end(a: Row | None, b: Row | None) -> int:
    """Where the change between two versions of a row ends: past the longer content, not past
    padding both versions share (a code row is padded to the full width in its background)."""
    end_a, end_b = cells(a) if a else 0, cells(b) if b else 0
    if a and b and end_a == end_b:
        (tail_a, style_a), (tail_b, style_b) = blank_tail(a), blank_tail(b)
        if style_a == style_b:
            return max(end_a - tail_a, end_b - tail_b)
    return max(end_a, end_b)


def changed_regions(y0: int, old: list[Row], new: list[Row], width: int) -> list[Region]:
    """Regions to repaint when rows from ``y0`` go from ``old`` to ``new``: each changed row from
    its first changed cell to the end of its longer content (not the blank rest of the line)."""
    changed = [k for k in range(max(len(old), len(new)))
               if (old[k] if k < len(old) else None) != (new[k] if k < len(new) else None)]
    if len(changed) > MANY_ROWS:
        return [Region(0, y0 + changed[0], width, changed[-1] - changed[0] + 1)]
    regions = []
    for k in changed:
        a = old[k] if k < len(old) else None
        b = new[k] if k < len(new) else None
        x = first_difference(a, b) if a is not None and b is not None else 0
        end = min(width, _changed_end(a, b))
        if end > x:
            regions.append(Region(x, y0 + k, end - x, 1))
    return regions


def strip_of(row: Row, base: Style, width: int, selected: tuple[int, int] | None = None,
             selection: Style | None = None) -> Strip:
    """``row`` on the widget's ``base`` style, padded or cropped to ``width``; cells
    ``selected[0]``..``selected[1]`` (-1: to the end) drawn in the ``selection`` style."""
    segments = [Segment(seg.text, base + seg.style if seg.style else base) for seg in row]
    used = cells(row)
    if used < width:
        segments.append(Segment(" " * (width - used), base))
    strip = Strip(Segment.simplify(segments), max(width, used))  # one style run per colour: fewer bytes
    if used > width:
        strip = strip.crop(0, width)
    if selected is not None and selection is not None:
        start, end = selected
        end = width if end < 0 else min(end, width)
        if end > start:
            head, middle, tail = strip.divide([start, end, width])
            marked = Strip([Segment(seg.text, (seg.style or base) + selection) for seg in middle], middle.cell_length)
            strip = Strip.join([head, marked, tail])
    return strip
