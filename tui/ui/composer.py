"""The composer's actions beyond typing: compose in $EDITOR, recall earlier prompts, attachments.

The main screen hands each key here (one line per action); prompts come from and go to the
conversation engine, never straight from the store.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen

from tui.sanitize import one_line
from tui.ui.editor import EditorError, edit_text
from tui.ui.panes import Panes
from tui.ui.widgets.prompt import clean_paste


class Composer:
    """What the prompt can do besides typing and sending."""

    def __init__(self, panes: Panes, host: Screen[None], usable: Callable[[], bool]) -> None:
        self.panes = panes
        self.host = host
        self.usable = usable  # can a prompt be composed now (not offline, not read-only)?

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
