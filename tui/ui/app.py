"""R1App: conversation list, answer pane, reasoning pane, prompt input and status bar."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, OptionList, Static
from textual.worker import Worker

import tui
from tui.llm.request import RequestDefaults, Turn
from tui.sanitize import one_line
from tui.ui import keys
from tui.ui.generation import Generation
from tui.ui.regenerate import RegenerateMixin
from tui.ui.commands import R1Commands
from tui.ui.conversation_actions import ConversationActionsMixin
from tui.chat.session import Session, SessionError
from tui.chat.titles import title_for
from tui.ui.history_actions import HistoryActionsMixin
from tui.ui.keyboard_first import ClientFactory, KeyboardFirstMixin
from tui.ui.keymap import KEYBOARD_BINDINGS, PALETTE_BINDING
from tui.ui.list_refresh import refresh_current, set_sub_title
from tui.ui.frames import start_frame_clock, warm_up_after_first_paint
from tui.ui.widgets.conversations import ConversationList
from tui.ui.widgets.prompt import PromptInput
from tui.ui.widgets.reasoning import ReasoningPane
from tui.ui.widgets.status import StatusBar, Tokens
from tui.ui.widgets.transcript import AnswerBlock, Transcript
from tui.ui.view_actions import ViewActionsMixin

if TYPE_CHECKING:
    from tui.llm.client import ChatClient

DEFAULT_SETUP_HINT = (
    "No endpoint configured — set AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT "
    "(or write config.toml), or run `r1-tui --demo`."
)


def _css_path() -> str:
    """The installed ``tui.styles/app.tcss``; from a source checkout on sys.path, ``styles/``."""
    try:
        return str(files("tui.styles") / "app.tcss")
    except ModuleNotFoundError:  # ``tui`` imported from the repo root, not via the install
        return str(Path(tui.__file__).resolve().parent.parent / "styles" / "app.tcss")


class R1App(ConversationActionsMixin, ViewActionsMixin, HistoryActionsMixin, KeyboardFirstMixin, RegenerateMixin,
            App[None]):
    """The interactive client (``r1-tui`` with no subcommand)."""

    TITLE = "r1-tui"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = {R1Commands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    BINDINGS = [
        PALETTE_BINDING,
        Binding("f1", "help", "Help", id="help"),
        Binding("escape", "stop", "Stop", id="stop"),
        Binding("f2", "toggle_list", "List", id="toggle_list"),
        Binding("f3,ctrl+r", "toggle_reasoning", "Reasoning", id="toggle_reasoning"),
        Binding("ctrl+n", "new_conversation", "New", id="new_conversation"),
        Binding("ctrl+up", "prev_answer", "Prev answer", show=False, id="prev_answer"),
        Binding("ctrl+down", "next_answer", "Next answer", show=False, id="next_answer"),
        Binding("f4", "focus_prompt", "Prompt", show=False, id="focus_prompt"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
        Binding("ctrl+g", "regenerate", "Ask again", show=False, id="regenerate"),
        Binding("ctrl+f", "search", "Search", priority=True, id="search"),
        Binding("slash", "search_slash", "Search (outside the prompt)", show=False, id="search_slash"),
        *KEYBOARD_BINDINGS,
    ]

    def __init__(
        self,
        *,
        client: ChatClient | None,
        store: Any,
        defaults: RequestDefaults | None = None,
        read_only: bool = False,
        setup_hint: str | None = None,
        low_bandwidth: bool = False,
        client_factory: ClientFactory | None = None,
        keymap: Mapping[str, str] | None = None,
        theme: str | None = None,
        profile: str | None = None,
        config_path: Path | None = None,
    ) -> None:
        super().__init__(css_path=_css_path())
        keys.install()
        self.client = client
        self.store = store
        self.defaults = defaults or RequestDefaults()
        self.read_only = read_only
        self.offline = client is None or read_only
        self.setup_hint = setup_hint or (
            "History is read-only: composing is disabled." if read_only and client else DEFAULT_SETUP_HINT
        )
        self.low_bandwidth = low_bandwidth
        self._init_keyboard_first(client_factory=client_factory, keymap=keymap, theme=theme, profile=profile,
                                  config_path=config_path)
        self.session = Session(client=client, defaults=self.defaults, store=store)
        self.generation: Generation | None = None
        self._worker: Worker[None] | None = None
        if client is not None:
            endpoint = client.endpoint
            self.sub_title = f"{endpoint.deployment} @ {endpoint.label}"

    @property
    def conv_id(self) -> str | None:
        """The open conversation (None: a new one starts with the next prompt)."""
        return self.session.conversation_id

    def chat_session(self) -> Session:
        """The engine session, following the app's current client, defaults and history.

        Writes go through a background writer on the history file (opened on first use, when
        the history is writable), so the UI never waits on SQLite.
        """
        session = self.session
        session.client, session.defaults, session.store = self.client, self.defaults, self.store
        session.context_window = self.defaults.context_window
        if session.writer is None and not getattr(self.store, "read_only", True):
            from tui.store.background import BackgroundWriter

            session.writer = BackgroundWriter(self.store.path, on_error=self._save_failed)
        elif session.writer is not None and session.writer.path != self.store.path:
            session.writer.close()
            session.writer = None
            return self.chat_session()
        return session

    def _save_failed(self, exc: BaseException) -> None:
        """A write failed on the writer thread: say so (the text stays on screen)."""
        message = one_line(f"could not save to the history: {exc}", 200)
        try:
            self.call_from_thread(self.notify, message, severity="error", markup=False)
        except RuntimeError:  # the app is not running (any more)
            pass

    def on_unmount(self) -> None:
        writer = self.session.writer
        if writer is not None:
            writer.close()

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        with Horizontal(id="body"):
            yield ConversationList(id="sidebar")
            with Vertical(id="main"):
                with Horizontal(id="panes"):
                    yield Transcript(id="answer")
                    yield ReasoningPane(hz=0, id="reasoning")  # driven by the frame clock
                yield Static(Text(one_line(self.setup_hint, 300)), id="offline-hint", markup=False)
                yield PromptInput(
                    id="prompt",
                    placeholder="Type a prompt · Enter sends · Ctrl+J newline"
                    if not self.offline
                    else "Composing is disabled: "
                    + ("read-only history" if self.client or self.read_only else "no endpoint configured"),
                )
                yield StatusBar(hz=0, id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.transcript = self.query_one(Transcript)
        self.reasoning_pane = self.query_one(ReasoningPane)
        self.status = self.query_one(StatusBar)
        self.prompt = self.query_one(PromptInput)
        self.conversations = self.query_one(ConversationList)
        self.install_history_features()
        start_frame_clock(self)
        warm_up_after_first_paint(self)  # the SDK import (~0.4 s) off the first send
        self.status.model.endpoint = self._endpoint_label()
        self.status.render_now()
        if self.offline:
            self.add_class("-offline")
            self.prompt.read_only = True
            self.prompt.disabled = True
        if self.size.width < 100 and not self.offline:  # offline, the list is all there is to use
            self.add_class("-hide-list")
        self.refresh_list()
        if self.offline:
            self.conversations.focus()
        else:
            self.prompt.focus()
        self._mount_keyboard_first()

    def _endpoint_label(self) -> str:
        if self.client is None:
            return "offline · read-only history" if self.read_only else "offline · no endpoint"
        ep = self.client.endpoint
        mode = "read-only · " if self.read_only else ""
        return f"{mode}{one_line(ep.deployment, 40)} @ {one_line(ep.label, 60)} · auth {ep.auth}"

    # -- conversations ---------------------------------------------------------------

    # (refresh_list, open_conversation, show_reasoning, new / delete: tui/ui/conversation_actions.py)

    @on(OptionList.OptionSelected, "#sidebar")
    async def _open_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            await self.open_conversation(event.option.id)

    @on(AnswerBlock.Selected)
    async def _answer_selected(self, event: AnswerBlock.Selected) -> None:
        if event.block is not self.reasoning_pane.source:
            await self.show_reasoning(event.block)

    @on(ConversationList.DeleteRequested)
    def _delete_requested(self, event: ConversationList.DeleteRequested) -> None:
        self.confirm_delete(event.conv_id, event.title)

    # -- sending ---------------------------------------------------------------------

    @on(PromptInput.Submitted)
    async def _submit(self, event: PromptInput.Submitted) -> None:
        if self.offline or self.client is None:
            self.notify(one_line(self.setup_hint, 200), severity="warning", markup=False)
            return
        if self._busy("send another prompt"):
            return
        await self.send(event.text)

    async def send(self, text: str) -> None:
        """Add the prompt through the engine, show it, and stream the answer in a worker."""
        session = self.chat_session()
        new = session.conversation_id is None
        try:
            exchange = session.send(text)
        except SessionError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.prompt.clear()
        self.prompt.cursor_blink = False  # a blink is a frame: none while streaming
        if new:
            self.status.model.conversation = Tokens()
            set_sub_title(self, one_line(title_for(text), 60))
        await self.transcript.add_prompt(text)
        self.transcript.follow(True)
        if new:
            await self.saved()  # the new conversation is on disk: it can head the list
        refresh_current(self)
        group = await self.add_answer_group(exchange.prompt_id, text)
        self.start_generation(Generation(self, exchange, group))

    def generation_done(self, generation: Generation) -> None:
        if self.generation is generation:
            self.generation = None
            self.prompt.cursor_blink = True
        refresh_current(self)  # one row, not the whole list (the generation awaited the save)

    async def saved(self) -> None:
        """Wait until every write queued so far is on disk (the writer thread does the work)."""
        writer = self.session.writer
        if writer is not None:
            await asyncio.wrap_future(writer.flush())

    def show_usage(self, tokens: Tokens, *, final: bool) -> None:
        self.status.model.last = tokens
        if final:
            self.status.model.conversation.add(tokens)
        self.status.changed()

    def _busy(self, what: str) -> bool:
        if self.generation is None:
            return False
        self.notify(f"An answer is streaming: press Esc to stop it before you {what}.", severity="warning")
        return True

    # -- actions ---------------------------------------------------------------------

    def action_stop(self) -> None:
        """Esc: stop the running generation or retry wait; otherwise go back to the prompt."""
        if self._worker is not None and self._worker.is_running:
            self._worker.cancel()
            self.notify("Stopped.", timeout=2)
        elif not self.offline:
            self.prompt.focus()

    # (new conversation: conversation_actions.py; panes, answers, focus, help: view_actions.py)

    async def action_quit(self) -> None:
        """Quit; a running generation is stopped and saved first."""
        worker = self._worker
        if worker is not None and worker.is_running:
            worker.cancel()
            try:
                await worker.wait()
            except Exception:
                pass
        self.exit()

