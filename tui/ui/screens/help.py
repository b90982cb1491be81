"""F1: every key of the app, where it works, and its ``[keys]`` id — generated from the bindings.

Keys come from tui/ui/bindings.py with the user's keymap applied, so the screen shows the
keys actually in force.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.sanitize import one_line
from tui.ui.bindings import Area
from tui.ui.keymap import Keymap, display_key, normalize_keys


@dataclass(frozen=True)
class HelpRow:
    """One key of the help: where it works, its keys as typed, what it does, its id ("" if none)."""

    where: str
    keys: str
    description: str
    binding_id: str = ""


def format_keys(keys: str) -> str:
    """``"f5,y"`` -> ``"f5, y"``; ``"slash"`` -> ``"/"``."""
    return one_line(", ".join(display_key(k) for k in normalize_keys(keys)), 60)  # [keys] entries are the user's text


def help_rows(areas: Iterable[Area], keymap: Keymap | None = None) -> list[HelpRow]:
    """A row for every described binding of each area, with ``keymap``'s keys for the ids it remaps."""
    rows = []
    for area in areas:
        for binding in area.bindings:
            keys = keymap.overrides.get(binding.id or "", binding.key) if keymap else binding.key
            what = binding.tooltip or binding.description or binding.action
            rows.append(HelpRow(area.name, format_keys(keys), what, binding.id or ""))
    return rows


HELP_EXTRA = (
    "The send and newline keys of the prompt follow [keys] too (send = \"ctrl+s\", newline = \"enter\" works).\n"
    "Scrolling up in a pane stops following the stream; End resumes it.\n"
    "Remap any key by its id in the [keys] table of config.toml."
)


def help_table(rows: list[HelpRow], notes: dict[str, str], extra: str = HELP_EXTRA) -> Table:
    """The help as one table: a heading per area, then ``keys  description  id`` rows."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column("keys", max_width=16, style="bold")
    table.add_column("what", ratio=1)
    table.add_column("id", no_wrap=True, style="dim")
    table.add_row(Text("r1-tui keys", style="bold"), "", "")
    where_seen: str | None = None
    for row in rows:
        if row.where != where_seen:
            if where_seen is not None and notes.get(where_seen):
                table.add_row("", Text(notes[where_seen], style="italic"), "")
            table.add_row(Text(row.where, style="bold underline"), "", "")
            where_seen = row.where
        table.add_row(Text(" " + row.keys), Text(row.description), Text(row.binding_id))
    if where_seen is not None and notes.get(where_seen):
        table.add_row("", Text(notes[where_seen], style="italic"), "")
    if extra:
        table.add_row("", Text(extra), "")
    return table


def help_text(rows: list[HelpRow], notes: dict[str, str], extra: str = HELP_EXTRA, width: int = 76) -> Text:
    """The help table as plain text (for tests and the README check)."""
    console = Console(width=width, color_system=None, record=True, file=io.StringIO())
    console.print(help_table(rows, notes, extra))
    return Text(console.export_text())


class HelpScreen(ModalScreen[None]):
    """A scrollable table of keys (arrows / PageUp / PageDown scroll); Esc, q or F1 closes it."""

    BINDINGS = [Binding("escape,q,f1", "close", "Close")]

    def __init__(self, areas: list[Area], keymap: Keymap) -> None:
        super().__init__()
        self._rows = help_rows(areas, keymap)
        self._notes = {a.name: a.note for a in areas if a.note}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Static(help_table(self._rows, self._notes), markup=False)

    def on_mount(self) -> None:
        self.query_one("#help-dialog").focus()  # the arrow keys scroll it

    def plain_text(self) -> str:
        """What the dialog shows, as plain text at its current width."""
        width = self.query_one("#help-dialog").scrollable_content_region.width
        return help_text(self._rows, self._notes, width=max(width, 40)).plain

    def action_close(self) -> None:
        self.dismiss(None)
