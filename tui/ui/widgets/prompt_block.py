"""One user prompt in the answer pane (plain text, never markup)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.sanitize import for_display


class PromptBlock(Static):
    """A prompt as sent; ``text`` keeps it raw for search highlights."""

    def __init__(self, prompt: str) -> None:
        super().__init__(Text(for_display(prompt)), classes="prompt-block", markup=False)
        self.text = prompt
