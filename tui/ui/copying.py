"""Copy to the user's clipboard over OSC 52 (works over SSH and in tmux/screen with passthrough).

What is copied is the RAW stored text (the answer as the model wrote it, not the
sanitised display), except that every C0/C1 control character other than newline and
tab is removed (CR LF becomes LF): a model must not smuggle escape sequences into a
paste. Code blocks are found by the same block splitter the answer pane renders with, so
"code block 2" is the second one on screen.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.formats.md_code import code_blocks
from tui.sanitize import strip_controls as clipboard_text
from tui.ui.keymap import Keymap
from tui.ui.panes import Panes
from tui.ui.widgets.answer_block import AnswerBlock

Notify = Callable[..., None]

__all__ = ["Clipboard", "clipboard_text", "code_blocks"]


class Clipboard:
    """Copy answer / reasoning / code block of the selected answer; cycle the code blocks."""

    def __init__(self, panes: Panes, keymap: Keymap, notify: Notify, copy: Callable[[str], None]) -> None:
        self.panes = panes
        self.keymap = keymap
        self.notify = notify
        self.copy = copy
        self.code_index: int | None = None
        self._code_owner: AnswerBlock | None = None

    def copy_selection(self, selected: str | None) -> bool:
        """Copy the prompt's selection (it has the focus), else ``selected`` (the screen's); False: none."""
        prompt = self.panes.prompt
        if prompt.has_focus and prompt.selected_text:
            prompt.action_copy()
            return True
        if selected:
            self.copy(selected)
            self.notify("Copied the selection.", timeout=2)
            return True
        return False

    def selected_answer(self) -> AnswerBlock | None:
        """The focused answer, else the one whose reasoning is shown, else the last."""
        answers = self.panes.answers
        focused = answers.focused_answer()
        if focused is not None:
            return focused
        source = self.panes.reasoning.source
        if source is not None and source.is_attached:
            return source
        shown = answers.answers()
        return shown[-1] if shown else None

    def copy_text(self, text: str, what: str) -> None:
        """Send ``text`` (cleaned) to the clipboard and say so."""
        clean = clipboard_text(text)
        if not clean.strip():
            self.notify(f"There is no {what} to copy.", severity="warning")
            return
        self.copy(clean)
        lines = clean.count("\n") + 1
        self.notify(f"Copied the {what} ({len(clean)} characters, {lines} lines) via OSC 52.", timeout=3)

    def copy_answer(self) -> None:
        block = self.selected_answer()
        self.copy_text(block.answer if block else "", "answer")

    def copy_reasoning(self) -> None:
        block = self.selected_answer()
        self.copy_text(block.reasoning if block else "", "reasoning")

    def next_code_block(self) -> None:
        """Highlight the next code block of the selected answer (wraps around)."""
        block = self.selected_answer()
        blocks = block.code_blocks() if block else []
        if block is None or not blocks:
            self.notify("The selected answer has no code block.", severity="warning")
            return
        if block is not self._code_owner or self.code_index is None:
            self.code_index = 0
        else:
            self.code_index = (self.code_index + 1) % len(blocks)
        self._code_owner = block
        self._highlight_code(block, self.code_index)
        keys = self.keymap.describe("copy_code_block")
        self.notify(f"Code block {self.code_index + 1} of {len(blocks)} — {keys} copies it.", timeout=3)

    def copy_code_block(self) -> None:
        """Copy the highlighted code block (the first one when none is highlighted)."""
        block = self.selected_answer()
        blocks = block.code_blocks() if block else []
        if block is None or not blocks:
            self.notify("The selected answer has no code block.", severity="warning")
            return
        index = self.code_index if block is self._code_owner and self.code_index is not None else 0
        index = min(index, len(blocks) - 1)
        self.copy_text(blocks[index], f"code block {index + 1} of {len(blocks)}")

    def _highlight_code(self, block: AnswerBlock, index: int) -> None:
        answers = self.panes.answers
        for other in answers.all_answers():
            if other is not block:
                other.show_code_block(None)
        rows = block.show_code_block(index)
        if rows is not None:
            answers.follow(False)
            answers.scroll_to_rows(*rows)
