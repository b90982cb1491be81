"""The conversation list (left): newest first, titles only; never loads messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.sanitize import one_line


class ConversationList(OptionList):
    """Rows of ``ConversationSummary``; Enter opens, d / Delete asks to delete."""

    BINDINGS = [
        Binding("d,delete", "delete", "Delete"),
    ]

    class DeleteRequested(Message):
        """The user asked to delete the highlighted conversation."""

        def __init__(self, conv_id: str, title: str) -> None:
            super().__init__()
            self.conv_id = conv_id
            self.title = title

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._titles: dict[str, str] = {}

    def set_conversations(self, rows: Sequence[Any], *, current: str | None = None) -> None:
        """Replace the rows (``ConversationSummary`` objects), keeping ``current`` highlighted."""
        highlighted = self.highlighted_id
        self.clear_options()
        self._titles = {}
        options = []
        for row in rows:
            title = one_line(row.title or "untitled", 60)
            self._titles[row.id] = title
            label = Text(title)
            label.append(f"  {row.message_count}", style="dim")
            options.append(Option(label, id=row.id))
        self.add_options(options)
        target = current or highlighted
        if target is not None and target in self._titles:
            self.highlighted = self.get_option_index(target)
        elif options:
            self.highlighted = 0

    @property
    def highlighted_id(self) -> str | None:
        if self.highlighted is None or self.option_count == 0:
            return None
        return self.get_option_at_index(self.highlighted).id

    def action_delete(self) -> None:
        conv_id = self.highlighted_id
        if conv_id is not None:
            self.post_message(self.DeleteRequested(conv_id, self._titles.get(conv_id, "")))
