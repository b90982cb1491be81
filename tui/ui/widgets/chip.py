"""One attachment of the next prompt, as a chip above it (the row is :mod:`.chips`).

A chip takes the focus (Left / Right move to its neighbours): Delete or Backspace asks to
remove it, Enter (or ``e``) to put its text back into the prompt; the row does both.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from tui.sanitize import one_line
from tui.store.models import Attachment

PASTED_NAME = "pasted text"


def line_count(text: str) -> int:
    """Lines of ``text`` as an editor counts them (a final newline ends the last line)."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def attachment_label(attachment: Attachment) -> str:
    """``"notes.md, 12 lines"``: the name (sanitised, shortened) and its size in lines."""
    lines = line_count(attachment.content)
    return f"{one_line(attachment.name, 40)}, {lines} line{'s' if lines != 1 else ''}"


class AttachmentChip(Static):
    """One attachment; focusable, removable, a pasted text expandable."""

    can_focus = True

    BINDINGS = [
        Binding("delete,backspace", "remove", "Remove", tooltip="Remove the focused attachment",
                id="remove_attachment"),
        Binding("enter,e", "expand", "Expand", tooltip="Put the focused attachment's text back into the prompt",
                id="expand_attachment"),
        Binding("left", "step(-1)", "Previous attachment", show=False),
        Binding("right", "step(1)", "Next attachment", show=False),
    ]

    DEFAULT_CSS = """
    AttachmentChip { width: auto; height: 1; margin: 0 1 0 0; padding: 0 1; background: $boost; }
    AttachmentChip:focus { background: $accent; color: $text; text-style: bold; }
    """

    def __init__(self, attachment: Attachment, pasted: bool = False) -> None:
        super().__init__(Text(f"{attachment_label(attachment)} ×"), markup=False)
        self.attachment = attachment
        self.pasted = pasted
        self.tooltip = "Delete removes it; Enter puts its text into the prompt"

    class Removed(Message):
        """Remove this chip."""

        def __init__(self, chip: AttachmentChip) -> None:
            super().__init__()
            self.chip = chip

    class Expanded(Removed):
        """Put this chip's text into the prompt (and remove the chip)."""

    def action_remove(self) -> None:
        self.post_message(self.Removed(self))

    def action_expand(self) -> None:
        self.post_message(self.Expanded(self))

    def action_step(self, delta: int) -> None:
        siblings = [w for w in (self.parent.children if self.parent else ()) if isinstance(w, AttachmentChip)]
        index = siblings.index(self) + delta
        if 0 <= index < len(siblings):
            siblings[index].focus()
