"""The conversation list (left): newest first, titles only; never loads messages.

The row of the open conversation (:attr:`ConversationList.current`) is highlighted
whenever it changes and whenever the list gets focus, so a list key acts on the
conversation on screen. Rename, archive and delete are refused (and hidden from the
footer) while the history is read-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from tui.sanitize import one_line
from tui.store import ConversationSummary

EAGER_ROWS = 100  # rows drawn before the first paint; the rest of the page right after
EMPTY_HINT = "No conversations yet: type a prompt below to start one."
EMPTY_OFFLINE = "No saved conversations."


class ListRow:
    """A title cut to the row's width with the message count after it: always one line."""

    def __init__(self, title: str, count: int) -> None:
        self.title = title
        self.count = f"  {count}"

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, cell_len(self.title) + len(self.count))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        room = max(1, width - len(self.count))
        title = self.title
        if cell_len(title) > room:
            title = set_cell_size(title, max(0, room - 1)) + "…"
        yield Segment(title)
        yield Segment(self.count[: max(0, width - cell_len(title))], Style(dim=True))
        yield Segment.line()


class ConversationList(OptionList):
    """Rows of ``ConversationSummary``; Enter opens, d / Delete asks to delete, r renames, a archives.

    Rows come a page at a time: a last "Load more…" row asks for the next page when it is
    highlighted, selected or scrolled to.
    """

    BINDINGS = [
        Binding("r", "rename", "Rename", id="rename_conversation"),
        Binding("a", "archive", "Archive", tooltip="Archive / unarchive", id="archive_conversation"),
        Binding("u", "undo_archive", "Undo", tooltip="Undo the last archive", id="undo_archive"),
        Binding("d,delete", "delete", "Delete", tooltip="Delete (asks first)", id="delete_conversation"),
        Binding("A", "toggle_archived", "Archived", tooltip="Show archived / active", id="toggle_archived"),
    ]
    WRITES = ("rename", "archive", "undo_archive", "delete")  # refused while read-only

    MORE_ID = "__load_more__"  # the last row when more conversations can be loaded
    HEADER_ID = "__header__"

    class RenameRequested(Message):
        """Rename the highlighted conversation."""

        def __init__(self, conv_id: str, title: str) -> None:
            super().__init__()
            self.conv_id = conv_id
            self.title = title

    class ArchiveRequested(Message):
        """Archive (``archive`` True) or unarchive a conversation; ``undo`` reverts the last one."""

        def __init__(self, conv_id: str, title: str, archive: bool, *, undo: bool = False) -> None:
            super().__init__()
            self.conv_id = conv_id
            self.title = title
            self.archive = archive
            self.undo = undo

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
        self._counts: dict[str, int] = {}
        self.archived_view = False  # listing archived conversations
        self.read_only = False  # rename / archive / delete refused (and hidden from the footer)
        self.current: str | None = None  # the open conversation
        self.loaded = 0  # conversation rows shown
        self.has_more = False
        self._more_asked = False
        self._epoch = 0  # bumped by each full redraw; drops a deferred append of an older one
        self._last_archived: tuple[str, str, bool] | None = None  # (id, title, archived) for undo
        self.opening: str | None = None  # selected, its OptionSelected not handled yet (keys may follow)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.WRITES and self.read_only:
            return False
        if action == "undo_archive" and self._last_archived is None:
            return False
        return True

    def is_listed(self, conv_id: str) -> bool:
        return conv_id in self._titles

    def show_current(self, conv_id: str | None) -> None:
        """``conv_id`` is the open conversation: highlight its row (if listed)."""
        self.current = conv_id
        self._highlight_current()

    def _highlight_current(self) -> None:
        if self.current is not None and self.current in self._titles:
            try:
                index = self.get_option_index(self.current)
            except OptionDoesNotExist:
                return
            if self.highlighted != index:
                self.highlighted = index

    def on_focus(self) -> None:
        self._highlight_current()

    def archived(self, conv_id: str, title: str, archived: bool) -> None:
        """The screen archived (or unarchived) ``conv_id``: ``u`` can undo it."""
        self._last_archived = (conv_id, title, archived)
        self.refresh_bindings()

    def set_conversations(self, rows: Sequence[ConversationSummary], *, current: str | None = None, more: bool = False,
                          empty_hint: str = EMPTY_HINT) -> None:
        """Replace the rows, keeping the open conversation (or the highlighted one) highlighted."""
        highlighted = self.highlighted_id
        if current is not None:
            self.current = current
        self.clear_options()
        self._titles = {}
        self._raw_titles = {}
        self._counts = {}
        self.loaded = 0
        if self.archived_view:
            header = "Archived (A: back)" if rows else "No archived conversations (A: back)"
            self.add_option(Option(Text(header, style="bold italic"), id=self.HEADER_ID, disabled=True))
        elif not rows:
            self.add_option(Option(Text(empty_hint, style="italic dim"), id=self.HEADER_ID, disabled=True))
        target = self.current or highlighted
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

    def _add_deferred(self, epoch: int, rows: Sequence[ConversationSummary], more: bool) -> None:
        if epoch == self._epoch:  # not replaced meanwhile
            self._add_rows(rows, more)

    def append_conversations(self, rows: Sequence[ConversationSummary], *, more: bool) -> None:
        """Add a loaded page at the end (replacing the "load more" row)."""
        if self.has_more and self.option_count:
            self.remove_option(self.MORE_ID)
        self._add_rows([r for r in rows if r.id not in self._titles], more)

    def _add_rows(self, rows: Sequence[ConversationSummary], more: bool) -> None:
        options = []
        for row in rows:
            title = one_line(row.title or "untitled", 60)
            self._titles[row.id] = title
            self._raw_titles[row.id] = row.title or ""
            self._counts[row.id] = row.message_count
            options.append(Option(ListRow(title, row.message_count), id=row.id))
        self.loaded += len(options)
        self.has_more = more
        self._more_asked = False
        if more:
            options.append(Option(Text(f"Load more… (showing {self.loaded})", style="italic"), id=self.MORE_ID))
        self.add_options(options)

    def update_row(self, row: ConversationSummary) -> bool:
        """Show one listed conversation's new count in place; ``False`` if it is not listed as is."""
        title = one_line(row.title or "untitled", 60)
        if self._titles.get(row.id) != title:
            return False
        if self._counts.get(row.id) == row.message_count:
            return True  # nothing to redraw
        self._counts[row.id] = row.message_count
        try:
            self.replace_option_prompt(row.id, ListRow(title, row.message_count))
        except OptionDoesNotExist:  # the list changed meanwhile
            return False
        self._raw_titles[row.id] = row.title or ""
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

    def action_select(self) -> None:
        conv_id = self.highlighted_id
        if conv_id is not None:
            self.opening = conv_id
        super().action_select()

    def action_rename(self) -> None:
        conv_id = self.highlighted_id
        if conv_id is not None:
            self.post_message(self.RenameRequested(conv_id, self._raw_titles.get(conv_id, "")))

    def action_archive(self) -> None:
        conv_id = self.highlighted_id
        if conv_id is not None:
            title = self._titles.get(conv_id, "")
            self.post_message(self.ArchiveRequested(conv_id, title, not self.archived_view))

    def action_undo_archive(self) -> None:
        if self._last_archived is not None:
            conv_id, title, archived = self._last_archived
            self._last_archived = None
            self.refresh_bindings()
            self.post_message(self.ArchiveRequested(conv_id, title, not archived, undo=True))

    def action_toggle_archived(self) -> None:
        self.post_message(self.ViewToggled())

    def action_delete(self) -> None:
        conv_id = self.highlighted_id
        if conv_id is not None:
            self.post_message(self.DeleteRequested(conv_id, self._titles.get(conv_id, "")))
