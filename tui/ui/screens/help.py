"""F1: every key of the app, generated from the bindings of its classes.

Keys come from the ``BINDINGS`` of the app and its widgets, with the app's keymap (the
``[keys]`` table of config.toml) applied, so the screen shows the keys actually in force.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.keys import format_key
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def _display_key(key: str) -> str:
    """A key as typed: "slash" -> "/", "less_than_sign" -> "<"; "ctrl+f", "enter" stay as they are."""
    if len(key) > 1 and "+" not in key:
        char = format_key(key)
        if len(char) == 1 and char.isascii() and char.isprintable() and not char.isspace():
            return char
    return key


def _format_keys(keys: str) -> str:
    return ", ".join(_display_key(k.strip()) for k in keys.split(",") if k.strip())


def binding_rows(sources: Iterable[tuple[str, Iterable[object]]],
                 keymap: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """``(where, keys, description)`` for every described binding of each source.

    ``keymap`` (binding id -> keys, as given to ``App.set_keymap``) replaces the keys of
    the bindings it names.
    """
    keymap = keymap or {}
    rows: list[tuple[str, str, str]] = []
    for where, bindings in sources:
        for b in bindings:
            if isinstance(b, Binding):
                keys, desc = keymap.get(b.id or "", b.key), b.description or b.action
            elif isinstance(b, tuple):
                keys, desc = b[0], (b[2] if len(b) > 2 else b[1])
            else:
                continue
            rows.append((where, _format_keys(keys), str(desc)))
    return rows


HELP_EXTRA = (
    "Enter sends · Ctrl+J, Alt+Enter or Shift+Enter (where the terminal sends it) insert a newline.\n"
    "Scrolling up in a pane stops following the stream; End resumes it."
)


def app_help_rows(app_bindings: Iterable[object],
                  keymap: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """Rows for every key of the app: global bindings and those of each widget, remapped by ``keymap``."""
    from tui.ui.screens.confirm import ConfirmScreen
    from tui.ui.screens.search import SearchScreen
    from tui.ui.widgets.conversations import ConversationList
    from tui.ui.widgets.prompt import PromptInput
    from tui.ui.widgets.alternatives import AnswerGroup
    from tui.ui.widgets.transcript import Transcript

    return binding_rows(
        [
            ("Global", app_bindings),
            ("Prompt", PromptInput.BINDINGS),
            ("Conversation list", [*ConversationList.BINDINGS, Binding("enter", "select", "Open")]),
            ("Answer pane", Transcript.BINDINGS),
            ("Focused answer", AnswerGroup.BINDINGS),
            ("Everywhere", [Binding("tab,shift+tab", "focus", "Move focus between panes")]),
            ("Search dialog", [*SearchScreen.BINDINGS, Binding("enter", "open", "Open the result")]),
            ("Confirm dialog", ConfirmScreen.BINDINGS),
        ],
        keymap,
    )


class HelpScreen(ModalScreen[None]):
    """A scrollable table of keys (arrows / PageUp / PageDown scroll); Esc, q or F1 closes it."""

    BINDINGS = [Binding("escape,q,f1", "close", "Close")]

    def __init__(self, rows: list[tuple[str, str, str]], extra: str = "") -> None:
        super().__init__()
        self._rows = rows
        self._extra = extra

    def compose(self) -> ComposeResult:
        text = Text("r1-tui keys\n\n", style="bold")
        width = max((len(k) for _, k, _ in self._rows), default=10) + 2
        where_seen = None
        for where, keys, desc in self._rows:
            if where != where_seen:
                text.append(f"{where}\n", style="bold underline")
                where_seen = where
            text.append(f"  {keys:<{width}}", style="bold")
            text.append(f"{desc}\n")
        if self._extra:
            text.append(f"\n{self._extra}\n")
        with VerticalScroll(id="help-dialog"):
            yield Static(text, markup=False)

    def on_mount(self) -> None:
        self.query_one("#help-dialog").focus()  # the arrow keys scroll it

    def action_close(self) -> None:
        self.dismiss(None)
