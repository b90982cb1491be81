"""Living in the history, as a mixin of R1App: search, rename, archive, the archived view, paging.

The list is drawn from ``store.list_conversations`` only (never messages), a page of
``PAGE`` rows at a time. Search opens :class:`SearchScreen`; the chosen hit opens its
conversation, scrolls to the message and highlights the match (tui/ui/search_jump.py).
"""

from __future__ import annotations

from typing import Any

from tui.sanitize import one_line
from tui.ui.screens.rename import RenameScreen
from tui.ui.screens.search import SearchScreen
from tui.ui.search_jump import jump_to_hit
from tui.ui.widgets.conversations import ConversationList
from tui.ui.widgets.message_stats import MessageStats
from tui.ui.widgets.prompt import PromptInput

PAGE = 500


class HistoryActionsMixin:
    """Mixed into R1App (before ``App``); relies on its store, conversations, conv_id, notify…"""

    def install_history_features(self) -> None:
        """Mount the per-message stats line under the reasoning header (called from on_mount)."""
        app: Any = self
        pane = app.reasoning_pane
        stats = MessageStats(id="message-stats")
        headers = pane.query("#reasoning-header")
        if headers:
            pane.mount(stats, after=headers.first())
        else:
            pane.mount(stats, before=0)

    # -- the list --------------------------------------------------------------------

    def reload_list(self) -> None:
        """Redraw the list (first page, or as many rows as were loaded) of the current view."""
        app: Any = self
        listing: ConversationList = app.conversations
        limit = max(PAGE, listing.loaded)
        try:
            rows = app.store.list_conversations(archived=listing.archived_view, limit=limit + 1)
        except Exception as exc:
            app.notify(one_line(f"could not list conversations: {exc}", 200), severity="error", markup=False)
            return
        listing.set_conversations(rows[:limit], current=app.conv_id, more=len(rows) > limit)

    def on_conversation_list_more_requested(self, event: ConversationList.MoreRequested) -> None:
        app: Any = self
        listing: ConversationList = app.conversations
        try:
            rows = app.store.list_conversations(archived=listing.archived_view, limit=PAGE + 1, offset=event.offset)
        except Exception as exc:
            app.notify(one_line(f"could not list conversations: {exc}", 200), severity="error", markup=False)
            return
        listing.append_conversations(rows[:PAGE], more=len(rows) > PAGE)

    def on_conversation_list_view_toggled(self, _event: ConversationList.ViewToggled) -> None:
        self.action_toggle_archived()

    def action_toggle_archived(self) -> None:
        """Show the archived conversations, or back to the active ones."""
        app: Any = self
        listing: ConversationList = app.conversations
        listing.archived_view = not listing.archived_view
        listing.loaded = 0
        app.remove_class("-hide-list")
        app.refresh_list()
        listing.focus()
        app.notify("Archived conversations (A: back)." if listing.archived_view else "Active conversations.",
                   timeout=2)

    # -- rename / archive --------------------------------------------------------------

    def _writable(self, what: str) -> bool:
        app: Any = self
        if getattr(app.store, "read_only", False):
            app.notify(f"History is read-only here: cannot {what}.", severity="warning")
            return False
        return True

    def on_conversation_list_rename_requested(self, event: ConversationList.RenameRequested) -> None:
        if not self._writable("rename"):
            return
        app: Any = self
        conv_id = event.conv_id

        def done(title: str | None) -> None:
            if not title:
                return
            try:
                app.store.rename_conversation(conv_id, title)
            except Exception as exc:
                app.notify(one_line(f"could not rename: {exc}", 200), severity="error", markup=False)
                return
            if conv_id == app.conv_id:
                app.sub_title = one_line(title, 60)
            app.refresh_list()
            app.notify("Renamed.", timeout=2)

        app.push_screen(RenameScreen(event.title), done)

    def on_conversation_list_archive_requested(self, event: ConversationList.ArchiveRequested) -> None:
        if not self._writable("archive"):
            return
        app: Any = self
        try:
            app.store.set_archived(event.conv_id, event.archive)
        except Exception as exc:
            app.notify(one_line(f"could not archive: {exc}", 200), severity="error", markup=False)
            return
        app.refresh_list()
        where = "archived (A shows them)" if event.archive else "back in the active list"
        app.notify(one_line(f"“{event.title}” {where}.", 200), timeout=3, markup=False)

    # -- search ------------------------------------------------------------------------

    def action_search(self) -> None:
        """Open the search view (Ctrl+F anywhere, / outside the prompt)."""
        app: Any = self
        if isinstance(app.screen, SearchScreen):
            app.screen.query_one("#search-input").focus()
            return

        async def done(result: Any) -> None:
            if result is not None:
                hit, query = result
                await self.open_search_hit(hit, query)

        app.push_screen(SearchScreen(app.store.search), done)

    def action_search_slash(self) -> None:
        """``/``: search, unless the prompt is being typed in (then it is just a slash)."""
        app: Any = self
        focused = app.focused
        if isinstance(focused, PromptInput) and not focused.read_only:
            focused.insert("/")
            return
        self.action_search()

    async def open_search_hit(self, hit: Any, query: str) -> None:
        """Open the hit's conversation, scroll to the message and highlight the match."""
        app: Any = self
        if app._busy("open another conversation"):
            return
        await app.open_conversation(hit.conversation_id)
        if app.conv_id != hit.conversation_id:
            return
        await jump_to_hit(app, hit, query)
