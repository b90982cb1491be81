"""MarkdownView: an answer's Markdown as cached rows, drawn with Textual's line API.

Streamed text is queued by :meth:`add` and shown at :meth:`flush` (the app's frame clock):
``document.MarkdownRows`` renders each completed block once and re-makes only the block
still growing; only the cells that changed are repainted. A stored answer goes through the
same splitter and renderer, so it reads exactly as it did when it streamed. The view keeps
no copy of the answer: when the width or the theme changes it asks ``text_source`` for the
text and renders it again. While a stream is followed the view reserves blank rows in steps
(``flush(step)``), so the transcript scrolls once per step, not once per line; the rows kept
at the end are dropped when something is added below (:meth:`release_reserve`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

from textual.geometry import Size
from textual.selection import Selection
from textual.strip import Strip

from tui.ui.markdown.code import Row
from tui.ui.markdown.document import Change, MarkdownRows
from tui.ui.markdown.palette import COMPONENT_CLASSES, PALETTE_CSS, Palette, palette_of
from tui.ui.markdown.render import BlockRenderer
from tui.ui.markdown.rows import changed_regions, plain, strip_of
from tui.ui.widgets.pass_style import PassStyle

Transform = Callable[[str], str]


class MarkdownView(PassStyle):
    """Rendered Markdown rows; the owner feeds text (:meth:`begin`, :meth:`add`, :meth:`flush`, :meth:`close`)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = COMPONENT_CLASSES
    DEFAULT_CSS = "MarkdownView { height: auto; }\n" + PALETTE_CSS
    ALLOW_SELECT = True
    display_transform: ClassVar[Transform | None] = None
    """App-wide display-only transform of completed prose and math blocks; its output is rendered
    as Markdown, e.g. ``MarkdownView.display_transform = partial(to_unicode_math, markdown=True)``."""

    def __init__(self, text_source: Callable[[], str], *, transform: Transform | None = None,
                 classes: str = "") -> None:
        super().__init__(classes=classes)
        self._text_source = text_source
        self.transform = transform  # this view's transform (else ``display_transform``)
        self.raw = False  # True: no transform (the text as written, e.g. raw LaTeX)
        self._streaming = False
        self._queue: list[str] = []
        self._doc: MarkdownRows | None = None  # None: render at the next flush or layout
        self._spare: MarkdownRows | None = None  # the settled rows at the width before (F2/F3 toggles back)
        self._palette: Palette | None = None
        self._pattern: re.Pattern[str] | None = None
        self._current_code: int | None = None
        self._height = 0
        self._step = 0
        self._in_layout = False

    # -- feeding -----------------------------------------------------------------------

    @property
    def streaming(self) -> bool:
        return self._streaming

    @property
    def pending(self) -> bool:
        """Text is waiting for the next :meth:`flush`."""
        return bool(self._queue)

    def begin(self) -> None:
        """A stream starts: show ``text_source``'s text so far, then what :meth:`add` queues."""
        self._streaming = True
        self.reset()

    def add(self, text: str) -> None:
        """Queue raw (unsanitised) text for the next flush."""
        if text:
            self._queue.append(text)

    def reset(self) -> None:
        """The whole text changed (``text_source`` has it): render it again."""
        self._doc, self._spare, self._queue = None, None, []
        self.refresh(layout=True)

    def show_raw(self, raw: bool) -> None:
        """Show the text as written (``raw``) or through the display transform; re-rendered if it changed."""
        if raw != self.raw:
            self.raw = raw
            self.reset()

    def flush(self, step: int = 0) -> bool:
        """Show queued text; ``step`` > 0 reserves rows in steps. ``True`` if anything changed."""
        width = self.size.width
        if width < 1:
            return False
        self._step = step
        doc = self._doc
        if doc is None or doc.renderer.width != width:
            self._relayout(width)
            return True
        if not self._queue:
            return False
        raw, self._queue = "".join(self._queue), []
        self._apply(doc.feed(raw))
        return True

    def close(self, *, keep_height: bool = False) -> None:
        """The stream ended: complete every block. ``keep_height`` keeps the reserved rows
        (the transcript follows the end: shrinking would move the text above)."""
        if not self._streaming:
            return
        self._streaming = False
        doc = self._doc
        if doc is None:
            self.reset()  # not laid out yet: the layout renders the whole text
            return
        if self._queue:  # the last text, not shown yet: the reserve must not go with it
            raw, self._queue = "".join(self._queue), []
            self._apply(doc.feed(raw), keep_height=keep_height)
        self._apply(doc.close(), keep_height=keep_height)

    # -- rows ----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return self._doc.row_count if self._doc else 0

    @property
    def rows(self) -> list[Row]:
        """Every row (Rich segments; styles without the widget's background)."""
        return self._doc.rows() if self._doc else []

    @property
    def settled_rows(self) -> int:
        """Rows of the completed blocks: they do not change while the width and theme stay."""
        return len(self._doc.done) if self._doc else 0

    @property
    def text(self) -> str:
        """The rows as plain text (what the screen shows), one line per row."""
        return "\n".join(plain(row).rstrip() for row in self.rows)

    def code_spans(self) -> list[tuple[int, int]]:
        """Row ranges of the code blocks shown, in order (``md_code.code_blocks`` order)."""
        return self._doc.code_spans() if self._doc else []

    def _relayout(self, width: int) -> None:
        """Render everything again at ``width`` from ``text_source``, and repaint."""
        if self._palette is None:
            self._palette = palette_of(self)
        transform = None if self.raw else self.transform or type(self).display_transform
        if self._swap_spare(width, transform):
            return
        self._spare = self._doc if self._doc is not None and not self._streaming else None
        renderer = BlockRenderer(self._palette, width, transform=transform, highlight=self._pattern)
        self._doc = MarkdownRows(renderer)
        self._queue = []
        self._doc.load(self._text_source(), complete=not self._streaming)
        self._fit()
        self.refresh()

    def _swap_spare(self, width: int, transform: Transform | None) -> bool:
        """Show the rows kept from the width before, if they were made exactly as now would make them."""
        spare = self._spare
        if self._streaming or spare is None:
            return False
        made = spare.renderer
        if (made.width, made.palette, made.transform, made.pattern) != (width, self._palette, transform, self._pattern):
            return False
        self._doc, self._spare, self._queue = spare, self._doc, []
        self._fit()
        self.refresh()
        return True

    def _apply(self, change: Change, *, keep_height: bool = False) -> None:
        y, old, new = change
        regions = changed_regions(y, old, new, self.size.width)
        if regions:
            self.refresh(*regions)
        self._fit(keep_height)

    # -- height: rows plus the reserve ------------------------------------------------------

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
        """Drop the blank rows kept after the stream (something is added below: a move is expected)."""
        if not self._streaming:
            self._set_height(self.row_count)

    def _set_height(self, height: int) -> None:
        if height != self._height:
            self._height = height
            if not self._in_layout:
                self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        doc = self._doc
        if width > 0 and (doc is None or doc.renderer.width != width):
            self._in_layout = True
            try:
                self._relayout(width)
            finally:
                self._in_layout = False
        return self._height

    # -- drawing and selection ---------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        base = self.line_style
        width = self.size.width
        row = self._doc.row(y) if self._doc else None
        if not row:
            return Strip.blank(width, base).apply_offsets(0, y)
        if self._current_code is not None and self._palette is not None:
            spans = self.code_spans()
            if self._current_code < len(spans) and spans[self._current_code][0] <= y < spans[self._current_code][1]:
                mark = row[0]
                row = (mark._replace(text="┃" if mark.text == " " else mark.text, style=self._palette.code_current),
                       *row[1:])
        selection = self.text_selection
        span = selection.get_span(y) if selection is not None else None
        style = self.screen.get_component_rich_style("screen--selection") if span is not None else None
        return strip_of(row, base, width, span, style).apply_offsets(0, y)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text, as shown (use the copy keys for the raw answer or code)."""
        return selection.extract(self.text), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    # -- search highlight, code-block marker, theme -------------------------------------------

    def highlight(self, pattern: re.Pattern[str] | None) -> list[int]:
        """Highlight ``pattern`` in the text (None: no highlight); return the rows it is on."""
        self._pattern = pattern
        if self._doc is not None:
            self._relayout(self._doc.renderer.width)
        if pattern is None:
            return []
        return [y for y, row in enumerate(self.rows) if pattern.search(plain(row))]

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
        self.reset()
