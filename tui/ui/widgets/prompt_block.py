"""One user prompt in the answer pane (plain text, never markup)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from tui.sanitize import for_display
from tui.store.models import Attachment
from tui.ui.widgets.chip import attachment_label


class PromptBlock(Static):
    """A prompt as sent; ``text`` keeps it raw for search highlights."""

    def __init__(self, prompt: str, attachments: Sequence[Attachment] = ()) -> None:
        shown = Text(for_display(prompt))
        if attachments:  # the files sent with it, one dim line (their text is in the history)
            names = "; ".join(attachment_label(a) for a in attachments)
            shown = Text.assemble(shown, "\n" if prompt else "", (f"attached: {names}", "dim italic"))
        super().__init__(shown, classes="prompt-block", markup=False)
        self.text = prompt
