"""Where every answer starts and stops: send, regenerate, stop.

The main screen calls only :class:`Exchanges` to start or stop an answer. Each goes through
the conversation engine's :class:`tui.chat.session.Session` (which plans the context, keeps
the tree and saves), and the exchange it returns runs in the screen's worker with a
:class:`tui.ui.generation.Generation` showing its updates through a
:class:`tui.ui.stream_view.StreamView` — the only place a running answer reaches widgets.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from inspect import isawaitable

from textual.screen import Screen
from textual.worker import Worker

from tui.chat.attachments import AttachmentError
from tui.chat.exchange import Exchange
from tui.chat.session import SessionError
from tui.store.models import Attachment
from tui.ui.context import AppContext
from tui.ui.generation import Generation
from tui.ui.panes import Panes
from tui.ui.stream_view import StreamView
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.status import Tokens


class Exchanges:
    """Starts answers in the screen's worker; one runs at a time."""

    def __init__(self, context: AppContext, panes: Panes, host: Screen[None], notify: Callable[[str], None],
                 on_started: Callable[[], None], on_done: Callable[[], Awaitable[None] | None]) -> None:
        self.context = context
        self.panes = panes
        self.host = host
        self.notify = notify
        self.on_started = on_started  # the prompt and its (empty) answer are saved: the list may show them
        self.on_done = on_done  # the answer ended and is saved
        self.current: Generation | None = None
        self._worker: Worker[None] | None = None

    @property
    def running(self) -> bool:
        """An answer is streaming (or waiting to retry)."""
        return self.current is not None

    async def send(self, text: str, attachments: tuple[Attachment, ...] = (), edit_of: str | None = None) -> str | None:
        """Send ``text`` (and its attachments) as the next prompt of the open conversation (a new
        one if none), or as a new branch beside prompt ``edit_of``; show it and stream its answer;
        returns why it could not (None when it started)."""
        session = self.context.chat_session()
        new = session.conversation_id is None
        try:
            if edit_of is not None:
                exchange = session.edit(edit_of, text, attachments)
            else:
                exchange = session.send(text, attachments)
        except (SessionError, AttachmentError, KeyError) as exc:  # the prompt and its attachments stay
            return str(exc)
        if new:
            self.panes.status.model.conversation = Tokens()
        answers = self.panes.answers
        edited = next((p for p in answers.prompts() if edit_of is not None and p.msg_id == edit_of), None)
        if edited is not None:  # the new branch replaces the edited prompt and what followed it
            await answers.cut_from(edited)
        await answers.add_prompt(text, attachments, exchange.prompt_id)
        answers.follow(True)
        group = AnswerGroup(prompt_id=exchange.prompt_id, prompt=text)
        await answers.mount(group)
        self._start(exchange, group)
        return None

    async def regenerate(self, group: AnswerGroup) -> str | None:
        """Ask again from ``group``'s prompt with the same earlier context; None, or why it cannot."""
        if group.prompt_id is None:
            return "There is no answer to ask again yet."
        try:
            exchange = self.context.chat_session().regenerate(group.prompt_id)
        except (SessionError, KeyError) as exc:
            return f"Cannot ask again: {exc}"
        groups = list(self.panes.answers.query(AnswerGroup))
        self.panes.answers.follow(bool(groups) and groups[-1] is group)  # follow only at the end
        self._start(exchange, group)
        return None

    def _start(self, exchange: Exchange, group: AnswerGroup) -> None:
        panes = self.panes
        view = StreamView(group, panes.answers, panes.reasoning, panes.status, self.notify,
                          label=exchange.client.endpoint.deployment, low_bandwidth=self.context.low_bandwidth)
        generation = Generation(exchange, view, on_opened=self._opened, prices=self.context.prices)
        self.current = generation
        panes.prompt.cursor_blink = False  # a blink is a frame: none while streaming
        self._worker = self.host.run_worker(self._run(generation), exclusive=True, group="generate")

    async def _opened(self) -> None:
        await self.context.saved()  # the conversation, prompt and answer rows are on disk: the list can count them
        self.on_started()

    async def _run(self, generation: Generation) -> None:
        try:
            await generation.run()
        finally:
            try:
                await self._wind_up(generation)
            finally:
                # The end's one frame: once on_done is over (it waits for the footer to show the keys),
                # or at the view's cap.
                self.host.call_after_refresh(generation.view.release_frames)

    async def _wind_up(self, generation: Generation) -> None:
        """After the stream: saved, then the prompt's cursor and the screen's own end (on_done)."""
        try:
            await self.context.saved()  # "done" means saved: the list and a reopen see it
        finally:
            if self.current is generation:
                self.current = None
                self.panes.prompt.cursor_blink = True
            done = self.on_done()
            if isawaitable(done):
                await done

    def stop(self) -> bool:
        """Stop the running answer (kept and saved "stopped"); False if none runs."""
        worker = self._worker
        if worker is None or not worker.is_running:
            return False
        worker.cancel()
        return True

    async def stop_and_wait(self) -> None:
        """Stop the running answer and wait until it is saved (before quitting)."""
        worker = self._worker
        if worker is not None and worker.is_running:
            worker.cancel()
            try:
                await worker.wait()
            except Exception:  # cancelled or failed: it was saved in its finally block
                pass
