"""Keyboard navigation of the main screen: Tab between areas, j/k, jumping between prompts.

Tab / Shift+Tab cycle the visible areas (conversation list, answer pane, reasoning pane,
prompt) instead of every focusable widget. PageUp/PageDown/Home/End come from the panes.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widget import Widget
from textual.widgets import OptionList

from tui.ui.panes import Panes
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.answer_block import AnswerBlock
from tui.ui.widgets.prompt_block import PromptBlock


class Navigator:
    """Moves the focus and the answer pane's view; knows which areas are shown."""

    def __init__(self, panes: Panes, shown: Callable[[str], bool], notify: Callable[..., None]) -> None:
        self.panes = panes
        self.shown = shown  # "list" / "reasoning" / "prompt" -> is that area usable now?
        self.notify = notify

    def default_focus(self) -> Widget:
        """Where focus goes back to: the prompt, or the list when nothing can be sent."""
        panes = self.panes
        if self.shown("prompt"):
            return panes.prompt
        return panes.listing if self.shown("list") else panes.answers

    def kept_visible(self, focused: Widget | None) -> Widget:
        """After a pane was hidden: ``focused``, unless it was in that pane (then the prompt or the next useful area)."""
        panes = self.panes
        hidden = (focused is panes.listing and not self.shown("list")) or (
            focused is panes.reasoning.trace and not self.shown("reasoning"))
        return self.default_focus() if focused is None or hidden else focused

    def areas(self) -> list[Widget]:
        panes = self.panes
        areas: list[Widget] = []
        if self.shown("list"):
            areas.append(panes.listing)
        areas.append(panes.answers)
        if self.shown("reasoning"):
            areas.append(panes.reasoning.trace)
        if self.shown("prompt"):
            if panes.chips.chips():
                areas.append(panes.chips)  # the attachments of the next prompt
            areas.append(panes.prompt)
        return areas

    def cycle(self, focused: Widget | None, delta: int) -> None:
        """Focus the next (``delta`` 1) or previous (-1) area; the answer pane focuses an answer."""
        areas = self.areas()
        current = next((i for i, a in enumerate(areas)
                        if focused is not None and (focused is a or a in focused.ancestors)), None)
        target = areas[0 if current is None else (current + delta) % len(areas)]
        answers = self.panes.answers
        if target is self.panes.chips:
            target = self.panes.chips.chips()[-1]
        if target is answers:
            source = self.panes.reasoning.source
            shown = answers.answers()
            if source is not None and source in shown:
                target = source
            elif shown:
                target = shown[-1]
        focus_now(target)

    def target_group(self, focused: Widget | None) -> AnswerGroup | None:
        """The answers of the focused answer's prompt, else of the last prompt."""
        return target_group(self.panes, focused)

    def step(self, focused: Widget | None, delta: int) -> None:
        """j / k: next item of a list, next answer, or scroll a pane."""
        if isinstance(focused, AnswerBlock):
            self.panes.answers.move(delta)
        elif isinstance(focused, OptionList):
            focused.action_cursor_down() if delta > 0 else focused.action_cursor_up()
        elif focused is not None and focused.allow_vertical_scroll:
            focused.scroll_down(animate=False) if delta > 0 else focused.scroll_up(animate=False)

    def jump_prompt(self, delta: int) -> None:
        """Scroll the answer pane to the previous / next prompt (and focus its answer, unless typing)."""
        answers = self.panes.answers
        prompts = answers.prompts()
        if not prompts:
            self.notify("No prompts in this conversation yet.", severity="warning", timeout=2)
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
        answers.follow(False)
        answers.scroll_to_widget(target, animate=False, top=True)
        answer = answer_after(target, answers)
        if answer is not None and not self.panes.prompt.has_focus:
            focus_now(answer, scroll_visible=False)


def target_group(panes: Panes, focused: Widget | None) -> AnswerGroup | None:
    """The answers of the focused answer's prompt, else of the last prompt."""
    if focused is not None:
        for node in (focused, *focused.ancestors):
            if isinstance(node, AnswerGroup):
                return node
    groups = [g for g in panes.answers.query(AnswerGroup) if g.prompt_id is not None]
    return groups[-1] if groups else None


def focus_now(widget: Widget, *, scroll_visible: bool = True) -> None:
    """Focus ``widget`` at once (``Widget.focus`` waits a turn: keys typed meanwhile would go to the old one)."""
    if widget.is_attached:
        widget.screen.set_focus(widget, scroll_visible=scroll_visible)


def answer_after(prompt: PromptBlock, pane: Widget) -> AnswerBlock | None:
    """The first displayed answer following ``prompt`` (hidden alternatives are skipped)."""
    blocks = list(pane.query("PromptBlock, AnswerBlock"))
    for widget in blocks[blocks.index(prompt) + 1 :] if prompt in blocks else []:
        if isinstance(widget, PromptBlock):
            return None
        if isinstance(widget, AnswerBlock) and widget.display:
            return widget
    return None
