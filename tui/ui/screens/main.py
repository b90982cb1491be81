"""The main screen: conversation list, answer pane, reasoning pane, prompt, status bar.

Its keys are in tui/ui/bindings.py; each action is a line here handing the work to its owner:
the widgets, :class:`HistoryController` (the open conversation, the list), :class:`Exchanges`
(answers starting and stopping through the engine; what streams reaches the widgets only
through :class:`~tui.ui.stream_view.StreamView`), :class:`Branches`, :class:`Clipboard`,
:class:`Navigator` (focus), the connection, and :class:`TraceReview` (reading a trace).
Focus stays in the prompt when a pane is shown or hidden and when a conversation is opened.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList, Static

from tui.sanitize import one_line
from tui.ui.availability import why_not
from tui.ui.bindings import SCREEN_BINDINGS, areas
from tui.ui.branches import Branches
from tui.ui.connection import ConnectionController
from tui.ui.context import AppContext
from tui.ui.composer import Composer
from tui.ui.copying import Clipboard
from tui.ui.exchanges import Exchanges
from tui.ui.frames import FrameClock
from tui.ui.history_controller import OTHER_WRITERS_S, HistoryController
from tui.ui.keymap import Keymap
from tui.ui.navigation import Navigator
from tui.ui.panes import Panes
from tui.ui.review import TraceReview
from tui.ui.screens.error import ErrorScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.answer_block import AnswerBlock
from tui.ui.widgets.answer_pane import AnswerPane
from tui.ui.widgets.chips import AttachmentChips
from tui.ui.widgets.conversations import ConversationList
from tui.ui.widgets.key_footer import KeyFooter
from tui.ui.widgets.prompt import PromptInput
from tui.ui.widgets.reasoning_pane import ReasoningPane
from tui.ui.widgets.status import StatusBar
from tui.ui.widgets.title_bar import TitleBar

SHORT_SCREEN = 30  # rows: below this the status bar keeps to 2 lines
NARROW_SCREEN = 100  # columns: below this the list starts hidden


class MainScreen(Screen[None]):
    """The one screen of the app; dialogs are pushed over it."""

    BINDINGS = SCREEN_BINDINGS
    AUTO_FOCUS = None

    def __init__(self, context: AppContext, keymap: Keymap) -> None:
        super().__init__()
        self.context = context
        self.keymap = keymap
        self.panes = Panes(
            title=TitleBar("r1-tui", id="title"),
            listing=ConversationList(id="sidebar"),
            answers=AnswerPane(id="answer"),
            reasoning=ReasoningPane(id="reasoning"),
            prompt=PromptInput(id="prompt", placeholder=self._placeholder()),
            chips=AttachmentChips(id="chips"),
            status=StatusBar(hz=0, id="status"),
        )
        self.history = HistoryController(context, self.panes, self, keymap, self.busy)
        self.exchanges = Exchanges(context, self.panes, self, self._notice, self._answer_started, self._answer_done)
        self.clipboard = Clipboard(self.panes, keymap, self.notify, lambda text: self.app.copy_to_clipboard(text))
        self.navigator = Navigator(self.panes, self.area_shown, self.notify)
        self.connection = ConnectionController(context, self, self.busy, self.went_online)
        self.composer = Composer(context, self.panes, self, lambda: self.area_shown("prompt"))
        self.frames = FrameClock(self.panes, low_bandwidth=context.low_bandwidth)
        self.branches = Branches(context, self.panes, keymap, self._notice)
        self.history.on_shown = self.branches.shown
        self.review = TraceReview(self, context, self.panes, keymap)

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        panes = self.panes
        yield panes.title
        with Horizontal(id="body"):
            yield panes.listing
            with Vertical(id="main"):
                with Horizontal(id="panes"):
                    yield panes.answers
                    yield panes.reasoning
                yield Static(Text(one_line(self.context.setup_hint, 300)), id="offline-hint", markup=False)
                yield panes.chips
                yield panes.prompt
                yield panes.status
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        panes, keymap = self.panes, self.keymap
        panes.prompt.set_keys(keymap.keys_for("send"), [*keymap.keys_for("newline"), *keymap.keys_for("newline_alt")])
        panes.title.set_subtitle(self.context.connection_title())
        panes.status.model.endpoint = self.context.endpoint_label()
        panes.status.model.error_key = keymap.describe("show_error") if keymap.keys_for("show_error") else ""
        panes.status.model.thinking = self.context.thinking_label
        panes.status.render_now()
        self._apply_offline()
        if self.app.size.width < NARROW_SCREEN and not self.context.offline:  # offline, the list is all there is
            self.add_class("-hide-list")
        self.history.reload_list()
        self.set_focus(self.navigator.default_focus())
        self.frames.start(self)
        self.set_interval(OTHER_WRITERS_S, self.history.follow_other_writers)  # a second r1-tui's new messages
        self.context.on_save_error = self.history.save_failed
        if self.context.session.tree is not None:  # r1-tui -c / --conversation ID
            self.call_later(self.history.show, self.context.session.tree)

    def on_resize(self, event: Resize) -> None:
        self.panes.status.set_max_lines(2 if event.size.height < SHORT_SCREEN else 3)

    def _placeholder(self) -> str:
        if not self.context.offline:
            keys = self.keymap
            return f"Type a prompt · {keys.describe('send')} sends · {keys.describe('newline')} newline"
        why = "read-only history" if self.context.client or self.context.read_only else "no endpoint configured"
        return f"Composing is disabled: {why}"

    def _apply_offline(self) -> None:
        offline = self.context.offline
        prompt = self.panes.prompt
        self.set_class(offline, "-offline")
        prompt.read_only = prompt.disabled = offline
        prompt.placeholder = self._placeholder()
        self.panes.listing.read_only = not self.context.history_writable
        self.refresh_bindings()

    def went_online(self) -> None:
        """A client is in place (setup or a switch): the prompt opens, the new endpoint shows."""
        self._apply_offline()
        self.panes.title.set_subtitle(self.context.connection_title())
        self.panes.status.model.endpoint = self.context.endpoint_label()
        self.panes.status.render_now()
        self.history.reload_list()
        self.set_focus(self.panes.prompt)

    def area_shown(self, area: str) -> bool:
        """Is ``area`` ("list", "reasoning", "prompt") on screen and usable?"""
        if area == "list":
            return not self.has_class("-hide-list") and self.panes.listing.display
        if area == "reasoning":
            return not self.has_class("-hide-reasoning")
        return not self.context.offline and not self.panes.prompt.disabled

    # -- what can run now ---------------------------------------------------------------------

    def busy(self, what: str) -> bool:
        """True (and says so) while an answer streams."""
        if not self.exchanges.running:
            return False
        self.notify(f"An answer is streaming: {self.keymap.describe('stop')} stops it before you {what}.",
                    severity="warning")
        return True

    def _cannot_ask(self, what: str) -> bool:
        """True (and says why) when nothing can be sent: offline, or an answer streams."""
        if self.context.offline:
            self.notify(one_line(self.context.setup_hint, 200), severity="warning", markup=False)
            return True
        return self.busy(what)

    def unavailable(self, action: str) -> str | None:
        """Why ``action`` cannot run now (None if it can); the palette shows it."""
        return why_not(action, self.context, self.panes, conv_id=self.history.conv_id,
                       streaming=self.exchanges.running)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """What the footer shows (and the keys do) now."""
        if action == "stop":  # hidden from the footer, and Esc goes to the prompt, when nothing runs
            return self.exchanges.running
        return self.review.works_now(parameters) if action == "trace" else True

    async def run_command(self, action: str) -> None:
        """Run ``action`` from the palette, or say why it cannot run now."""
        why = self.unavailable(action.removeprefix("app."))
        if why is not None:
            self.notify(f"Not now: {why}.", severity="warning")
            return
        await self.run_action(action)

    # -- messages from the widgets ------------------------------------------------------------

    @on(PromptInput.Submitted)
    async def _submitted(self, event: PromptInput.Submitted) -> None:
        if self._cannot_ask("send another prompt"):
            return
        new = self.history.conv_id is None
        problem = await self.exchanges.send(event.text, self.panes.chips.attachments, self.branches.edit_target())
        if problem is not None:
            return self._warn(problem)
        self.panes.prompt.clear()
        await self.composer.sent()
        await self.branches.sent(self.exchanges.current.exchange if self.exchanges.current else None)
        if new:
            self.context.conversation_started()
            self.history.started(self.context.session.title)
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#sidebar")
    async def _open_selected(self, event: OptionList.OptionSelected) -> None:
        self.panes.listing.opening = None  # history.open marks itself loading before it awaits anything
        if event.option.id is not None and event.option.id not in (ConversationList.MORE_ID, ConversationList.HEADER_ID):
            await self.history.open(event.option.id)
            self.set_focus(self.navigator.default_focus())

    @on(AnswerBlock.Selected)
    def _answer_selected(self, event: AnswerBlock.Selected) -> None:
        self.history.show_reasoning(event.block, event.changed)

    @on(AnswerGroup.Switched)
    async def _alternative_switched(self, event: AnswerGroup.Switched) -> None:
        self.history.alternative_shown(event.block)
        await self.branches.sync()  # that answer's later turns

    def on_conversation_list_rename_requested(self, event: ConversationList.RenameRequested) -> None:
        self.history.rename(event)

    def on_conversation_list_archive_requested(self, event: ConversationList.ArchiveRequested) -> None:
        self.history.archive(event)

    def on_conversation_list_delete_requested(self, event: ConversationList.DeleteRequested) -> None:
        self.history.confirm_delete(event.conv_id, event.title)

    def on_conversation_list_view_toggled(self, _event: ConversationList.ViewToggled) -> None:
        self.action_toggle_archived()

    def on_conversation_list_more_requested(self, event: ConversationList.MoreRequested) -> None:
        self.history.load_more(event.offset)

    def _answer_started(self) -> None:
        self.history.refresh_current()  # its count: one row (the whole list for a new conversation)

    async def _answer_done(self) -> None:
        self.history.refresh_current()  # more choices may have been stored (n > 1); else no repaint
        await self.branches.sync()  # an answer asked again mid-conversation has no later turns yet
        await self.query_one(KeyFooter).show_current_keys()  # bindings refreshed: the end's one frame has no Stop

    def _notice(self, message: str) -> None:
        self.notify(message, title="Notice", markup=False)

    # -- focus ---------------------------------------------------------------------------------

    def focus_next(self, selector: str | type[Widget] = "*") -> Widget | None:
        """Tab: the next area (list, answer pane, reasoning pane, prompt)."""
        self.navigator.cycle(self.focused, 1)
        return self.focused

    def focus_previous(self, selector: str | type[Widget] = "*") -> Widget | None:
        self.navigator.cycle(self.focused, -1)
        return self.focused

    # -- actions (keys: tui/ui/bindings.py) ------------------------------------------------------

    async def action_new_conversation(self) -> None:
        if await self.history.new():
            self.context.forget_new_conversation()
            if not self.context.offline:
                self.set_focus(self.panes.prompt)

    def action_search(self) -> None:
        self.history.search()

    def action_stop(self) -> bool:
        if stopped := self.exchanges.stop():
            self.notify("Stopped.", timeout=2)
        return stopped

    def action_interrupt(self) -> None:
        """Ctrl+C: stop the answer; else copy what is selected; else say how to quit."""
        if not self.action_stop() and not self.clipboard.copy_selection(self.get_selected_text()):
            self.notify(f"Nothing is streaming. {self.keymap.describe('quit')} quits; "
                        f"{self.keymap.describe('copy_answer')} copies the answer.", timeout=4)

    async def action_focus_prompt(self) -> None:
        await self.branches.cancel_edit()
        self.set_focus(self.navigator.default_focus())

    def action_toggle_list(self) -> None:
        self.toggle_class("-hide-list")
        self.set_focus(self.navigator.kept_visible(self.focused))

    def action_toggle_reasoning(self) -> None:
        self.toggle_class("-hide-reasoning")
        self.set_focus(self.navigator.kept_visible(self.focused))

    def action_toggle_archived(self) -> None:
        self.remove_class("-hide-list")
        self.history.toggle_archived()

    def action_undo_archive(self) -> None:
        self.panes.listing.action_undo_archive()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(areas(), self.keymap))

    async def action_regenerate(self) -> None:
        """Ask again from the prompt of the focused (or last) answer; earlier answers stay alternatives."""
        if self._cannot_ask("ask again"):
            return
        group = self.navigator.target_group(self.focused)
        if group is None or self.history.conv_id is None:
            self.notify("There is no answer to ask again yet.", severity="warning", timeout=3)
            return
        problem = await self.exchanges.regenerate(group)
        self._warn(problem)
        self.refresh_bindings()

    def action_edit_in_editor(self) -> None:
        self.composer.edit_in_editor()

    def action_recall_search(self) -> None:
        self.composer.recall_search()

    def action_attach(self) -> None:
        self.composer.attach()

    def action_prev_answer(self) -> None:
        self.panes.answers.move(-1)

    def action_next_answer(self) -> None:
        self.panes.answers.move(1)

    def action_prev_prompt(self) -> None:
        self.navigator.jump_prompt(-1)

    def action_next_prompt(self) -> None:
        self.navigator.jump_prompt(1)

    def action_cursor_down(self) -> None:
        self.navigator.step(self.focused, 1)

    def action_cursor_up(self) -> None:
        self.navigator.step(self.focused, -1)

    async def action_copy_answer(self) -> None:  # copy keys act on what is on screen (settled)
        await self.history.settled()
        self.clipboard.copy_answer()

    async def action_copy_reasoning(self) -> None:
        await self.history.settled()
        self.clipboard.copy_reasoning()

    async def action_next_code_block(self) -> None:
        await self.history.settled()
        self.clipboard.next_code_block()

    async def action_copy_code_block(self) -> None:
        await self.history.settled()
        self.clipboard.copy_code_block()

    def action_toggle_thinking(self) -> None:
        self.connection.toggle_thinking(self.unavailable("toggle_thinking"))
        self.panes.status.render_now()

    def action_show_error(self) -> None:
        details = self.panes.status.model.error_details
        self.app.push_screen(ErrorScreen(details)) if details else self.notify("No error so far.", timeout=2)

    def action_settings(self) -> None:
        self.connection.settings()

    def action_setup(self) -> None:
        self.connection.setup()

    def action_switch_deployment(self) -> None:
        self.connection.switch_deployment()

    def action_export(self) -> None:
        self.history.export()

    def _warn(self, problem: str | None) -> None:
        if problem is not None:
            self.notify(one_line(problem, 300), severity="warning", timeout=4, markup=False)

    async def action_edit_prompt(self) -> None:
        self._warn(self.unavailable("edit_prompt") or await self.branches.edit(self.focused))

    async def action_prev_branch(self) -> None:
        self._warn(self.unavailable("prev_branch") or await self.branches.flip(self.focused, -1))

    async def action_next_branch(self) -> None:
        self._warn(self.unavailable("next_branch") or await self.branches.flip(self.focused, 1))

    async def action_fork_conversation(self) -> None:
        self._warn(self.unavailable("fork_conversation") or await self.history.fork())

    async def action_trace(self, what: str) -> None:
        """A key of trace review (``trace('next_step')``...): :class:`TraceReview` runs it."""
        await self.review.run(what)
