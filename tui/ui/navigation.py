"""Keyboard navigation of R1App: j/k everywhere, Tab between areas, jumping between prompts.

Tab / Shift+Tab on the main screen cycle the visible areas (conversation list, answer
pane, reasoning pane, prompt) instead of every focusable widget; in dialogs they keep
Textual's usual focus order. PageUp/PageDown/Home/End come from the panes themselves.
"""

from __future__ import annotations

from typing import Any

from textual.widget import Widget

from tui.ui.widgets.transcript import AnswerBlock, PromptBlock


class NavigationMixin:
    """Actions mixed into R1App (which provides transcript, prompt, conversations)."""

    _prompt_index: int | None = None

    # -- j / k -------------------------------------------------------------------------

    def _nav(self, delta: int) -> None:
        app: Any = self
        focused = app.focused
        if focused is None:
            return
        if isinstance(focused, AnswerBlock):
            app.transcript.move(delta)
        elif hasattr(focused, "action_cursor_down") and hasattr(focused, "action_cursor_up"):
            (focused.action_cursor_down if delta > 0 else focused.action_cursor_up)()
        elif hasattr(focused, "scroll_down"):
            (focused.scroll_down if delta > 0 else focused.scroll_up)(animate=False)

    def action_cursor_down(self) -> None:
        """j: next item of a list, next answer, or scroll a pane down."""
        self._nav(1)

    def action_cursor_up(self) -> None:
        """k: previous item of a list, previous answer, or scroll a pane up."""
        self._nav(-1)

    # -- prompts -------------------------------------------------------------------------

    def _jump_prompt(self, delta: int) -> None:
        app: Any = self
        prompts = list(app.transcript.query(PromptBlock))
        if not prompts:
            app.notify("No prompts in this conversation yet.", severity="warning", timeout=2)
            return
        current = next((i for i, p in enumerate(prompts) if p.has_class("-prompt-current")), None)
        if current is None:
            index = len(prompts) - 1 if delta < 0 else 0
        else:
            index = max(0, min(len(prompts) - 1, current + delta))
        for p in prompts:
            p.remove_class("-prompt-current")
        target = prompts[index]
        target.add_class("-prompt-current")
        self._prompt_index = index
        app.transcript.follow(False)
        app.transcript.scroll_to_widget(target, animate=False, top=True)
        answer = _answer_after(target, app.transcript)
        if answer is not None and not app.prompt.has_focus:
            answer.focus(scroll_visible=False)

    def action_prev_prompt(self) -> None:
        """Scroll the answer pane to the previous prompt of the conversation."""
        self._jump_prompt(-1)

    def action_next_prompt(self) -> None:
        """Scroll the answer pane to the next prompt of the conversation."""
        self._jump_prompt(1)

    # -- Tab between areas -----------------------------------------------------------

    def _areas(self) -> list[Widget]:
        app: Any = self
        areas: list[Widget] = []
        if app.conversations.display and not app.has_class("-hide-list"):
            areas.append(app.conversations)
        areas.append(app.transcript)
        if not app.has_class("-hide-reasoning"):
            from tui.ui.widgets.reasoning import ReasoningLog

            areas.append(app.query_one(ReasoningLog))
        if not app.offline and not app.prompt.disabled:
            areas.append(app.prompt)
        return areas

    def _cycle_area(self, delta: int) -> bool:
        app: Any = self
        if len(app.screen_stack) > 1 or not hasattr(app, "transcript"):
            return False
        areas = self._areas()
        focused = app.focused
        current = next((i for i, a in enumerate(areas) if focused is not None and (focused is a or a in focused.ancestors)), None)
        index = 0 if current is None else (current + delta) % len(areas)
        target = areas[index]
        if target is app.transcript:
            source = getattr(app.reasoning_pane, "source", None)
            answers = app.transcript.answers()
            if isinstance(source, AnswerBlock) and source in answers:
                target = source
            elif answers:
                target = answers[-1]
        target.focus()
        return True

    def action_focus_next(self) -> None:
        if not self._cycle_area(1):
            super().action_focus_next()  # type: ignore[misc]

    def action_focus_previous(self) -> None:
        if not self._cycle_area(-1):
            super().action_focus_previous()  # type: ignore[misc]


def _answer_after(prompt: PromptBlock, transcript: Widget) -> AnswerBlock | None:
    """The first displayed answer following ``prompt`` (answers may sit in containers; hidden alternatives are skipped)."""
    blocks = list(transcript.query("PromptBlock, AnswerBlock"))
    for widget in blocks[blocks.index(prompt) + 1 :] if prompt in blocks else []:
        if isinstance(widget, PromptBlock):
            return None
        if isinstance(widget, AnswerBlock) and widget.display:
            return widget
    return None
