"""The conversation list (left): newest first, titles only; never loads messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.sanitize import one_line

EAGER_ROWS = 100  # rows drawn before the first paint; the rest of the page right after


class ConversationList(OptionList):
    """Rows of ``ConversationSummary``; Enter opens, d / Delete asks to delete, r renames, a archives.

    Rows come a page at a time: a last "Load more…" row asks for the next page when it is
    highlighted, selected or scrolled to.
    """

    BINDINGS = [
        Binding("d,delete", "delete", "Delete", id="delete_conversation"),
        Binding("r", "rename", "Rename", id="rename_conversation"),
        Binding("a", "archive", "Archive / unarchive", id="archive_conversation"),
        Binding("A", "toggle_archived", "Show archived / active", id="toggle_archived"),
    ]

    MORE_ID = "__load_more__"  # the last row when more conversations can be loaded
    HEADER_ID = "__header__"

    class RenameRequested(Message):
        """Rename the highlighted conversation."""

        def __init__(self, conv_id: str, title: str) -> None:
            super().__init__()
            self.conv_id = conv_id
            self.title = title

    class ArchiveRequested(Message):
        """Archive (``archive`` True) or unarchive the highlighted conversation."""

        def __init__(self, conv_id: str, title: str, archive: bool) -> None:
            super().__init__()
            self.conv_id = conv_id
            self.title = title
            self.archive = archive

    class ViewToggled(Message):
        """Switch between the active and the archived conversations."""

    class MoreRequested(Message):
        """Load the next page after ``offset`` rows."""

        def __init__(self, offset: int) -> None:
            super().__init__()
            self.offset = offset

    class DeleteRequested(Message):
        """The user asked to delete the highlighted conversation."""

        def __init__(self, conv_id: str, title: str) -> None:
            super().__init__()
            self.conv_id = conv_id
            self.title = title

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._titles: dict[str, str] = {}
        self._raw_titles: dict[str, str] = {}
        self.archived_view = False  # listing archived conversations
        self.loaded = 0  # conversation rows shown
        self.has_more = False
        self._more_asked = False
        self._epoch = 0  # bumped by each full redraw; drops a deferred append of an older one

    def set_conversations(self, rows: Sequence[Any], *, current: str | None = None, more: bool = False) -> None:
        """Replace the rows (``ConversationSummary`` objects), keeping ``current`` highlighted."""
        highlighted = self.highlighted_id
        self.clear_options()
        self._titles = {}
        self._raw_titles = {}
        self.loaded = 0
        if self.archived_view:
            header = "Archived (A: back)" if rows else "No archived conversations (A: back)"
            self.add_option(Option(Text(header, style="bold italic"), id=self.HEADER_ID, disabled=True))
        target = current or highlighted
        self._epoch += 1
        eager = len(rows)
        if eager > EAGER_ROWS and target not in {r.id for r in rows[EAGER_ROWS:]}:
            eager = EAGER_ROWS  # the rest after the first paint (wrapping 500 rows costs ~40 ms)
            self.call_after_refresh(self._add_deferred, self._epoch, rows[eager:], more)
        self._add_rows(rows[:eager], more and eager == len(rows))
        if target is not None and target in self._titles:
            self.highlighted = self.get_option_index(target)
        elif rows:
            self.highlighted = self.get_option_index(rows[0].id)

    def _add_deferred(self, epoch: int, rows: Sequence[Any], more: bool) -> None:
        if epoch == self._epoch:  # not replaced meanwhile
            self._add_rows(rows, more)

    def append_conversations(self, rows: Sequence[Any], *, more: bool) -> None:
        """Add a loaded page at the end (replacing the "load more" row)."""
        if self.has_more and self.option_count:
            self.remove_option(self.MORE_ID)
        self._add_rows([r for r in rows if r.id not in self._titles], more)

    def _add_rows(self, rows: Sequence[Any], more: bool) -> None:
        options = []
        for row in rows:
            title = one_line(row.title or "untitled", 60)
            self._titles[row.id] = title
            self._raw_titles[row.id] = row.title or ""
            label = Text(title)
            label.append(f"  {row.message_count}", style="dim")
            options.append(Option(label, id=row.id))
        self.loaded += len(options)
        self.has_more = more
        self._more_asked = False
        if more:
            options.append(Option(Text(f"Load more… (showing {self.loaded})", style="italic"), id=self.MORE_ID))
        self.add_options(options)

    def update_row(self, row: Any) -> bool:
        """Redraw one listed conversation's row in place (its count changed).

        Repaints that row only (a full redraw sends the whole list again); ``False`` when
        it cannot (not listed, or the title changed): the caller redraws everything.
        """
        title = one_line(row.title or "untitled", 60)
        if self._titles.get(row.id) != title:
            return False
        try:
            index = self.get_option_index(row.id)
        except Exception:  # OptionDoesNotExist: the list changed meanwhile
            return False
        self._raw_titles[row.id] = row.title or ""
        label = Text(title)
        label.append(f"  {row.message_count}", style="dim")
        height = self._heights.get(index)
        self.get_option_at_index(index)._set_prompt(label)
        self._option_render_cache.clear()
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        width -= self.get_component_styles("option-list--option").padding.width
        if width < 1 or height is None:  # hidden (narrow terminal) or not laid out yet
            self._clear_caches()
            return True
        if self._get_visual(self.get_option_at_index(index)).get_height(self.styles, width) != height:
            self._clear_caches()  # the row wraps differently: lines move, redraw all
            return True
        top = self._index_to_line[index] - int(self.scroll_offset.y)
        self.refresh(Region(0, top, self.size.width, height or 1))
        return True

    def request_more(self) -> None:
        """Ask (once per page) for the next page."""
        if self.has_more and not self._more_asked:
            self._more_asked = True
            self.post_message(self.MoreRequested(self.loaded))

    @on(OptionList.OptionSelected)
    def _more_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == self.MORE_ID:
            event.stop()
            self.request_more()

    @on(OptionList.OptionHighlighted)
    def _more_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id == self.MORE_ID:
            self.request_more()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self.has_more and new > 0 and new >= self.max_scroll_y:
            self.request_more()

    @property
    def highlighted_id(self) -> str | None:
        """The highlighted conversation's id (None on the header / "load more" rows)."""
        if self.highlighted is None or self.option_count == 0:
            return None
        ident = self.get_option_at_index(self.highlighted).id
        return None if ident in (self.MORE_ID, self.HEADER_ID) else ident

    def title_of(self, conv_id: str) -> str:
        """The stored (unsanitised) title of a listed conversation."""
        return self._raw_titles.get(conv_id, "")

    def action_rename(self) -> None:
        conv_id = self.highlighted_id
        if conv_id is not None:
            self.post_message(self.RenameRequested(conv_id, self._raw_titles.get(conv_id, "")))

    def action_archive(self) -> None:
        conv_id = self.highlighted_id
        if conv_id is not None:
            title = self._titles.get(conv_id, "")
            self.post_message(self.ArchiveRequested(conv_id, title, not self.archived_view))

    def action_toggle_archived(self) -> None:
        self.post_message(self.ViewToggled())

    def action_delete(self) -> None:
        conv_id = self.highlighted_id
        if conv_id is not None:
            self.post_message(self.DeleteRequested(conv_id, self._titles.get(conv_id, "")))
