"""Rename a conversation: an input prefilled with the title (Enter saves, Esc cancels)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.sanitize import one_line

TITLE_MAX = 200


class RenameScreen(ModalScreen["str | None"]):
    """Dismisses with the new title (one line, stripped) or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    RenameScreen { align: center middle; }
    #rename-dialog {
        width: 70; max-width: 100%; height: auto;
        padding: 1 2; border: thick $accent; background: $surface;
    }
    #rename-hint { color: $text-muted; }
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self._title = one_line(title, TITLE_MAX)

    def compose(self) -> ComposeResult:
        with Vertical(id="rename-dialog"):
            yield Static(Text("Rename conversation", style="bold"), markup=False)
            yield Input(value=self._title, max_length=TITLE_MAX, id="rename-input")
            yield Static(Text("Enter saves · Esc cancels"), id="rename-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#rename-input")
    def _submitted(self, event: Input.Submitted) -> None:
        title = " ".join(event.value.split())
        self.dismiss(title or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
