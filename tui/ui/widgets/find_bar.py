"""The find bar of the reasoning pane: a one-line query and the match count (``3/12``).

It draws the query and the count it is given and reports what the user does through
the callbacks its owner sets (:class:`tui.ui.trace_find.TraceFind`): typing, Enter / Down
(next match), Shift+Enter / Up (previous), Esc (close).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static


def _nothing() -> None:
    return None


class FindBar(Horizontal):
    """``Find in trace: [query] 3/12``; hidden until opened."""

    DEFAULT_CSS = """
    FindBar {
        height: 1;
        display: none;
        background: $panel;
    }
    FindBar.-open {
        display: block;
    }
    FindBar > Input {
        width: 1fr;
    }
    FindBar > Static {
        width: auto;
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    FindBar > .find-label {
        padding: 0 1 0 0;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close find", show=False),
        Binding("shift+enter,up", "step(-1)", "Previous match", show=False),
        Binding("down", "step(1)", "Next match", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.query_input = Input(placeholder="Find in trace", id="find-query", select_on_focus=False, compact=True)
        self.count = Static(Text(""), id="find-count", markup=False)
        self.on_change: Callable[[str], None] = lambda _query: None
        self.on_step: Callable[[int], None] = lambda _step: None
        self.on_close: Callable[[], None] = _nothing

    def compose(self) -> ComposeResult:
        yield Static(Text("Find", style="bold"), classes="find-label", markup=False)
        yield self.query_input
        yield self.count

    @property
    def is_open(self) -> bool:
        """The bar is shown."""
        return self.has_class("-open")

    def open(self) -> None:
        """Show the bar and put the cursor in the query (its text kept, selected)."""
        self.add_class("-open")
        self.query_input.focus()
        self.query_input.select_all()

    def close(self) -> None:
        """Hide the bar (the query stays for the next time)."""
        self.remove_class("-open")

    def show_count(self, text: str) -> None:
        """``3/12``, ``no match``, or "" for an empty query."""
        self.count.update(Text(text))

    @on(Input.Changed, "#find-query")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.on_change(event.value)

    @on(Input.Submitted, "#find-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.on_step(1)

    def action_step(self, step: int) -> None:
        self.on_step(step)

    def action_close(self) -> None:
        self.on_close()
