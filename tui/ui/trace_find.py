"""Find in the shown trace (issue 14): keys ``find_in_trace``, ``find_next``, ``find_prev``.

``find_in_trace`` opens the reasoning pane's find bar; typing highlights every match
(case-insensitive, the query taken literally) in the text the pane shows (sanitised) and
scrolls to the first; Enter / Down and Shift+Enter / Up (or the keys of ``find_next`` and
``find_prev``) move between matches; the bar shows ``3/12``. Esc closes the bar, clears the
highlights and gives the focus back to where it was; ``find_next`` then finds the last query
again. While an answer streams the matches follow its trace once a second.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import partial

from textual.widget import Widget

from tui.ui.review_host import ReviewHost
from tui.ui.widgets.answer_block import AnswerBlock

REFRESH_S = 1.0  # while an answer streams, the matches follow it at most this often


def find_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where ``query`` occurs in ``text``, case-insensitive, literally (no overlaps)."""
    if not query:
        return []
    return [m.span() for m in re.finditer(re.escape(query), text, re.IGNORECASE) if m.end() > m.start()]


class TraceFind:
    """The find bar's query, its matches in the trace shown, and the current match."""

    def __init__(self, review: ReviewHost, clock: Callable[[], float] = time.monotonic) -> None:
        self.review = review
        self.pane = review.panes.reasoning
        self.bar = self.pane.find_bar
        self.clock = clock
        self.query = ""
        self.matches: list[tuple[int, int]] = []
        self.current: int | None = None
        self._active = False  # matches are shown (the bar is open, or n / N used since)
        self._return_to: Widget | None = None
        self._source: AnswerBlock | None = None
        self._version = -1
        self._checked = 0.0
        self.bar.on_change = self.search
        self.bar.on_step = self.step
        self.bar.on_close = self.close
        self.pane.frame_hooks.append(self.follow)
        review.register({
            "find_in_trace": self.open,
            "find_next": partial(self.step, 1),
            "find_prev": partial(self.step, -1),
        })

    def open(self) -> None:
        """Show the find bar (remembering the focus to give back)."""
        screen = self.review.screen
        if screen.has_class("-hide-reasoning"):
            screen.notify(f"The reasoning pane is hidden: {self.review.keymap.describe('toggle_reasoning')} "
                          "shows it.", severity="warning", timeout=3)
            return
        if not self.bar.is_open:
            self._return_to = screen.focused
        self.bar.open()
        if self.query:
            self._find(jump=True)

    def close(self) -> None:
        """Hide the bar and the highlights; the focus goes back to where it was."""
        self.bar.close()
        self._active = False
        self.matches, self.current = [], None
        self.pane.trace.set_matches([], None)
        target, self._return_to = self._return_to, None
        screen = self.review.screen
        if target is not None and target.is_attached and target.focusable:
            screen.set_focus(target)
        else:
            screen.set_focus(None)

    def search(self, query: str) -> None:
        """The query changed: highlight its matches and scroll to the first."""
        self.query = query
        self._find(jump=True)

    def step(self, direction: int) -> None:
        """The next (1) or previous (-1) match; without matches shown, find the last query again."""
        if not self.query:
            self.open()
            return
        if not self._active:
            self._find(jump=False)
        if not self.matches:
            self.review.screen.notify("No match in this trace.", timeout=2)
            return
        if self.current is None:
            self.current = self._first_in_view(direction)
        else:
            self.current = (self.current + direction) % len(self.matches)
        self._draw(scroll=True)

    def follow(self) -> None:
        """Called every frame: another answer, or more of the streamed one, is searched again."""
        source = self.pane.source
        log = self.pane.trace
        if source is not self._source:
            self._source, self._version = source, -1
        if not self._active or log.version == self._version:
            return
        at = self.clock()
        if source is not None and source.live and self._version >= 0 and at - self._checked < REFRESH_S:
            return
        self._find(jump=self._version < 0)

    # -- drawing ------------------------------------------------------------------------------

    def _find(self, *, jump: bool) -> None:
        log = self.pane.trace
        self._active = True
        self._version, self._checked = log.version, self.clock()
        kept = self.matches[self.current] if self.current is not None and not jump else None
        self.matches = find_spans(log.text, self.query)
        if jump:
            self.current = 0 if self.matches else None
        elif kept is not None:
            self.current = self.matches.index(kept) if kept in self.matches else None
        self._draw(scroll=jump)

    def _first_in_view(self, direction: int) -> int:
        log = self.pane.trace
        top = int(log.scroll_y)
        below = [i for i, (start, _end) in enumerate(self.matches) if log.row_of(start) >= top]
        if direction > 0:
            return below[0] if below else 0
        return below[0] - 1 if below and below[0] > 0 else len(self.matches) - 1

    def _draw(self, *, scroll: bool) -> None:
        log = self.pane.trace
        log.set_matches(self.matches, self.current)
        if not self.query:
            count = ""
        elif not self.matches:
            count = "no match"
        else:
            count = f"{self.current + 1 if self.current is not None else '-'}/{len(self.matches)}"
        self.bar.show_count(count)
        if scroll and self.current is not None:
            log.scroll_to_offset(self.matches[self.current][0])
