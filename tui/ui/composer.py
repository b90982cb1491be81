"""The composer's actions beyond typing: compose in $EDITOR, recall earlier prompts, attachments.

The main screen hands each key here (one line per action); prompts come from and go to the
conversation engine, never straight from the store.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from textual.screen import Screen

from tui.chat.attachments import AttachmentError, check_size, read_attachment
from tui.chat.recall import PromptRecall
from tui.sanitize import one_line
from tui.store.models import Attachment
from tui.ui.context import AppContext
from tui.ui.editor import EditorError, edit_text
from tui.ui.panes import Panes
from tui.ui.screens.attach import AttachScreen
from tui.ui.screens.recall_search import RecallSearchScreen
from tui.ui.widgets.chip import PASTED_NAME, attachment_label, line_count
from tui.ui.widgets.prompt import clean_paste


class Composer:
    """What the prompt can do besides typing and sending."""

    def __init__(self, context: AppContext, panes: Panes, host: Screen[None], usable: Callable[[], bool]) -> None:
        self.context = context
        self.panes = panes
        self.host = host
        self.usable = usable  # can a prompt be composed now (not offline, not read-only)?
        self.recall = PromptRecall(lambda limit, offset: context.chat_session().recent_prompts(limit, offset))
        prompt, chips = panes.prompt, panes.chips
        prompt.recall = self.recall
        prompt.on_large_paste = self.paste_as_attachment
        prompt.has_attachments = lambda: bool(chips.chips())
        chips.on_expand = self.expand
        chips.on_empty = lambda: host.set_focus(prompt)

    async def sent(self) -> None:
        """The prompt was sent with its attachments: they go, the next recall starts afresh."""
        self.recall.reset()
        await self.panes.chips.clear()

    # -- attachments -------------------------------------------------------------------------

    def _checked(self, attachment: Attachment) -> Attachment:
        """``attachment`` if it fits with the prompt and the other attachments (one limit for all)."""
        check_size(self.panes.prompt.text, (*self.panes.chips.attachments, attachment))
        return attachment

    def attach(self) -> None:
        """The attach dialog; the file it reads becomes a chip above the prompt."""
        if not self.usable():
            self._warn("Composing is disabled here (no endpoint, or a read-only history).")
            return

        async def attached(attachment: Attachment | None) -> None:
            if attachment is not None:
                await self.panes.chips.add(attachment)
                self.host.notify(one_line(f"Attached {attachment_label(attachment)}. Shift+Tab reaches it; "
                                          f"Delete removes it.", 200), timeout=4, markup=False)
            self.host.set_focus(self.panes.prompt)

        screen = AttachScreen(lambda path: self._checked(read_attachment(path)), cwd=os.getcwd())
        self.host.app.push_screen(screen, attached)

    def paste_as_attachment(self, text: str) -> None:
        """A long paste becomes a chip ("pasted text, 312 lines") instead of flooding the prompt."""
        try:
            attachment = self._checked(Attachment(PASTED_NAME, text))
        except AttachmentError as exc:
            self._warn(f"Paste refused: {exc}")
            return
        self.host.run_worker(self.panes.chips.add(attachment, pasted=True), group="chips")
        self.host.notify(f"The paste ({line_count(text)} lines) is attached, not typed. Shift+Tab reaches it; "
                         f"Enter on it puts it into the prompt.", timeout=5, markup=False)

    def expand(self, text: str) -> None:
        """A chip's text goes back into the prompt, at the cursor."""
        prompt = self.panes.prompt
        result = prompt.replace(clean_paste(text), *prompt.selection, maintain_selection_offset=False)
        prompt.move_cursor(result.end_location)
        self.host.set_focus(prompt)

    def recall_search(self) -> None:
        """The reverse search overlay; the chosen prompt replaces what is in the composer."""
        if not self.usable():
            self._warn("Composing is disabled here (no endpoint, or a read-only history).")
            return
        session = self.context.chat_session()
        prompt = self.panes.prompt

        def take(text: str | None) -> None:
            if text is not None:
                self.recall.reset()
                prompt.set_text(clean_paste(text))
            self.host.set_focus(prompt)

        screen = RecallSearchScreen(lambda limit: session.recent_prompts(limit), session.matching_prompts)
        self.host.app.push_screen(screen, take)

    def _warn(self, message: str, severity: str = "warning") -> None:
        self.host.notify(one_line(message, 300), severity=severity, markup=False)  # type: ignore[arg-type]

    def edit_in_editor(self) -> None:
        """Suspend the app, edit the prompt in the user's editor, and take back what was saved."""
        prompt = self.panes.prompt
        if not self.usable():
            self._warn("Composing is disabled here (no endpoint, or a read-only history).")
            return
        try:
            text = edit_text(prompt.text, self.host.app.suspend)
        except EditorError as exc:
            self._warn(f"Editor: {exc}", severity="error")
            return
        finally:
            self.host.set_focus(prompt)
        prompt.set_text(clean_paste(text))
