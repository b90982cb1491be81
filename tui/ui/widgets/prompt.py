"""The multi-line prompt input: Enter sends; Ctrl+J / Alt+Enter / Shift+Enter insert a newline.

Keys and pastes are handled with Textual's public hooks (``on_key`` / ``on_paste`` with
``prevent_default``, edits through ``TextArea.replace``), so the keys of ``send`` and of the
newline bindings follow the user's ``[keys]`` table (:meth:`PromptInput.set_keys`) — Enter
can become a newline and Ctrl+S send. A paste is inserted once, refused above
:data:`MAX_PROMPT_CHARS`, and sanitised: control characters (escape sequences included)
are shown as visible symbols, never passed to the terminal.

With the screen's hooks set (tui/ui/composer.py): Up on the first line of an empty (or just
recalled) prompt walks back through earlier prompts and Down walks forward to the draft
(:attr:`PromptInput.recall`); a paste of more than :data:`LARGE_PASTE_LINES` lines goes to
:attr:`PromptInput.on_large_paste` (an attachment) instead of into the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea

from tui.chat.recall import PromptRecall
from tui.sanitize import for_display

_SURROGATE = re.compile("[\ud800-\udfff]")  # unpaired halves: text that was invalid UTF-8
MAX_PROMPT_CHARS = 400_000  # ~100k tokens: more cannot fit a reasoning model's context anyway
SEND_KEYS = frozenset({"enter"})
NEWLINE_KEYS = frozenset({"ctrl+j", "alt+enter", "shift+enter"})
LARGE_PASTE_LINES = 40  # a longer paste becomes an attachment (when the screen takes them)


def clean_prompt(text: str) -> str:
    """Make pasted or typed text sendable: no NUL bytes, no unpaired surrogates (invalid UTF-8)."""
    if "\x00" in text:
        text = text.replace("\x00", "\u2400")
    return _SURROGATE.sub("\ufffd", text)


def clean_paste(text: str) -> str:
    """A paste as it may enter the prompt: line ends as LF, every other control character visible."""
    return for_display(clean_prompt(text.replace("\r\n", "\n").replace("\r", "\n")))


class PromptInput(TextArea):
    """A TextArea whose send key submits the prompt."""

    BINDINGS = [
        Binding("enter", "submit", "Send", show=False, id="send"),
        Binding("ctrl+j", "newline", "Newline", show=False, id="newline"),
        Binding("alt+enter,shift+enter", "newline", "Newline", show=False, id="newline_alt"),
    ]

    class Submitted(Message):
        """The user pressed the send key with a non-empty prompt."""

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
        self.send_keys = SEND_KEYS
        self.newline_keys = NEWLINE_KEYS
        self.recall: PromptRecall | None = None  # set by the screen: Up / Down walk earlier prompts
        self._recalled: str | None = None  # the text the walk put here (as shown)
        self.on_large_paste: Callable[[str], None] | None = None  # set by the screen: takes long pastes
        self.has_attachments: Callable[[], bool] = lambda: False  # then an empty prompt can be sent

    def set_keys(self, send: Iterable[str], newline: Iterable[str]) -> None:
        """The keys that send and that insert a newline (as remapped by ``[keys]``)."""
        self.send_keys = frozenset(send)
        self.newline_keys = frozenset(newline) - self.send_keys

    def on_key(self, event: events.Key) -> None:
        if self.read_only:
            return
        if event.key in ("up", "down") and self._walk_recall(back=event.key == "up"):
            event.stop()
            event.prevent_default()
            return
        if event.key in self.send_keys:
            action = self.action_submit
        elif event.key in self.newline_keys:
            action = self.action_newline
        else:
            return
        event.stop()
        event.prevent_default()  # the editor's own Enter (a newline) does not run
        action()

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()  # inserted here, once
        if self.read_only:
            return
        size = len(event.text) + len(self.text)
        if size > MAX_PROMPT_CHARS:
            self.notify(
                f"Paste refused: the prompt would be over {MAX_PROMPT_CHARS // 1000} k characters "
                f"(about 100k tokens, more than fits the model's context).",
                severity="warning",
                timeout=8,
            )
            return
        if self.on_large_paste is not None:
            text = clean_prompt(event.text.replace("\r\n", "\n").replace("\r", "\n"))
            if text.count("\n") + (not text.endswith("\n")) > LARGE_PASTE_LINES:
                self.on_large_paste(text)
                return
        result = self.replace(clean_paste(event.text), *self.selection, maintain_selection_offset=False)
        self.move_cursor(result.end_location)

    def _walk_recall(self, *, back: bool) -> bool:
        """Up on the first line (the prompt empty, or as recalled) goes back through earlier
        prompts; Down on the last line of a recalled prompt goes forward, then to the draft."""
        recall = self.recall
        if recall is None:
            return False
        as_recalled = recall.walking and self.text == self._recalled
        if recall.walking and not as_recalled:
            recall.reset()  # edited since: the next walk starts afresh
        row = self.cursor_location[0]
        if back:
            if row != 0 or not (as_recalled or self.text == ""):
                return False
            text = recall.back(self.text)
            if text is None:
                return as_recalled  # at the oldest: stay
        else:
            if not as_recalled or row != self.document.line_count - 1:
                return False
            text = recall.forward()
            if text is None:
                return False
        shown = clean_paste(text)
        self.set_text(shown)
        self._recalled = shown if recall.walking else None
        return True

    def set_text(self, text: str) -> None:
        """Replace the whole prompt with ``text`` (one undo step); the cursor goes to its end."""
        result = self.replace(text, (0, 0), self.document.end, maintain_selection_offset=False)
        self.move_cursor(result.end_location)

    def action_submit(self) -> None:
        text = clean_prompt(self.text)
        if (text.strip() or self.has_attachments()) and not self.read_only and not self.disabled:
            self.post_message(self.Submitted(self, text))

    def action_newline(self) -> None:
        if not self.read_only:
            self.replace("\n", *self.selection, maintain_selection_offset=False)
