"""Opening, starting and deleting conversations, and showing an answer's reasoning (R1App mixin).

The ``@on`` handlers stay on R1App (Textual collects them per App class); they call these.
"""

from __future__ import annotations

from typing import Any

from tui.chat.session import SessionError
from tui.sanitize import one_line
from tui.store import StoreError
from tui.ui.loader import load
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.widgets.status import Tokens
from tui.ui.widgets.transcript import AnswerBlock


class ConversationActionsMixin:
    """Mixed into R1App (before ``App``); relies on its store, transcript, panes, status and ``_busy``."""

    def refresh_list(self) -> None:
        """Redraw the list from ``store.list_conversations`` (no messages loaded)."""
        app: Any = self
        app.reload_list()  # tui/ui/history_actions.py: archived view, pages of 500

    async def open_conversation(self, conv_id: str) -> None:
        """Show a stored conversation: transcript, and the last answer's reasoning."""
        app: Any = self
        if app._busy("open another conversation"):
            return
        try:
            tree = app.chat_session().open(conv_id)
        except (SessionError, StoreError):
            app.notify("That conversation no longer exists.", severity="warning")
            self.refresh_list()
            return
        await app.transcript.clear()
        loaded = load(tree)
        await app.transcript.mount_all(loaded.widgets)
        app.status.model.conversation = loaded.totals
        app.status.model.last = loaded.last_tokens
        app.status.model.error = ""
        app.status.changed()
        await self.show_reasoning(loaded.last_block)
        app.transcript.scroll_end(animate=False)
        app.sub_title = one_line(tree.title, 60)

    async def show_reasoning(self, block: AnswerBlock | None) -> None:
        """Show ``block``'s reasoning (live or stored) in the reasoning pane; None empties it."""
        app: Any = self
        if block is None:
            await app.reasoning_pane.show(None, "")
            return
        await app.reasoning_pane.show(
            block,
            block.reasoning,
            live=block.live,
            think_start=block.think_start,
            thought_s=block.thought_s,
            state="" if block.live else block.state,
        )

    def confirm_delete(self, conv_id: str, title: str) -> None:
        """Ask, then delete conversation ``conv_id`` (the open one is replaced by a new one)."""
        app: Any = self
        if app._busy("delete a conversation"):
            return

        async def done(yes: bool | None) -> None:
            if not yes:
                return
            app.store.delete_conversation(conv_id)
            if conv_id == app.conv_id:
                await self.action_new_conversation()
            self.refresh_list()
            app.notify("Conversation deleted.")

        app.push_screen(ConfirmScreen(f"Delete “{title}”? This cannot be undone."), done)

    async def action_new_conversation(self) -> None:
        """Ctrl+N: an empty transcript; the next prompt starts a new conversation."""
        app: Any = self
        if app._busy("start a new conversation"):
            return
        app.session.start_new()
        await app.transcript.clear()
        await app.reasoning_pane.show(None, "")
        app.status.model.conversation = Tokens()
        app.status.model.last = None
        app.status.model.error = ""
        app.status.changed()
        app.sub_title = ""
        self.refresh_list()
        if not app.offline:
            app.prompt.focus()
