"""How the panes show a trace (issue 14): zoom one pane to the whole screen, math or raw LaTeX.

Zoom (key id ``zoom_pane``): the focused pane — the reasoning pane when the trace has the
focus, else the answer pane — takes the screen; the list, the other pane, the title, the
attachments and the prompt are hidden by one class on the screen (``-zoom-answer`` /
``-zoom-reasoning``, styles/app.tcss), so taking it off gives the layout back exactly as it
was (the list and reasoning hidden/shown state is never touched). The same key, or Esc
(it moves the focus out of the pane), ends the zoom.

Math (key id ``toggle_raw``): answers and traces show their LaTeX as Unicode by default
(tui/trace/mathtext.py, applied to completed blocks only); the key switches both panes to
the raw text and back. Display only: copies, stored text and exports are the raw text.
The status bar says when the view is not the usual one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen
from textual.widget import Widget

from tui.ui.keymap import Keymap
from tui.ui.navigation import focus_now
from tui.ui.panes import Panes
from tui.ui.widgets.answer_block import AnswerBlock

ZOOM_CLASSES = {"answer": "-zoom-answer", "reasoning": "-zoom-reasoning"}


class TraceDisplay:
    """Zoom and math/raw for the main screen; registers ``zoom_pane`` and ``toggle_raw``."""

    def __init__(self, screen: Screen[Any], panes: Panes, keymap: Keymap) -> None:
        self.screen = screen
        self.panes = panes
        self.keymap = keymap
        self.zoomed: str | None = None  # "answer" / "reasoning" while a pane is zoomed
        self._focus_before: Widget | None = None
        self._watching = False

    def handlers(self) -> dict[str, Callable[[], None]]:
        return {"zoom_pane": self.toggle_zoom, "toggle_raw": self.toggle_raw}

    # -- zoom ------------------------------------------------------------------------------

    def pane_of(self, focused: Widget | None) -> str:
        """The pane a zoom takes: the reasoning pane if ``focused`` is in it, else the answer pane."""
        reasoning = self.panes.reasoning
        inside = focused is not None and (focused is reasoning or reasoning in focused.ancestors)
        return "reasoning" if inside and not self.screen.has_class("-hide-reasoning") else "answer"

    def toggle_zoom(self) -> None:
        """Zoom the focused pane, or give the layout back."""
        if self.zoomed is not None:
            self.unzoom(restore_focus=True)
        else:
            self.zoom(self.pane_of(self.screen.focused))

    def zoom(self, pane: str) -> None:
        """``pane`` ("answer" / "reasoning") takes the screen; the focus goes into it."""
        screen, panes = self.screen, self.panes
        if not self._watching:  # focus leaving the zoomed pane (Esc, Tab, a click) ends the zoom
            screen.watch(screen, "focused", self._focus_moved, init=False)
            self._watching = True
        self._focus_before = screen.focused
        self.zoomed = pane
        screen.add_class(ZOOM_CLASSES[pane])
        target: Widget
        if pane == "reasoning":
            target = panes.reasoning.trace
        else:
            target = self._answer_to_focus() or panes.answers
        focus_now(target, scroll_visible=False)
        screen.call_after_refresh(self._place_answers, target)
        self._show_view()

    def _place_answers(self, focused: Widget | None) -> None:
        """The answer pane at its new size: a followed end stays followed while it overflows; content
        that now fits reads from the top (anchored, Textual would draw it bottom-aligned); else the
        focused answer at the top."""
        answers = self.panes.answers
        if answers.is_anchored:
            answers.check_follow()  # lets go of the anchor (and reads from the top) if it now fits
        elif isinstance(focused, AnswerBlock) and focused.is_attached:
            answers.scroll_to_widget(focused, animate=False, top=True)

    def unzoom(self, *, restore_focus: bool) -> None:
        """The layout as it was before the zoom; ``restore_focus``: the focus too."""
        pane, self.zoomed = self.zoomed, None
        if pane is None:
            return
        screen = self.screen
        screen.remove_class(ZOOM_CLASSES[pane])
        before, self._focus_before = self._focus_before, None
        focused = screen.focused
        if restore_focus:
            keep = before if before is not None and before.is_attached and before.focusable else None
            prompt = self.panes.prompt
            focus_now(keep or (self.panes.answers if prompt.disabled else prompt), scroll_visible=False)
        if isinstance(focused, AnswerBlock):  # the answer read while zoomed stays in view
            screen.call_after_refresh(self._place_answers, focused)
        self._show_view()

    def _answer_to_focus(self) -> AnswerBlock | None:
        """The focused answer, else the one whose reasoning is shown, else the last one."""
        answers = self.panes.answers
        focused = answers.focused_answer()
        if focused is not None:
            return focused
        source = self.panes.reasoning.source
        shown = answers.answers()
        if source is not None and source in shown:
            return source
        return shown[-1] if shown else None

    def _focus_moved(self, focused: Widget | None) -> None:
        if self.zoomed is None or focused is None:
            return
        pane = self.panes.reasoning if self.zoomed == "reasoning" else self.panes.answers
        if focused is not pane and pane not in focused.ancestors:
            self.unzoom(restore_focus=False)

    # -- math / raw --------------------------------------------------------------------------

    @property
    def raw(self) -> bool:
        """The panes show raw LaTeX (else math as Unicode)."""
        return self.panes.answers.raw_math

    def toggle_raw(self) -> None:
        """Switch answers and reasoning between math as Unicode and the raw text."""
        raw = not self.raw
        panes = self.panes
        panes.answers.show_raw(raw)
        panes.reasoning.show_raw(raw)
        self._show_view()
        self.screen.notify("Raw text (LaTeX as written)." if raw else "Math shown as Unicode.", timeout=2)

    def _show_view(self) -> None:
        """The status bar names the view when it is not the usual one."""
        parts = []
        if self.zoomed is not None:
            parts.append(f"zoom ({self.keymap.describe('zoom_pane')} back)")
        if self.raw:
            parts.append("raw LaTeX")
        status = self.panes.status
        status.model.view = " · ".join(parts)
        status.render_now()
