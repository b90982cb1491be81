"""Reverse search of earlier prompts: type words, the matching prompts (newest first) show
below; Enter takes the highlighted one into the composer, Esc cancels.

Dismisses with the chosen prompt's text, or ``None``. Prompts are shown sanitised, one line each.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.sanitize import one_line

RESULT_LIMIT = 30


class RecallSearchScreen(ModalScreen["str | None"]):
    """A small overlay over the prompt: words in, earlier prompts out."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("up", "move(-1)", "Newer match", show=False),
        Binding("down", "move(1)", "Older match", show=False),
    ]

    DEFAULT_CSS = """
    RecallSearchScreen { align: center bottom; }
    #recall-dialog {
        width: 100%; height: auto; max-height: 18; margin-bottom: 3; padding: 0 1;
        border: round $accent; background: $surface;
    }
    #recall-title { height: 1; color: $text-muted; }
    #recall-results { height: auto; max-height: 12; border: none; }
    """

    def __init__(self, recent: Callable[[int], list[str]], matching: Callable[[str, int], list[str]]) -> None:
        super().__init__()
        self._recent = recent
        self._matching = matching
        self.prompts: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="recall-dialog"):
            yield Static(Text("Earlier prompts · type words · ↑↓ choose · Enter takes · Esc cancels"),
                         id="recall-title")
            yield Input(placeholder="words in an earlier prompt", id="recall-input")
            yield OptionList(id="recall-results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.show_matches("")

    @on(Input.Changed, "#recall-input")
    def _changed(self, event: Input.Changed) -> None:
        self.show_matches(event.value)

    def show_matches(self, query: str) -> None:
        """List the prompts matching ``query`` (the newest prompts while it is empty)."""
        try:
            found = self._matching(query, RESULT_LIMIT) if query.strip() else self._recent(RESULT_LIMIT)
        except Exception as exc:  # a store error must not close the overlay
            self.notify(one_line(f"search failed: {exc}", 200), severity="error", markup=False)
            return
        self.prompts = found
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options([Option(Text(one_line(p, 200))) for p in found])
        if found:
            results.highlighted = 0
        else:
            results.add_option(Option(Text("No earlier prompt matches." if query.strip() else "No earlier prompts."),
                                      disabled=True))

    def action_move(self, delta: int) -> None:
        results = self.query_one(OptionList)
        if self.prompts:
            results.highlighted = max(0, min(len(self.prompts) - 1, (results.highlighted or 0) + delta))

    @on(Input.Submitted, "#recall-input")
    def _take(self) -> None:
        index = self.query_one(OptionList).highlighted
        if self.prompts and index is not None and 0 <= index < len(self.prompts):
            self.dismiss(self.prompts[index])

    @on(OptionList.OptionSelected, "#recall-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.prompts):
            self.dismiss(self.prompts[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
