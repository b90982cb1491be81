"""The answer while it streams: its Markdown source as pre-wrapped plain rows.

Re-rendering Markdown as an answer grows moves (and over SSH, re-sends) the whole
answer for each new line. While streaming, an :class:`AnswerBlock` shows this view
instead: each frame wraps only the new text and repaints only the new cells, and the
view reserves blank rows in steps of half a pane, so a followed transcript scrolls once
per step rather than once per line. The block swaps to its Markdown render once, at
the end. Text is sanitised here (:func:`tui.sanitize.for_display`) before it is kept.
"""

from __future__ import annotations

from textual.geometry import Size

from tui.sanitize import for_display
from tui.ui.widgets.lines import WrappedText


class LiveAnswer(WrappedText):
    """Streamed answer text; :meth:`flush` is called from the app's frame clock."""

    DEFAULT_CSS = """
    LiveAnswer {
        height: auto;
    }
    """

    def __init__(self) -> None:
        super().__init__(classes="answer-live")
        self._unsent: list[str] = []
        self._repaint_all = False

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # The rows are the content: never measure (re-wrap) the text, least of all at width 0.
        return len(self.rows)

    @property
    def pending(self) -> bool:
        """Text is waiting for the next flush."""
        return bool(self._unsent) or self._repaint_all

    def add(self, text: str) -> None:
        """Queue raw (unsanitised) answer text for the next flush."""
        if text:
            self._unsent.append(text)

    def reset(self, text: str) -> None:
        """Replace everything with raw ``text`` (shown at the next flush)."""
        self.rows = []
        self._unsent = [text] if text else []
        self._repaint_all = True

    def clear_text(self) -> None:
        """Drop the rows (the Markdown render replaced this view)."""
        self.rows, self._unsent, self._repaint_all = [], [], False
        self.set_height(0)

    def flush(self, step: int) -> bool:
        """Wrap and show queued text, repainting only new cells; ``True`` if anything changed.

        ``step`` > 0 reserves rows: the height grows in multiples of ``step``.
        """
        width = self.size.width
        if width < 1 or not self.pending and self.wrap_width == width:
            return False
        full = self._repaint_all or self.wrap_width != width
        if self.wrap_width != width:
            self.rewrap(width)
        self._repaint_all = False
        raw, self._unsent = "".join(self._unsent), []
        if raw.endswith("\r"):  # maybe half of a CRLF: wait for the next piece
            raw, self._unsent = raw[:-1], ["\r"]
        rows = self.rows
        old_last = "" if not rows or rows[-1].endswith("\n") else rows[-1]
        first = self.append(for_display(raw)) if raw else len(rows)
        self._fit(step)
        if full:
            self.refresh()
        else:
            self.refresh_rows(first, len(self.rows), old_last)
        return True

    def _fit(self, step: int) -> None:
        count = len(self.rows)
        if step <= 0:
            self.set_height(count)
        elif count > self._height or self._height - count > step:
            self.set_height(max(step, -(-count // step) * step))
