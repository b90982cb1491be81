"""A one-line question modal: Enter answers, Esc cancels."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class AskScreen(ModalScreen[str | None]):
    """Ask for one value; dismiss with the stripped text (None on Esc)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ask.cancel")]

    def __init__(self, title: str, label: str, value: str = "") -> None:
        super().__init__()
        self._title, self._label, self._value = title, label, value

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-dialog", classes="r1-dialog"):
            yield Static(Text(self._title, style="bold"), markup=False)
            yield Static(Text(self._label), markup=False)
            yield Input(value=self._value, id="ask-input", compact=True)
            yield Static(Text("Enter: OK · Esc: cancel", style="dim"), markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
