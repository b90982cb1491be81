"""One user prompt in the answer pane (plain text, never markup).

Above the text, a header line may show where the prompt sits in the conversation tree:
``‹ 2/3 ›`` when it is one of several branches (edited prompts), that it was left out of
the last request to fit the context, or that it is being edited. Below it, one dim line
names the files sent with it, and the user's notes on the prompt follow.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from tui.sanitize import for_display
from tui.store.models import Attachment
from tui.ui.widgets.answer_block import note_text
from tui.ui.widgets.chip import attachment_label


class PromptBlock(Static):
    """A prompt as sent; ``text`` keeps it raw for search highlights, ``msg_id`` is its message."""

    def __init__(self, prompt: str, attachments: Sequence[Attachment] = (), msg_id: str | None = None,
                 notes: Sequence[str] = ()) -> None:
        super().__init__(Text(for_display(prompt)), classes="prompt-block", markup=False)
        self.text = prompt
        self.msg_id = msg_id
        self.header = ""
        self._body = Text(for_display(prompt))
        # the files sent with it, one dim line (their text is in the history)
        names = "; ".join(attachment_label(a) for a in attachments)
        self._attached = Text(f"attached: {names}", style="dim italic") if attachments else None
        self.notes = list(notes)
        self._redraw()

    def set_notes(self, notes: Sequence[str]) -> None:
        """Show ``notes`` (the user's, raw) under the prompt; none hides them."""
        self.notes = list(notes)
        self._redraw()

    def show_text(self, body: Text) -> None:
        """Show ``body`` (the prompt, perhaps with highlights) under the header."""
        self._body = body
        self._redraw()

    def set_header(self, header: str) -> None:
        """The line above the prompt ("" for none); repainted only when it changed."""
        if header != self.header:
            self.header = header
            self._redraw()

    def _redraw(self) -> None:
        parts: list[Text | str] = []
        if self.header:
            parts += [Text(self.header, style="italic dim"), "\n"]
        parts.append(self._body)
        if self._attached is not None:
            parts += ["\n" if self.text else "", self._attached]
        if self.notes:
            parts += ["\n", note_text(self.notes)]
        self.update(Text.assemble(*parts))
