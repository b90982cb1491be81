"""The multi-line prompt input: Enter sends; Ctrl+J / Alt+Enter / Shift+Enter insert a newline."""

from __future__ import annotations

import re

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea


_SURROGATE = re.compile("[\ud800-\udfff]")  # unpaired halves: text that was invalid UTF-8
MAX_PROMPT_CHARS = 400_000  # ~100k tokens: more cannot fit a reasoning model's context anyway


def clean_prompt(text: str) -> str:
    """Make pasted or typed text sendable: no NUL bytes, no unpaired surrogates (invalid UTF-8)."""
    if "\x00" in text:
        text = text.replace("\x00", "\u2400")
    return _SURROGATE.sub("\ufffd", text)


class PromptInput(TextArea):
    """A TextArea whose Enter submits the prompt."""

    BINDINGS = [
        Binding("enter", "submit", "Send", priority=False, id="send"),
        Binding("ctrl+j", "newline", "Newline", id="newline"),
        Binding("alt+enter,shift+enter", "newline", "Newline", show=False, id="newline_alt"),
    ]

    class Submitted(Message):
        """The user pressed Enter with a non-empty prompt."""

        def __init__(self, prompt: PromptInput, text: str) -> None:
            super().__init__()
            self.prompt = prompt
            self.text = text

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(
            id=id,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            compact=True,
            placeholder=placeholder,
            highlight_cursor_line=False,
        )

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and not self.read_only:
            event.stop()
            event.prevent_default()
            self.action_submit()
            return
        await super()._on_key(event)

    async def _on_paste(self, event: events.Paste) -> None:
        size = len(event.text) + len(self.text)
        if size > MAX_PROMPT_CHARS:
            event.stop()
            event.prevent_default()
            self.notify(
                f"Paste refused: the prompt would be {size / 1_000_000:.1f} M characters; the limit is "
                f"{MAX_PROMPT_CHARS // 1000} k (about 100k tokens, more than fits the model's context).",
                severity="warning",
                timeout=8,
            )
            return
        cleaned = clean_prompt(event.text)
        if cleaned != event.text:
            event.stop()
            event.prevent_default()
            start, end = self.selection
            self._replace_via_keyboard(cleaned, start, end)
            return
        await super()._on_paste(event)

    def action_submit(self) -> None:
        text = clean_prompt(self.text)
        if text.strip() and not self.read_only and not self.disabled:
            self.post_message(self.Submitted(self, text))

    def action_newline(self) -> None:
        if not self.read_only:
            start, end = self.selection
            self._replace_via_keyboard("\n", start, end)
