"""One answer's rows at one width: completed blocks rendered once, the growing block re-made.

:class:`MarkdownRows` feeds text through the block splitter; each block it completes is
rendered once (``render.BlockRenderer``) and appended to rows that never change again; the
block still open is kept by ``growing.Growing``. Every change reports the rows it replaced,
so the widget repaints only what differs. No Textual here.
"""

from __future__ import annotations

from tui.formats import md_blocks as mb
from tui.ui.markdown.code import Row
from tui.ui.markdown.growing import Growing
from tui.ui.markdown.render import BlockRenderer, Rendered
from tui.ui.markdown.text import ordered_start

Change = tuple[int, list[Row], list[Row]]  # (first row, the rows it had from there, the rows it has now)


class MarkdownRows:
    """The rows of one answer for one renderer (width, palette, transform, highlight)."""

    def __init__(self, renderer: BlockRenderer) -> None:
        self.renderer = renderer
        self._split = mb.BlockSplitter()
        self.done: list[Row] = []  # rows of the completed blocks: they never change
        self._code: list[tuple[int, int]] = []  # their code blocks' row ranges
        self._grow: Growing | None = None
        self._plain_code: dict[int, tuple[int, list[str], str]] = {}  # start row: (end, clean lines, info)
        self._prev_kind = ""  # the last completed block: its kind, and (number, delimiter) if an ordered item
        self._prev_order: tuple[int, str] | None = None

    # -- text in -----------------------------------------------------------------------

    def load(self, text: str, *, complete: bool) -> None:
        """Take a whole text at once (an answer opened, or rendered again at a new width);
        code is highlighted when first drawn (:meth:`row`)."""
        blocks = self._split.feed(text) + (self._split.close() if complete else [])
        self._advance(blocks, defer_highlight=True)

    def feed(self, text: str) -> Change:
        """Add streamed text."""
        return self._advance(self._split.feed(text))

    def close(self) -> Change:
        """The text ended: complete every block."""
        return self._advance(self._split.close())

    # -- rows out --------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.done) + (len(self._grow.rows) if self._grow else 0)

    def row(self, y: int) -> Row | None:
        """Row ``y`` (None past the end), highlighting its code block first if it waited."""
        done = self.done
        if y < len(done):
            if self._plain_code:
                start = next((a for a, (b, *_rest) in self._plain_code.items() if a <= y < b), None)
                if start is not None:
                    self._highlight_code(start)
            return done[y]
        grow = self._grow
        if grow is not None and y - len(done) < len(grow.rows):
            return grow.rows[y - len(done)]
        return None

    def rows(self) -> list[Row]:
        """Every row, as drawn."""
        for start in list(self._plain_code):
            self._highlight_code(start)
        return self.done + (self._grow.rows if self._grow else [])

    def code_spans(self) -> list[tuple[int, int]]:
        """Row ranges of the code blocks, in order (``md_code.code_blocks`` order)."""
        grow, base = self._grow, len(self.done)
        return self._code + ([(a + base, b + base) for a, b in grow.code] if grow else [])

    def _highlight_code(self, start: int) -> None:
        end, clean, info = self._plain_code.pop(start)
        rows = self.renderer.code_rows(clean, info)
        if len(rows) == end - start:  # always: highlighting changes styles, never cells
            self.done[start:end] = rows

    # -- blocks ------------------------------------------------------------------------------

    def _advance(self, blocks: list[mb.Block], *, defer_highlight: bool = False) -> Change:
        """Take completed ``blocks``, bring the growing block up to date; report the change."""
        renderer = self.renderer
        base = len(self.done)
        old: list[Row] = self._grow.rows if self._grow else []
        first = 0
        for block in blocks:
            finished = self._grow.finish(block, renderer) if self._grow else None
            self._take(block, finished, defer_highlight=defer_highlight)
            self._grow = None
        opened = self._split.open_block
        key = (opened.start, opened.kind, opened.content_start) if opened else None
        grow = self._grow
        if blocks or grow is None or grow.key != key:
            self._grow = None
            if opened is not None:
                gap, number = self._join(opened.kind, opened.blank_before, self._split.text_from(opened.start)[:16])
                self._grow = Growing(opened, gap, number)
                self._grow.update(self._split, renderer)
        else:
            first, old = grow.update(self._split, renderer)
        y = base + first
        grow_rows = self._grow.rows if self._grow else []
        new = grow_rows[y - len(self.done) :] if y >= len(self.done) else self.done[y:] + grow_rows
        return y, old, new

    def _join(self, kind: str, blank_before: bool, head: str) -> tuple[int, int | None]:
        """(blank rows before, list number) of a block that follows the completed ones."""
        if not self.done:
            return 0, None
        own = ordered_start(head) if kind == mb.LIST else None
        number = None
        if own is not None and self._prev_order is not None and own[1] == self._prev_order[1]:
            number = self._prev_order[0] + 1  # the same ordered list, continued: 1. 1. 1. reads 1. 2. 3.
        tight = kind == mb.LIST and self._prev_kind == mb.LIST and not blank_before
        return (0 if tight else 1), number

    def _take(self, block: mb.Block, rows: list[Row] | None, *, defer_highlight: bool) -> None:
        """Render a completed block once (unless its growing ``rows`` are final); append its rows."""
        gap, number = self._join(block.kind, block.blank_before, block.text[:16])
        if rows is not None:
            rendered = Rendered(rows, [(0, len(rows))])
        else:
            rendered = self.renderer.render(block.kind, block.text, number=number, defer_highlight=defer_highlight)
        base = len(self.done) + gap
        if rendered.plain_code is not None:
            self._plain_code[base] = (base + len(rendered.rows), *rendered.plain_code)
        self.done.extend([()] * gap)
        self.done.extend(rendered.rows)
        self._code.extend((a + base, b + base) for a, b in rendered.code)
        self._prev_kind = block.kind
        own = ordered_start(block.text) if block.kind == mb.LIST else None
        last = rendered.last_number
        self._prev_order = (last, own[1]) if own is not None and last is not None else None
