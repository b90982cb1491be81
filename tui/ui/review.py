"""Reading a trace in the app (issue 14): every review key runs through :meth:`TraceReview.run`.

A review key is bound in tui/ui/bindings.py to the action ``trace('<key id>')`` (e.g.
``trace('next_step')``). Each part of the review (outline and find, zoom and raw math, replay,
compare, notes) is a class of its own module that registers its handlers here by key id, in
:meth:`TraceReview.__init__`, one line per part. A part may say when a key works at all
(``when``): otherwise the key is hidden from the footer and passes to the next binding of the
same key (Esc ends a replay only while one runs).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from textual.screen import Screen

from tui.ui.compare import Compare
from tui.ui.context import AppContext
from tui.ui.keymap import Keymap
from tui.ui.notes import Notes
from tui.ui.panes import Panes
from tui.ui.replay import Replay
from tui.ui.review_host import Condition, Handler
from tui.ui.trace_display import TraceDisplay
from tui.ui.trace_find import TraceFind
from tui.ui.trace_outline import TraceOutline


class TraceReview:
    """Runs the review keys by id; the parts that own them register their handlers."""

    def __init__(self, screen: Screen[Any], context: AppContext, panes: Panes, keymap: Keymap) -> None:
        self.screen = screen  # for notify, push_screen, set_focus and layout classes
        self.context = context
        self.panes = panes
        self.keymap = keymap
        self.handlers: dict[str, Handler] = {}
        self.conditions: dict[str, Condition] = {}
        self.replay = Replay(self)
        self.notes = Notes(self)
        self.register(Compare(screen, context, panes, keymap).handlers())
        self.register(TraceDisplay(screen, panes, keymap).handlers())  # zoom_pane, toggle_raw
        self.outline = TraceOutline(self)  # next_step, prev_step, next_pivot, prev_pivot
        self.find = TraceFind(self)  # find_in_trace, find_next, find_prev

    def register(self, handlers: Mapping[str, Handler], when: Mapping[str, Condition] | None = None) -> None:
        """Add a part's handlers (and when some of them work); two parts never own the same key id."""
        taken = sorted(self.handlers.keys() & handlers.keys())
        if taken:
            raise ValueError(f"trace keys registered twice: {', '.join(taken)}")
        self.handlers.update(handlers)
        self.conditions.update(when or {})

    def works_now(self, parameters: tuple[object, ...]) -> bool:
        """``check_action`` of ``trace(id)``: False hides the key and lets the next binding of its key act."""
        condition = self.conditions.get(str(parameters[0])) if parameters else None
        return condition() if condition is not None else True

    async def run(self, what: str) -> None:
        """Run the handler of key id ``what``, or say there is none."""
        handler = self.handlers.get(what)
        if handler is None:
            self.screen.notify(f"Unknown trace action: {what}", severity="warning", markup=False)
            return
        result = handler()
        if inspect.isawaitable(result):
            await result
