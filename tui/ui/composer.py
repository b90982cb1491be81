"""The composer's actions beyond typing: compose in $EDITOR, recall earlier prompts, attachments.

The main screen hands each key here (one line per action); prompts come from and go to the
conversation engine, never straight from the store.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen

from tui.chat.recall import PromptRecall
from tui.sanitize import one_line
from tui.ui.context import AppContext
from tui.ui.editor import EditorError, edit_text
from tui.ui.panes import Panes
from tui.ui.screens.recall_search import RecallSearchScreen
from tui.ui.widgets.prompt import clean_paste


class Composer:
    """What the prompt can do besides typing and sending."""

    def __init__(self, context: AppContext, panes: Panes, host: Screen[None], usable: Callable[[], bool]) -> None:
        self.context = context
        self.panes = panes
        self.host = host
        self.usable = usable  # can a prompt be composed now (not offline, not read-only)?
        self.recall = PromptRecall(lambda limit, offset: context.chat_session().recent_prompts(limit, offset))
        panes.prompt.recall = self.recall

    def sent(self) -> None:
        """The prompt was sent: the next recall starts from the newest prompt again."""
        self.recall.reset()

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
