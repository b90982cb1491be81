"""The conversations: which one is open, the list, and living in the history.

Open (from the list or a search hit), start a new one, rename, archive (with undo),
delete (asks first), the archived view and paging. The list is drawn from
``store.list_conversations`` only (never messages), a page of ``PAGE`` rows at a time.
Opening a conversation never moves the keyboard focus: the prompt keeps it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.screen import Screen

from tui.chat.session import SessionError
from tui.chat.tree import ConversationTree
from tui.sanitize import one_line
from tui.store import SearchHit
from tui.ui.context import STORE_ERRORS, AppContext
from tui.ui.exporting import export_conversation
from tui.ui.keymap import Keymap
from tui.ui.loader import load
from tui.ui.panes import Panes
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.rename import RenameScreen
from tui.ui.screens.search import SearchResult, SearchScreen
from tui.ui.search_jump import jump_to_hit
from tui.ui.widgets.answer_block import AnswerBlock
from tui.ui.widgets.conversations import EMPTY_HINT, EMPTY_OFFLINE, ConversationList
from tui.ui.widgets.status import Tokens

PAGE = 500
EXPORT_ERRORS: tuple[type[Exception], ...] = (*STORE_ERRORS, ValueError)
OPEN_ERRORS: tuple[type[Exception], ...] = (*STORE_ERRORS, SessionError)

OTHER_WRITERS_S = 3.0  # how often the list checks for conversations written by another r1-tui

Busy = Callable[[str], bool]  # "would this interrupt a running answer?" (and say so)


async def _nothing() -> None:
    return None


class HistoryController:
    """Keeps the open conversation, the list and the answer pane in step."""

    def __init__(self, context: AppContext, panes: Panes, host: Screen[None], keymap: Keymap, busy: Busy) -> None:
        self.context = context
        self.panes = panes
        self.host = host
        self.keymap = keymap
        self.busy = busy
        self._loading: asyncio.Future[None] | None = None  # a conversation is being put on screen
        self.on_shown: Callable[[], Awaitable[None]] = _nothing  # another conversation (or none) is on screen
        self._newest: tuple[str, str, int] | None = None  # the newest conversation as last seen (id, updated, count)

    @property
    def conv_id(self) -> str | None:
        """The open conversation (the engine's session keeps it); None: the next prompt starts one."""
        return self.context.conversation_id

    async def settled(self) -> None:
        """Wait until a conversation being opened is on screen (a key pressed right after Enter acts on it)."""
        listing = self.panes.listing
        for _ in range(100):  # Enter in the list posted the open; it starts when that message is handled
            if listing.opening is None:
                break
            await asyncio.sleep(0.01)
        if self._loading is not None:
            await asyncio.shield(self._loading)

    def save_failed(self, exc: BaseException) -> None:
        """A write failed on the writer's thread: say so (the text stays on screen)."""
        message = one_line(f"could not save to the history: {exc}", 200)
        try:
            self.host.app.call_from_thread(self.host.notify, message, severity="error", markup=False)
        except RuntimeError:  # the app is not running (any more)
            pass

    def notify(self, message: str, *, severity: str = "information", timeout: float = 4) -> None:
        self.host.notify(message, severity=severity, timeout=timeout, markup=False)  # type: ignore[arg-type]

    # -- the list ------------------------------------------------------------------------

    def reload_list(self) -> None:
        """Redraw the list (first page, or as many rows as were loaded) of the current view."""
        listing = self.panes.listing
        limit = max(PAGE, listing.loaded)
        try:
            rows = self.context.store.list_conversations(archived=listing.archived_view, limit=limit + 1)
        except STORE_ERRORS as exc:
            self.notify(one_line(f"could not list conversations: {exc}", 200), severity="error")
            return
        hint = EMPTY_OFFLINE if self.context.offline else EMPTY_HINT
        listing.set_conversations(rows[:limit], current=self.conv_id, more=len(rows) > limit, empty_hint=hint)

    def follow_other_writers(self) -> None:
        """Another r1-tui (or ``ask``) wrote to the history: the list shows its new counts and rows.

        Called every few seconds (not while an answer streams, nor while the user has moved the list's
        highlight off the open conversation: a reload would move it back): a conversation that gets a
        message becomes the newest, so one cheap query of the newest row tells whether to reload.
        """
        listing = self.panes.listing
        moving = listing.has_focus and self.conv_id is not None and listing.highlighted_id != self.conv_id
        if self.context.session.busy or moving:
            return
        try:
            rows = self.context.store.list_conversations(limit=1)
        except STORE_ERRORS:
            return
        newest = (rows[0].id, rows[0].updated_at, rows[0].message_count) if rows else None
        seen, self._newest = self._newest, newest
        if seen is not None and newest != seen:
            self.reload_list()

    def refresh_current(self) -> None:
        """Show the open conversation's new count: one row, or the whole list if it moved."""
        listing = self.panes.listing
        conv_id = self.conv_id
        try:
            rows = self.context.store.list_conversations(limit=1) if conv_id and not listing.archived_view else []
        except STORE_ERRORS:
            rows = []
        if rows and rows[0].id == conv_id and listing.is_listed(conv_id):
            first = listing.option_count > 0 and listing.get_option_at_index(0).id == conv_id
            if first and listing.update_row(rows[0]):
                return
        self.reload_list()

    def load_more(self, offset: int) -> None:
        listing = self.panes.listing
        try:
            rows = self.context.store.list_conversations(archived=listing.archived_view, limit=PAGE + 1, offset=offset)
        except STORE_ERRORS as exc:
            self.notify(one_line(f"could not list conversations: {exc}", 200), severity="error")
            return
        listing.append_conversations(rows[:PAGE], more=len(rows) > PAGE)

    def toggle_archived(self) -> None:
        """Show the archived conversations, or back to the active ones."""
        listing = self.panes.listing
        listing.archived_view = not listing.archived_view
        listing.loaded = 0
        self.reload_list()
        back = self.keymap.describe("toggle_archived")
        self.notify(f"Archived conversations ({back} in the list: back)." if listing.archived_view
                    else "Active conversations.", timeout=2)

    # -- opening -------------------------------------------------------------------------

    def _set_current(self, title: str) -> None:
        self.panes.listing.show_current(self.conv_id)
        self.panes.title.set_subtitle(title or self.context.connection_title())

    def started(self, title: str) -> None:
        """A send started the open conversation (a new one, titled ``title``)."""
        self._set_current(title)

    async def open(self, conv_id: str, reveal: str | None = None) -> bool:
        """Show a stored conversation and its last answer's reasoning; focus stays where it is.

        ``reveal``: a message to show even if it is on another branch (that branch becomes the active path).
        """
        if self.busy("open another conversation"):
            return False
        session = self.context.chat_session()
        try:
            tree = session.open(conv_id)
            if reveal is not None and reveal in tree and all(m.id != reveal for m in tree.active_path()):
                for message in tree.path_to(reveal):
                    session.select(message.id)
        except OPEN_ERRORS:
            self.notify("That conversation no longer exists.", severity="warning")
            self.reload_list()
            return False
        await self.show(tree)
        return True

    async def fork(self) -> str | None:
        """Copy the open conversation's active path into a new one and open it (highlighted in the list)."""
        try:
            tree = self.context.chat_session().fork()
        except SessionError as exc:
            return f"Cannot fork: {exc}"
        await self.context.saved()
        await self.show(tree)
        self.reload_list()
        self.notify(f"Forked into a new conversation: “{one_line(tree.title, 80)}”.", timeout=4)
        return None

    async def show(self, tree: ConversationTree) -> None:
        """Put the session's open conversation ``tree`` on screen (its last answer's reasoning too)."""
        answers = self.panes.answers
        loading = self._loading = asyncio.get_running_loop().create_future()
        try:
            await answers.clear()
            loaded = load(tree, self.context.currency, self.context.session.damage,  # damage: the row's and its messages'
                          self._notes(tree.conversation_id))
            await answers.mount_all(loaded.widgets)
        finally:
            loading.set_result(None)
            if self._loading is loading:
                self._loading = None
        status = self.panes.status
        status.model.reset_answer()
        status.model.conversation = loaded.totals
        status.model.last = loaded.last_tokens
        status.changed()
        self.panes.reasoning.show(loaded.last_block)
        answers.scroll_end(animate=False)
        self._set_current(tree.title)
        await self.on_shown()
        if loaded.damage:
            self.notify(f"This conversation has {len(loaded.damage)} damaged value(s); see the note above it.",
                        severity="warning", timeout=8)

    def _notes(self, conv_id: str) -> dict[str, list[str]]:
        """The user's notes on the conversation's messages (none if they cannot be read: browsing goes on)."""
        try:
            return {mid: [n.body for n in notes] for mid, notes in self.context.store.notes_for(conv_id).items()}
        except STORE_ERRORS:
            return {}

    async def new(self) -> bool:
        """An empty answer pane; the next prompt starts a new conversation."""
        if self.busy("start a new conversation"):
            return False
        self.context.session.start_new()
        await self.panes.answers.clear()
        self.panes.reasoning.show(None)
        status = self.panes.status
        status.model.reset_answer()
        status.model.conversation = Tokens()
        status.changed()
        self._set_current("")
        self.reload_list()
        await self.on_shown()
        return True

    async def open_hit(self, result: SearchResult) -> None:
        """Open a search hit's conversation, scroll to the message and highlight the match."""
        hit, query = result
        if not await self.open(hit.conversation_id, reveal=hit.message_id) or self.conv_id != hit.conversation_id:
            return
        if await jump_to_hit(self.panes, self.context.store, hit, query) is None:
            self.notify("The matched message is not shown in this conversation.", severity="warning")

    def search(self) -> None:
        """Open the search view; the chosen hit is opened."""

        async def done(result: SearchResult | None) -> None:
            if result is not None:
                await self.open_hit(result)

        self.host.app.push_screen(SearchScreen(self.context.store.search), done)

    # -- rename / archive / delete --------------------------------------------------------

    def _writable(self, what: str) -> bool:
        if not self.context.history_writable:
            self.notify(f"History is read-only here: cannot {what}.", severity="warning")
            return False
        return True

    def rename(self, event: ConversationList.RenameRequested) -> None:
        if not self._writable("rename"):
            return
        conv_id = event.conv_id

        def done(title: str | None) -> None:
            if not title:
                return
            try:
                self.context.store.rename_conversation(conv_id, title)
            except STORE_ERRORS as exc:
                self.notify(one_line(f"could not rename: {exc}", 200), severity="error")
                return
            if conv_id == self.conv_id:
                self.panes.title.set_subtitle(title)
            self.reload_list()
            self.notify("Renamed.", timeout=2)

        self.host.app.push_screen(RenameScreen(event.title), done)

    def archive(self, event: ConversationList.ArchiveRequested) -> None:
        if not self._writable("archive"):
            return
        try:
            self.context.store.set_archived(event.conv_id, event.archive)
        except STORE_ERRORS as exc:
            self.notify(one_line(f"could not archive: {exc}", 200), severity="error")
            return
        self.reload_list()
        title = one_line(event.title, 80)
        if event.undo:
            self.notify(f"Undone: “{title}” is {'archived' if event.archive else 'back in the active list'}.",
                        timeout=3)
            return
        self.panes.listing.archived(event.conv_id, event.title, event.archive)
        undo = self.keymap.describe("undo_archive")
        where = f"archived ({self.keymap.describe('toggle_archived')} shows them)" if event.archive \
            else "back in the active list"
        self.notify(f"“{title}” {where}. {undo} in the list undoes it.", timeout=6)

    def confirm_delete(self, conv_id: str, title: str) -> None:
        """Ask, then delete conversation ``conv_id`` (the open one is replaced by a new one)."""
        if self.busy("delete a conversation") or not self._writable("delete"):
            return

        async def done(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.context.store.delete_conversation(conv_id)
            except STORE_ERRORS as exc:
                self.notify(one_line(f"could not delete: {exc}", 200), severity="error")
                return
            if conv_id == self.conv_id:
                await self.new()
            self.reload_list()
            self.notify("Conversation deleted.")

        self.host.app.push_screen(ConfirmScreen(f"Delete “{one_line(title, 80)}”? This cannot be undone."), done)

    def alternative_shown(self, block: AnswerBlock) -> None:
        """The user flipped to alternative ``block``: remember the choice (saved when the history is
        writable; read-only, the open tree still follows it), show its reasoning."""
        if block.msg_id:
            try:
                self.context.chat_session().select(block.msg_id)
            except (SessionError, KeyError) as exc:  # failing must not break browsing
                self.notify(one_line(f"could not select that answer: {exc}", 200), severity="error")
        self.show_reasoning(block)

    def export(self) -> Path | None:
        """Write the open conversation as Markdown into the exports folder; say where (and return it)."""
        if self.conv_id is None:
            self.notify("Open or start a conversation to export it.", severity="warning")
            return None
        try:
            path = export_conversation(self.context.store, self.conv_id)
        except EXPORT_ERRORS as exc:  # store or file system: say so, keep running
            self.notify(one_line(f"Export failed: {exc}", 300), severity="error")
            return None
        self.host.notify(f"Exported to {one_line(str(path), 300)}", title="Export", timeout=15, markup=False)
        return path

    def show_reasoning(self, block: AnswerBlock | None, changed: bool = False) -> None:
        if changed or block is not self.panes.reasoning.source:
            self.panes.reasoning.show(block)


__all__ = ["HistoryController", "SearchHit"]
