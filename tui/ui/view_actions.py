"""Showing and hiding panes, moving between answers, focus and help (R1App mixin)."""

from __future__ import annotations

from typing import Any

from tui.ui.screens.help import HELP_EXTRA, HelpScreen, app_help_rows
from tui.ui.widgets.reasoning import ReasoningLog


class ViewActionsMixin:
    """Mixed into R1App (before ``App``); relies on its transcript, prompt, conversations and offline."""

    def action_toggle_list(self) -> None:
        app: Any = self
        app.toggle_class("-hide-list")
        if not app.has_class("-hide-list"):
            app.conversations.focus()
        elif app.conversations.has_focus:
            self._focus_default()

    def action_toggle_reasoning(self) -> None:
        app: Any = self
        app.toggle_class("-hide-reasoning")
        if app.has_class("-hide-reasoning") and app.query_one(ReasoningLog).has_focus:
            self._focus_default()

    def action_prev_answer(self) -> None:
        app: Any = self
        app.transcript.move(-1)

    def action_next_answer(self) -> None:
        app: Any = self
        app.transcript.move(1)

    def action_focus_prompt(self) -> None:
        self._focus_default()

    def _focus_default(self) -> None:
        app: Any = self
        if app.offline:
            app.transcript.focus()
        else:
            app.prompt.focus()

    def action_help(self) -> None:
        """F1: every key, as remapped by the ``[keys]`` table."""
        app: Any = self
        app.push_screen(HelpScreen(app_help_rows(app.BINDINGS, app._keymap), HELP_EXTRA))
