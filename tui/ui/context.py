"""What the app works with, apart from its widgets: the history, the connection, the config,
and the conversation engine's session over them.

One :class:`AppContext` is built by :func:`tui.ui.factory.build_app` and handed to the
main screen; the screen and its helpers read and change it (a profile switch replaces
the client, setup makes the history writable). Nothing here touches Textual.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tui import paths
from tui.chat.session import Session
from tui.config import ConfigError, PartialConfigError
from tui.llm.client import ChatClient
from tui.llm.request import RequestDefaults
from tui.metrics import Prices
from tui.sanitize import one_line
from tui.store import HistoryStore, StoreError
from tui.trace.timeline import Timeline, decode_stored

# (profile or None, deployment or None) -> a new client and the request defaults of that profile
# (and its price table, when the factory knows it). Raises ConfigError with a message to show
# when the profile cannot be used.
ClientFactory = Callable[[str | None, str | None],
                         "tuple[ChatClient, RequestDefaults] | tuple[ChatClient, RequestDefaults, Prices | None]"]

DEFAULT_SETUP_HINT = (
    "No endpoint configured — set AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT "
    "(or write config.toml), or run `r1-tui --demo`."
)


# What a failing history raises: caught where the UI must keep running (and say so).
STORE_ERRORS: tuple[type[Exception], ...] = (StoreError, sqlite3.Error, OSError)


class SwitchError(Exception):
    """A connection could not be switched; the message says why (shown as is)."""


@dataclass
class AppContext:
    """The history, the connection, and the user's configuration."""

    store: HistoryStore
    client: ChatClient | None = None
    defaults: RequestDefaults = field(default_factory=RequestDefaults)
    read_only: bool = False  # --offline: history only
    setup_hint: str = DEFAULT_SETUP_HINT
    low_bandwidth: bool = False
    client_factory: ClientFactory | None = None
    keys: Mapping[str, object] = field(default_factory=dict)  # the raw [keys] table
    theme: object = None  # the configured theme (validated when the app starts)
    profile_name: str | None = None
    config_file: Path | None = None
    demo: bool = False  # --demo: settings and themes apply to this session only, config.toml is never written
    partial: PartialConfigError | None = None  # an endpoint without a deployment: what setup starts from
    warnings: tuple[str, ...] = ()  # the configuration's warnings, shown when the app starts
    thinking_choices: dict[str | None, bool] = field(default_factory=dict)  # toggle_thinking per conversation
    owned_clients: list[ChatClient] = field(default_factory=list)
    on_save_error: Callable[[BaseException], None] | None = None  # called on the writer's thread
    prices: Prices | None = None  # the profile's price table: answers and the conversation get a cost
    pivots: tuple[str, ...] | None = None  # [trace] pivots: what opens a step of a trace (None: the defaults)
    session: Session = field(init=False)

    def __post_init__(self) -> None:
        self.session = Session(client=self.client, defaults=self.defaults, store=self.store,
                               context_window=self.defaults.context_window, prices=self.prices)

    def chat_session(self) -> Session:
        """The engine's session, following the current client, defaults and history.

        Writes go through a background writer on the history file (opened on first use, when
        the history is writable), so the UI never waits on SQLite.
        """
        session = self.session
        session.client, session.defaults, session.store = self.client, self.request_defaults(), self.store
        session.context_window = self.defaults.context_window
        session.prices = self.prices
        if session.writer is None and not self.store.read_only and not self.read_only:
            from tui.store.background import BackgroundWriter

            session.writer = BackgroundWriter(self.store.path, on_error=self._save_failed)
        elif session.writer is not None and session.writer.path != self.store.path:
            session.writer.close()
            session.writer = None
            return self.chat_session()
        return session

    # -- the thinking switch (toggle_thinking): per conversation, None being the one not yet saved --

    def thinking(self) -> bool | None:
        """The thinking switch in force for the open conversation (None: nothing is sent)."""
        return self.thinking_choices.get(self.conversation_id, self.defaults.thinking)

    def thinking_label(self) -> str:
        """The status bar's ``on`` / ``off`` / ``default`` ("" when the profile has no thinking switch)."""
        return {True: "on", False: "off", None: "default"}[self.thinking()] if self.defaults.has_thinking_switch else ""

    def toggle_thinking(self) -> bool:
        """Flip the switch for the open conversation; returns the new state."""
        state = not self.thinking()
        self.thinking_choices[self.conversation_id] = state
        return state

    def conversation_started(self) -> None:
        """The new conversation got its id: the switch flipped before its first prompt goes with it."""
        if None in self.thinking_choices and self.conversation_id is not None:
            self.thinking_choices[self.conversation_id] = self.thinking_choices.pop(None)

    def forget_new_conversation(self) -> None:
        """Another empty conversation starts: from the profile's switch again."""
        self.thinking_choices.pop(None, None)

    def request_defaults(self) -> RequestDefaults:
        """The profile's defaults with this conversation's thinking switch (when the profile has one)."""
        d = self.defaults
        return d.with_thinking(self.thinking()) if d.has_thinking_switch else d

    def _save_failed(self, exc: BaseException) -> None:
        if self.on_save_error is not None:
            self.on_save_error(exc)

    @property
    def conversation_id(self) -> str | None:
        """The open conversation (None: the next prompt starts a new one)."""
        return self.session.conversation_id

    async def saved(self) -> None:
        """Wait until every write queued so far is on disk (the writer's thread does the work)."""
        writer = self.session.writer
        if writer is not None:
            await asyncio.wrap_future(writer.flush())

    def timeline_of(self, msg_id: str) -> Timeline | None:
        """The stored timeline of one answer (None: none recorded, unreadable, or the history cannot say)."""
        try:
            return decode_stored(self.store.get_timeline(msg_id))
        except STORE_ERRORS:
            return None

    def timelines_of(self, conv_id: str) -> dict[str, str]:
        """The stored timelines of a conversation's answers by message id (none if the history cannot say)."""
        try:
            return self.store.timelines_for(conv_id)
        except STORE_ERRORS:
            return {}

    def notes_of(self, conv_id: str) -> dict[str, list[str]]:
        """The user's notes on a conversation's messages by message id (none if they cannot be read)."""
        try:
            return {mid: [n.body for n in notes] for mid, notes in self.store.notes_for(conv_id).items()}
        except STORE_ERRORS:
            return {}

    def close(self) -> None:
        """Stop the writer (what it holds is written first)."""
        writer = self.session.writer
        if writer is not None:
            writer.close()

    @property
    def currency(self) -> str:
        """The price table's currency label ("" without one)."""
        return self.prices.currency if self.prices is not None else ""

    @property
    def offline(self) -> bool:
        """Nothing can be sent: no endpoint, or ``--offline``."""
        return self.client is None or self.read_only

    @property
    def config_path(self) -> Path:
        return self.config_file or paths.config_file()

    @property
    def writes_config(self) -> bool:
        """May the app write config.toml? Never in ``--demo`` (nothing of the demo leaks into later runs)."""
        return not self.demo

    @property
    def history_writable(self) -> bool:
        return not self.read_only and not self.store.read_only

    def endpoint_label(self) -> str:
        """``deployment @ host · auth mode`` (or why there is none)."""
        if self.client is None:
            return "offline · read-only history" if self.read_only else "offline · no endpoint"
        ep = self.client.endpoint
        mode = "read-only · " if self.read_only else ""
        return f"{mode}{one_line(ep.deployment, 40)} @ {one_line(ep.label, 60)} · auth {ep.auth}"

    def connection_title(self) -> str:
        """``deployment @ host`` for the title bar ("" without a client)."""
        if self.client is None:
            return ""
        ep = self.client.endpoint
        return f"{one_line(ep.deployment, 40)} @ {one_line(ep.label, 60)}"

    async def switch(self, profile: str | None, deployment: str | None) -> ChatClient:
        """Build a client for ``profile`` / ``deployment`` and use it from now on; raises SwitchError."""
        if self.client_factory is None:
            raise SwitchError("Switching needs the r1-tui launcher: restart with --profile NAME.")
        if self.read_only:
            raise SwitchError("Offline: history is read-only. Restart r1-tui without --offline to chat.")
        try:
            made = self.client_factory(profile, deployment)
        except (ConfigError, ValueError) as exc:
            raise SwitchError(one_line(str(exc), 400)) from exc
        client, defaults = made[0], made[1]
        try:
            self.make_store_writable()
        except SwitchError:
            await client.aclose()
            raise
        old = self.client
        self.client, self.defaults = client, defaults
        if len(made) == 3:
            self.prices = made[2]
        if profile is not None:
            self.profile_name = profile
        self.owned_clients.append(client)
        if old is not None and old in self.owned_clients:
            self.owned_clients.remove(old)
            await old.aclose()
        return client

    def make_store_writable(self) -> None:
        """A history opened read-only because nothing was configured is reopened read-write.

        With no endpoint (and not ``--offline``) the CLI opens the history read-only, so
        starting the app never writes a file; once setup (or a switch) gives the app a
        client the same file is reopened read-write (created and migrated if needed). The
        CLI closes ``store`` — whichever is current — at exit.
        """
        store = self.store
        if not store.read_only or self.read_only:
            return
        try:
            writable = HistoryStore.open(store.path)
        except (StoreError, OSError) as exc:
            raise SwitchError(one_line(f"History stays read-only: {exc}", 400)) from exc
        self.store = writable
        store.close()

    async def aclose_owned_clients(self) -> None:
        """Close the clients built by a switch (the CLI closes the one it passed in)."""
        owned, self.owned_clients = self.owned_clients, []
        for client in owned:
            await client.aclose()
