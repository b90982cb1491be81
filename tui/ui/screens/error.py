"""The last error in full: the status line shows its first words, this dialog the whole text."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.sanitize import for_display


class ErrorScreen(ModalScreen[None]):
    """Shows ``text`` (sanitised, wrapped, scrollable); Esc, Enter or q close it; c copies it."""

    BINDINGS = [
        Binding("escape,enter,q", "close", "Close", id="error.close"),
        Binding("c", "copy", "Copy the text", id="error.copy"),
    ]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="error-dialog", classes="r1-dialog"):
            yield Static(Text("The last error", style="bold"), markup=False)
            yield Static(Text(for_display(self.text)), id="error-text", markup=False)
            yield Static(Text("Esc closes · c copies the text", style="dim"), markup=False)

    def on_mount(self) -> None:
        self.query_one("#error-dialog").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_copy(self) -> None:
        from tui.sanitize import strip_controls

        self.app.copy_to_clipboard(strip_controls(self.text))
        self.notify("Copied the error.", timeout=2)
