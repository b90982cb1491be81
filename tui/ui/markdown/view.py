"""MarkdownView: an answer's Markdown as cached rows, drawn with Textual's line API.

Streamed text is queued by :meth:`add` and shown at :meth:`flush` (called by the app's frame
clock): the text goes through the block splitter (``tui.formats.md_blocks``); each block
that completes is rendered once (``render.BlockRenderer``) and its rows are kept until the
width or the theme changes; only the block still growing is re-made each frame
(``growing.Growing``). Only rows that differ are repainted, from their first changed cell.
A stored answer goes through the same splitter and renderer, so it looks exactly as it did
when it streamed. The view keeps no copy of the answer: on a width or theme change it asks
``text_source`` for the text and renders it again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from tui.formats import md_blocks as mb
from tui.ui.markdown.code import Row
from tui.ui.markdown.growing import Growing
from tui.ui.markdown.palette import COMPONENT_CLASSES, PALETTE_CSS, palette_of
from tui.ui.markdown.render import BlockRenderer, Palette, Rendered, ordered_start

MANY_ROWS = 40  # more changed rows than this: repaint them as one region


def _cells(row: Row) -> int:
    return sum(cell_len(seg.text) for seg in row)


def _first_difference(old: Row, new: Row) -> int:
    """The first cell where two rows differ."""
    x = 0
    for a, b in zip(old, new):
        if a == b:
            x += cell_len(a.text)
            continue
        if a.style == b.style:
            i = 0
            for ca, cb in zip(a.text, b.text):
                if ca != cb:
                    break
                i += 1
            x += cell_len(a.text[:i])
        return x
    return x


class MarkdownView(Widget):
    """Rendered Markdown rows; the owner feeds text (:meth:`add`, :meth:`flush`, :meth:`close`)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = COMPONENT_CLASSES
    DEFAULT_CSS = "MarkdownView { height: auto; }\n" + PALETTE_CSS
    transform: Callable[[str], str] | None = None  # display-only text transform of completed prose blocks

    def __init__(self, text_source: Callable[[], str], *, classes: str = "") -> None:
        super().__init__(classes=classes)
        self._text_source = text_source
        self._streaming = False
        self._queue: list[str] = []
        self._width = 0
        self._palette: Palette | None = None
        self._pattern: re.Pattern[str] | None = None
        self._current_code: int | None = None
        self._height = 0
        self._step = 0
        self._in_layout = False
        self._reset_state()

    def _reset_state(self) -> None:
        self._split = mb.BlockSplitter()
        self._done: list[Row] = []  # rows of the completed blocks (never change)
        self._code: list[tuple[int, int]] = []  # their code blocks' row ranges
        self._grow: Growing | None = None
        self._prev_kind = ""  # the last completed block: kind, ordered-list delimiter and number
        self._prev_order: tuple[int, str] | None = None
        self._matches: list[int] = []

    # -- feeding -----------------------------------------------------------------------

    @property
    def streaming(self) -> bool:
        return self._streaming

    @property
    def pending(self) -> bool:
        """Text is waiting for the next :meth:`flush`."""
        return bool(self._queue)

    def begin(self) -> None:
        """A stream starts: show the source's text so far, then what :meth:`add` queues."""
        self._streaming = True
        self._reset()

    def add(self, text: str) -> None:
        """Queue raw (unsanitised) text for the next flush."""
        if text:
            self._queue.append(text)

    def reset(self) -> None:
        """The whole text changed (``text_source`` has it): render it again."""
        self._reset()
        self.refresh(layout=True)

    def flush(self, step: int = 0) -> bool:
        """Show queued text; ``step`` > 0 reserves rows in steps. ``True`` if anything changed."""
        width = self.size.width
        if width < 1:
            return False
        self._step = step
        if width != self._width or self._palette is None:
            self._relayout(width)
            return True
        if not self._queue:
            return False
        raw = "".join(self._queue)
        self._queue = [raw[-1]] if raw.endswith("\r") and self._streaming else []
        if self._queue:
            raw = raw[:-1]
        self._advance(self._split.feed(raw))
        return True

    def close(self, *, keep_height: bool = False) -> None:
        """The stream ended: complete every block. ``keep_height`` keeps the reserved rows
        (the transcript is following the end: shrinking would move the text above)."""
        if not self._streaming:
            return
        self._streaming = False
        if self._width == 0 or self._palette is None:
            self._queue = []  # not laid out yet: the layout renders the whole text
            self.refresh(layout=True)
            return
        raw, self._queue = "".join(self._queue), []
        blocks = self._split.feed(raw) + self._split.close()
        self._advance(blocks, keep_height=keep_height)

    # -- rows ----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._done) + (len(self._grow.rows) if self._grow else 0)

    def _row(self, y: int) -> Row | None:
        done = self._done
        if y < len(done):
            return done[y]
        grow = self._grow
        if grow is not None and y - len(done) < len(grow.rows):
            return grow.rows[y - len(done)]
        return None

    @property
    def rows(self) -> list[Row]:
        """Every row (Rich segments, styles without the widget's background)."""
        return self._rows()

    @property
    def settled_rows(self) -> int:
        """Rows of the completed blocks: they never change while the width and theme stay."""
        return len(self._done)

    @property
    def text(self) -> str:
        """The rows as plain text (what the screen shows), one line per row."""
        return "\n".join("".join(seg.text for seg in row).rstrip() for row in self._rows())

    def _rows(self) -> list[Row]:
        return self._done + (self._grow.rows if self._grow else [])

    def code_spans(self) -> list[tuple[int, int]]:
        """Row ranges of the code blocks shown, in order (``md_blocks.code_blocks`` order)."""
        grow = self._grow
        extra = [(a + len(self._done), b + len(self._done)) for a, b in grow.code] if grow else []
        return self._code + extra

    def _renderer(self) -> BlockRenderer:
        assert self._palette is not None
        return BlockRenderer(self._palette, self._width, transform=self.transform, highlight=self._pattern)

    def _relayout(self, width: int) -> None:
        """Render everything again at ``width`` (from ``text_source``) and repaint."""
        self._width = width
        if self._palette is None:
            self._palette = palette_of(self)
        self._reset_state()
        self._queue = []
        blocks = self._split.feed(self._text_source())
        if not self._streaming:
            blocks += self._split.close()
        self._advance(blocks, repaint=False)
        self.refresh()

    def _reset(self) -> None:
        self._reset_state()
        self._queue = []
        self._width = 0  # relayout at the next flush or layout
        self._set_height(0)

    def _advance(self, blocks: list[mb.Block], *, keep_height: bool = False, repaint: bool = True) -> None:
        """Take completed ``blocks``, bring the growing block up to date, repaint what changed."""
        renderer = self._renderer()
        base = len(self._done)
        old: list[Row] = self._grow.rows if self._grow else []
        first = 0
        for block in blocks:
            self._take(block, renderer, self._grow.finish(block, renderer) if self._grow else None)
            self._grow = None
        opened = self._split.open_block
        key = (opened.start, opened.kind, opened.content_start) if opened else None
        grow = self._grow
        if blocks or grow is None or grow.key != key:
            self._grow = grow = None
            if opened is not None:
                head = self._split.text_from(opened.start)[:16]
                gap, number = self._join(opened.kind, opened.blank_before, head)
                self._grow = grow = Growing(opened, gap, number)
                grow.update(self._split, renderer)
        else:
            first, old = grow.update(self._split, renderer)
        if repaint:
            self._repaint(base + first, old, self._rows_from(base + first))
        self._fit(keep_height)

    def _rows_from(self, y: int) -> list[Row]:
        done = self._done
        grow = self._grow.rows if self._grow else []
        if y >= len(done):
            return grow[y - len(done) :]
        return done[y:] + grow

    def _join(self, kind: str, blank_before: bool, head: str) -> tuple[int, int | None]:
        """(gap rows, list number) of a block that follows the completed ones."""
        if not self._done:
            return 0, None
        own = ordered_start(head) if kind == mb.LIST else None
        number = None
        if own is not None and self._prev_order is not None and own[1] == self._prev_order[1]:
            number = self._prev_order[0] + 1  # the same ordered list, continued: 1. 1. 1. reads 1. 2. 3.
        tight = kind == mb.LIST and self._prev_kind == mb.LIST and not blank_before
        return (0 if tight else 1), number

    def _take(self, block: mb.Block, renderer: BlockRenderer, rows: list[Row] | None = None) -> None:
        """Render a completed block once (unless its growing ``rows`` are final) and append its rows."""
        gap, number = self._join(block.kind, block.blank_before, block.text[:16])
        if rows is not None:
            rendered = Rendered(rows, [(0, len(rows))])
        else:
            rendered = renderer.render(block.kind, block.text, number=number)
        base = len(self._done) + gap
        self._done.extend([()] * gap)
        self._done.extend(rendered.rows)
        self._code.extend((a + base, b + base) for a, b in rendered.code)
        self._prev_kind = block.kind
        own = ordered_start(block.text) if block.kind == mb.LIST else None
        last = rendered.last_number
        self._prev_order = (last, own[1]) if own is not None and last is not None else None

    # -- geometry and painting --------------------------------------------------------------

    def _fit(self, keep_height: bool = False) -> None:
        count = self.row_count
        step = self._step if self._streaming else 0
        height = self._height
        if keep_height:
            height = max(count, height)
        elif step <= 0:
            height = count
        elif count > height or height - count > step:
            height = max(step, -(-count // step) * step)
        self._set_height(height)

    def release_reserve(self) -> None:
        """Drop blank rows kept after the stream (something is added below: a move is expected)."""
        if not self._streaming:
            self._set_height(self.row_count)

    def _set_height(self, height: int) -> None:
        if height != self._height:
            self._height = height
            if not self._in_layout:
                self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if width > 0 and (width != self._width or self._palette is None):
            self._in_layout = True
            try:
                self._relayout(width)
            finally:
                self._in_layout = False
        return self._height

    def _repaint(self, y0: int, old: list[Row], new: list[Row]) -> None:
        regions: list[Region] = []
        width = self._width
        changed = []
        for k in range(max(len(old), len(new))):
            a = old[k] if k < len(old) else None
            b = new[k] if k < len(new) else None
            if a != b:
                changed.append((k, a, b))
        if len(changed) > MANY_ROWS:
            self.refresh(Region(0, y0 + changed[0][0], width, changed[-1][0] - changed[0][0] + 1))
            return
        for k, a, b in changed:
            x = _first_difference(a, b) if a is not None and b is not None else 0
            end = max(_cells(a) if a else 0, _cells(b) if b else 0)
            if end > x:
                regions.append(Region(x, y0 + k, min(width, end) - x, 1))
        if regions:
            self.refresh(*regions)

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        width = self.size.width
        row = self._row(y)
        if not row:
            return Strip.blank(width, base)
        segments = [Segment(seg.text, base + seg.style if seg.style else base) for seg in row]
        if self._current_code is not None:
            spans = self.code_spans()
            if self._current_code < len(spans) and spans[self._current_code][0] <= y < spans[self._current_code][1]:
                assert self._palette is not None
                mark = segments[0]
                segments[0] = Segment("┃" if mark.text == " " else mark.text, base + self._palette.code_current)
        cells = _cells(row)
        if cells < width:
            segments.append(Segment(" " * (width - cells), base))
        strip = Strip(Segment.simplify(segments), max(width, cells))  # one style run per colour: fewer bytes
        return strip.crop(0, width) if cells > width else strip

    # -- search highlight and code-block marker -------------------------------------------

    def highlight(self, pattern: re.Pattern[str] | None) -> list[int]:
        """Highlight ``pattern`` in the text (None: no highlight); return the rows it is on."""
        self._pattern = pattern
        if self._width:
            self._relayout(self._width)
        if pattern is None:
            return []
        return [y for y, row in enumerate(self._rows()) if pattern.search("".join(seg.text for seg in row))]

    @property
    def current_code(self) -> int | None:
        """The code block marked by :meth:`show_code`."""
        return self._current_code

    def show_code(self, index: int | None) -> tuple[int, int] | None:
        """Mark code block ``index`` (None: unmark); return its row range."""
        self._current_code = index
        self.refresh()
        spans = self.code_spans()
        return spans[index] if index is not None and index < len(spans) else None

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self) -> None:
        self._palette = None
        self._width = 0
        self.refresh(layout=True)


