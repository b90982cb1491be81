"""What a part of trace review (tui/ui/review.py) is given: the screen, its pieces and ``register``.

A Protocol, so that the parts need not import :class:`~tui.ui.review.TraceReview` (which imports
them: no import circle inside the UI).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from textual.screen import Screen

from tui.ui.context import AppContext
from tui.ui.keymap import Keymap
from tui.ui.panes import Panes

Handler = Callable[[], Awaitable[None] | None]
Condition = Callable[[], bool]


class ReviewHost(Protocol):
    """:class:`~tui.ui.review.TraceReview` as its parts see it."""

    screen: Screen[Any]
    context: AppContext
    panes: Panes
    keymap: Keymap

    def register(self, handlers: Mapping[str, Handler], when: Mapping[str, Condition] | None = None) -> None:
        """Add a part's handlers by key id (and when some of them work)."""
