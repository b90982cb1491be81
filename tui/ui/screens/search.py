"""The history search view: an input with results as you type (debounced), Enter opens one.

Dismisses with ``(hit, query)`` for the chosen result, or ``None`` (Esc). Every string
shown is sanitised; snippets are plain text (Markdown syntax removed) with the matched
terms highlighted with styled spans, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.formats.md_plain import plain_text
from tui.sanitize import one_line
from tui.ui.highlight import snippet_text

DEBOUNCE_S = 0.15
RESULT_LIMIT = 50
FIELD_LABELS = {"prompt": "prompt", "answer": "answer", "reasoning": "reasoning", "note": "your note"}

SearchResult = tuple[Any, str]  # (SearchHit, query)


def hit_label(hit: Any) -> Text:
    """Title, which part matched, then the highlighted snippet on the next line."""
    text = Text(one_line(hit.title or "untitled", 60), style="bold")
    text.append(f"  · {FIELD_LABELS.get(hit.field, one_line(str(hit.field), 20))}", style="italic dim")
    text.append("\n")
    text.append_text(snippet_text(plain_text(hit.snippet_lines or hit.snippet)))  # the words, not the Markdown syntax
    return text


class SearchScreen(ModalScreen["SearchResult | None"]):
    """Search across all history; ↓ moves to the results, Enter opens, Esc closes."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("down", "to_results", "Results", show=False),
    ]

    DEFAULT_CSS = """
    SearchScreen { align: center top; }
    #search-dialog {
        width: 100; max-width: 100%; height: 90%; max-height: 100%;
        margin-top: 1; padding: 0 1; border: thick $accent; background: $surface;
    }
    #search-title { height: 1; color: $text-muted; }
    #search-input { margin: 0; }
    #search-status { height: 1; color: $text-muted; }
    #search-results { height: 1fr; border: none; }
    """

    def __init__(self, search: Callable[[str], Sequence[Any]], query: str = "") -> None:
        super().__init__()
        self._search = search
        self._initial = query
        self._timer: Timer | None = None
        self.hits: list[Any] = []
        self.query_text = query
        self.searched = ""  # the query the shown results belong to

    def compose(self) -> ComposeResult:
        with Vertical(id="search-dialog"):
            yield Static(Text("Search history · Enter opens · ↓ results · Esc closes"), id="search-title")
            yield Input(value=self._initial, placeholder="words in prompts, answers or reasoning",
                        id="search-input")
            yield Static(Text(""), id="search-status", markup=False)
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self._initial:
            self.run_search()

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_S, self.run_search)

    def run_search(self) -> None:
        """Search now for the current input and show the results."""
        self._timer = None
        query = self.query_text
        status = self.query_one("#search-status", Static)
        results = self.query_one(OptionList)
        try:
            hits = list(self._search(query)) if query.strip() else []
        except Exception as exc:  # a store error must not close the view
            status.update(Text(one_line(f"search failed: {exc}", 200)))
            return
        self.hits = hits
        self.searched = query
        results.clear_options()
        results.add_options([Option(hit_label(hit)) for hit in hits])
        if hits:
            results.highlighted = 0
        if not query.strip():
            status.update(Text(""))
        elif not hits:
            status.update(Text("No matches."))
        else:
            more = "+" if len(hits) >= RESULT_LIMIT else ""
            noun = "match" if len(hits) == 1 else "matches"
            status.update(Text(f"{len(hits)}{more} {noun}, best first"))

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        if self._timer is not None or self.searched != self.query_text:
            self.run_search()
        if self.hits:
            index = self.query_one(OptionList).highlighted or 0
            self._choose(index)

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option_index)

    def _choose(self, index: int) -> None:
        if 0 <= index < len(self.hits):
            self.dismiss((self.hits[index], self.searched))

    def action_to_results(self) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            results.focus()

    def action_close(self) -> None:
        self.dismiss(None)
