"""The attach dialog: a path (Tab completes, ``~`` expands), Enter attaches, Esc cancels.

A file that cannot be attached (missing, a directory, binary, not UTF-8, too large with the
prompt) is refused with the reason shown in the dialog, which stays open with the path as
typed. Dismisses with the :class:`~tui.store.models.Attachment`, or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.chat.attachments import AttachmentError
from tui.sanitize import one_line
from tui.store.models import Attachment
from tui.ui.path_completion import complete_path

SHOWN_CANDIDATES = 8


class PathInput(Input):
    """An input whose Tab completes the path (instead of moving the focus)."""

    BINDINGS = [Binding("tab", "complete", "Complete the path", show=False)]

    def action_complete(self) -> None:
        screen = self.screen
        if isinstance(screen, AttachScreen):
            screen.complete()


class AttachScreen(ModalScreen["Attachment | None"]):
    """Pick a text file to send with the next prompt."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    AttachScreen { align: center middle; }
    #attach-dialog {
        width: 76; max-width: 100%; height: auto; padding: 0 1;
        border: round $accent; background: $surface;
    }
    #attach-title { height: 1; color: $text-muted; }
    #attach-message { height: auto; max-height: 6; }
    #attach-message.-error { color: $error; }
    """

    def __init__(self, read: Callable[[str], Attachment], cwd: str = "") -> None:
        super().__init__()
        self._read = read  # path -> attachment, or AttachmentError saying why not
        self._cwd = cwd

    def compose(self) -> ComposeResult:
        with Vertical(id="attach-dialog"):
            yield Static(Text("Attach a text file · Tab completes · Enter attaches · Esc cancels"), id="attach-title")
            yield PathInput(placeholder="path, e.g. ~/notes.md", id="attach-path")
            yield Static(Text(one_line(f"in {self._cwd}", 70) if self._cwd else ""), id="attach-message",
                         markup=False)

    def on_mount(self) -> None:
        self.query_one(PathInput).focus()

    def _say(self, message: str, *, error: bool = False) -> None:
        shown = self.query_one("#attach-message", Static)
        shown.set_class(error, "-error")
        shown.update(Text(message))

    def complete(self) -> None:
        """Tab: extend the path as far as the matches agree; list them when there are several."""
        field = self.query_one(PathInput)
        completed, names = complete_path(field.value)
        field.value = completed
        field.cursor_position = len(completed)
        if len(names) > 1:
            more = f" … ({len(names)} in all)" if len(names) > SHOWN_CANDIDATES else ""
            self._say(one_line("  ".join(names[:SHOWN_CANDIDATES]), 300) + more)
        else:
            self._say("" if names else "No match." if field.value.strip() else "")

    @on(Input.Submitted, "#attach-path")
    def _path_entered(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            self._say("Type the path of a text file (Tab completes).", error=True)
            return
        try:
            attachment = self._read(path)
        except AttachmentError as exc:
            self._say(one_line(str(exc), 300), error=True)
            return
        self.dismiss(attachment)

    def action_cancel(self) -> None:
        self.dismiss(None)
