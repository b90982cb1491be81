"""Row diffs of the Markdown view (tui/ui/markdown/rows.py): repaint only the cells that changed."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region

from tui.ui.markdown.rows import changed_regions

CODE = Style(bgcolor="#1e1e1e")
KEYWORD = CODE + Style(color="magenta")


def code_row(*parts: tuple[str, Style], width: int = 30) -> tuple[Segment, ...]:
    used = sum(len(text) for text, _ in parts) + 1
    return (Segment(" ", CODE), *(Segment(t, s) for t, s in parts), Segment(" " * (width - used), CODE))


def test_a_growing_code_row_repaints_its_new_cells_not_its_padding() -> None:
    old = [code_row(("def", KEYWORD), (" f", CODE))]
    new = [code_row(("def", KEYWORD), (" f(x):", CODE))]
    assert changed_regions(4, old, new, 30) == [Region(6, 4, 4, 1)]  # "(x):" only


def test_rows_that_appear_or_change_style_repaint_whole() -> None:
    assert changed_regions(0, [()], [code_row(("x", CODE))], 30) == [Region(0, 0, 30, 1)]
    prose = (Segment("some words"),)
    assert changed_regions(0, [prose], [code_row(("some words", CODE))], 30) == [Region(0, 0, 30, 1)]
    assert changed_regions(0, [prose], [(Segment("some words!"),)], 30) == [Region(10, 0, 1, 1)]
    assert changed_regions(0, [prose, prose], [prose], 30) == [Region(0, 1, 10, 1)]
