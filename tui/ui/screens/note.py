"""Add, edit or delete the note on a message: one line of text (Enter or Ctrl+S saves, Esc cancels).

The dialog is given the messages it may annotate (the answer first, then its prompt; Ctrl+T
switches) with each one's current note; it dismisses with the message and the new text (empty
text: delete the note) or None. Ctrl+S is an ordinary binding of this screen, not a priority
one, so keys typed before it reach the input first. Every string shown is sanitised.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.sanitize import one_line

NOTE_MAX = 100_000  # tui/store/annotations.py MAX_NOTE_CHARS


@dataclass(frozen=True)
class NoteTarget:
    """A message the note can go on: ``what`` is "answer" or "prompt"; ``note_id`` its note (if any)."""

    msg_id: str
    what: str
    preview: str
    body: str = ""
    note_id: str | None = None


@dataclass(frozen=True)
class NoteEdit:
    """What the dialog returns: the target and the new text (empty: delete its note)."""

    target: NoteTarget
    text: str


class NoteScreen(ModalScreen["NoteEdit | None"]):
    """The note dialog over the main screen."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="note_cancel"),
        Binding("ctrl+s", "save", "Save", id="note_save"),
        Binding("ctrl+t", "switch", "Prompt / answer", tooltip="Put the note on the other message", id="note_switch"),
    ]

    DEFAULT_CSS = """
    NoteScreen { align: center middle; }
    #note-dialog {
        width: 76; max-width: 100%; height: auto;
        padding: 1 2; border: thick $accent; background: $surface;
    }
    #note-target { height: auto; max-height: 3; }
    #note-hint { color: $text-muted; }
    """

    def __init__(self, targets: list[NoteTarget]) -> None:
        super().__init__()
        if not targets:
            raise ValueError("a note needs a message")
        self.targets = targets
        self.index = 0

    @property
    def target(self) -> NoteTarget:
        return self.targets[self.index]

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog"):
            yield Static(self._title(), id="note-target", markup=False)
            yield Input(value=self._prefill(), max_length=NOTE_MAX, placeholder="a note (empty deletes it)",
                        id="note-input")
            yield Static(self._hint(), id="note-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _prefill(self) -> str:
        return self.target.body.replace("\n", " ")

    def _title(self) -> Text:
        target = self.target
        verb = "Edit the note" if target.note_id else "Add a note"
        text = Text(f"{verb} on the {target.what}", style="bold")
        text.append(f"  “{one_line(target.preview, 120)}”", style="italic")
        return text

    def _hint(self) -> Text:
        other = f" · Ctrl+T: on the {self.targets[1 - self.index].what}" if len(self.targets) > 1 else ""
        return Text(f"Enter or Ctrl+S saves · empty text deletes the note · Esc cancels{other}")

    @on(Input.Submitted, "#note-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        self.dismiss(NoteEdit(self.target, self.query_one(Input).value.strip()))

    def action_switch(self) -> None:
        """The note goes on the other message (its note is loaded unless something was typed)."""
        if len(self.targets) < 2:
            return
        field = self.query_one(Input)
        typed = field.value != self._prefill()
        self.index = 1 - self.index
        if not typed:
            field.value = self._prefill()
        self.query_one("#note-target", Static).update(self._title())
        self.query_one("#note-hint", Static).update(self._hint())

    def action_cancel(self) -> None:
        self.dismiss(None)
