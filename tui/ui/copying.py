"""Copy to the user's clipboard over OSC 52 (works over SSH and in tmux/screen with passthrough).

What is copied is the RAW stored text (the answer as the model wrote it, not the
sanitised display), except that every C0/C1 control character other than newline and
tab is removed (CR LF becomes LF): a model must not smuggle escape sequences into a
paste. Code blocks are found by the same block splitter the answer pane renders with, so
"code block 2" is the second one on screen.
"""

from __future__ import annotations

from tui.formats.md_code import code_blocks
from tui.sanitize import strip_controls as clipboard_text
from tui.ui.widgets.transcript import AnswerBlock

__all__ = ["CopyMixin", "clipboard_text", "code_blocks"]


class CopyMixin:
    """Actions of R1App: copy answer / reasoning / code block; cycle the code blocks."""

    code_index: int | None = None
    _code_block_owner: AnswerBlock | None = None

    def selected_answer(self) -> AnswerBlock | None:
        """The focused answer, else the one whose reasoning is shown, else the last."""
        app = self  # type: ignore[assignment]
        focused = app.focused  # type: ignore[attr-defined]
        if isinstance(focused, AnswerBlock):
            return focused
        source = getattr(getattr(app, "reasoning_pane", None), "source", None)
        if isinstance(source, AnswerBlock) and source.is_attached:
            return source
        answers = app.transcript.answers()  # type: ignore[attr-defined]
        return answers[-1] if answers else None

    def copy_text(self, text: str, what: str) -> None:
        """Send ``text`` (cleaned) to the clipboard and say so."""
        clean = clipboard_text(text)
        if not clean.strip():
            self.notify(f"There is no {what} to copy.", severity="warning")  # type: ignore[attr-defined]
            return
        self.copy_to_clipboard(clean)  # type: ignore[attr-defined]
        lines = clean.count("\n") + 1
        self.notify(f"Copied the {what} ({len(clean)} characters, {lines} lines) via OSC 52.", timeout=3)  # type: ignore[attr-defined]

    def action_copy_answer(self) -> None:
        block = self.selected_answer()
        self.copy_text(block.answer if block else "", "answer")

    def action_copy_reasoning(self) -> None:
        block = self.selected_answer()
        self.copy_text(block.reasoning if block else "", "reasoning")

    def action_next_code_block(self) -> None:
        """Highlight the next code block of the selected answer (wraps around)."""
        block = self.selected_answer()
        blocks = block.code_blocks() if block else []
        if block is None or not blocks:
            self.notify("The selected answer has no code block.", severity="warning")  # type: ignore[attr-defined]
            return
        if block is not self._code_block_owner or self.code_index is None:
            self.code_index = 0
        else:
            self.code_index = (self.code_index + 1) % len(blocks)
        self._code_block_owner = block
        self._highlight_code(block, self.code_index)
        self.notify(f"Code block {self.code_index + 1} of {len(blocks)} — copy it with the copy-code key.", timeout=2)  # type: ignore[attr-defined]

    def action_copy_code_block(self) -> None:
        """Copy the highlighted code block (the first one when none is highlighted)."""
        block = self.selected_answer()
        blocks = block.code_blocks() if block else []
        if block is None or not blocks:
            self.notify("The selected answer has no code block.", severity="warning")  # type: ignore[attr-defined]
            return
        index = self.code_index if block is self._code_block_owner and self.code_index is not None else 0
        index = min(index, len(blocks) - 1)
        self.copy_text(blocks[index], f"code block {index + 1} of {len(blocks)}")

    def _highlight_code(self, block: AnswerBlock, index: int) -> None:
        for other in self.query(AnswerBlock):  # type: ignore[attr-defined]
            if other is not block:
                other.show_code_block(None)
        block.show_code_block(index)
