"""Where every answer starts and stops: send, regenerate, stop — the seam the engine replaces.

The main screen calls only :class:`Exchanges` to start or stop an answer, and a running
answer reaches the widgets only through :class:`tui.ui.stream_view.StreamView`. Today an
exchange is a :class:`tui.ui.generation.Generation` run in a worker; with the
conversation engine, ``send`` / ``regenerate`` / ``stop`` call the engine's session and
an adapter turns its updates into ``StreamView`` calls — nothing else in tui/ui/ changes.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen
from textual.worker import Worker

from tui.chat.context import answers_for, build_turns
from tui.chat.recorder import title_for
from tui.llm.request import ChatRequest, Turn
from tui.store import MessageRecord
from tui.ui.context import AppContext
from tui.ui.generation import Generation
from tui.ui.panes import Panes
from tui.ui.stream_view import StreamView
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.status import Tokens


class Exchanges:
    """Starts answers in the screen's worker; one runs at a time."""

    def __init__(self, context: AppContext, panes: Panes, host: Screen[None], notify: Callable[[str], None],
                 on_started: Callable[[], None], on_done: Callable[[], None]) -> None:
        self.context = context
        self.panes = panes
        self.host = host
        self.notify = notify
        self.on_started = on_started  # the prompt and its (empty) answer are stored
        self.on_done = on_done
        self.current: Generation | None = None
        self._worker: Worker[None] | None = None

    @property
    def running(self) -> bool:
        """An answer is streaming (or waiting to retry)."""
        return self.current is not None

    async def send(self, conv_id: str | None, text: str) -> str:
        """Store ``text`` as the next prompt of ``conv_id`` (a new conversation if None), show it,
        and stream the answer; returns the conversation's id."""
        store = self.context.store
        turns: list[Turn] = []
        if conv_id is None:
            conv_id = store.create_conversation(title_for(text))
            self.panes.status.model.conversation = Tokens()
        else:
            conversation = store.get_conversation(conv_id)
            turns = build_turns(conversation.messages) if conversation else []
        user_id = store.add_user_message(conv_id, text)
        answers = self.panes.answers
        await answers.add_prompt(text)
        answers.follow(True)
        group = AnswerGroup(prompt_id=user_id, prompt=text)
        await answers.mount(group)
        self._start(conv_id, user_id, self.context.defaults.request([*turns, Turn("user", text)]), group)
        return conv_id

    async def regenerate(self, conv_id: str, group: AnswerGroup) -> str | None:
        """Ask again from ``group``'s prompt with the same earlier context; None, or why it cannot."""
        if group.prompt_id is None:
            return "There is no answer to ask again yet."
        conversation = self.context.store.get_conversation(conv_id)
        messages = conversation.messages if conversation else []
        request = regenerate_request(messages, group.prompt_id, self.context)
        if request is None:
            return "That prompt is no longer stored."
        existing = answers_for(messages, group.prompt_id)
        base = max((a.choice_index for a in existing), default=-1) + 1
        groups = list(self.panes.answers.query(AnswerGroup))
        self.panes.answers.follow(bool(groups) and groups[-1] is group)  # follow only at the end
        self._start(conv_id, group.prompt_id, request, group, choice_base=base, regenerate=True)
        return None

    def _start(self, conv_id: str, user_id: str, request: ChatRequest, group: AnswerGroup, *,
               choice_base: int = 0, regenerate: bool = False) -> None:
        client = self.context.client
        assert client is not None
        panes = self.panes
        view = StreamView(group, panes.answers, panes.reasoning, panes.status, self.notify,
                          label=client.endpoint.deployment, low_bandwidth=self.context.low_bandwidth,
                          opened=self.on_started)
        generation = Generation(client, self.context.store, view, conv_id, user_id, request,
                                choice_base=choice_base, regenerate=regenerate)
        self.current = generation
        panes.prompt.cursor_blink = False  # a blink is a frame: none while streaming
        self._worker = self.host.run_worker(self._run(generation), exclusive=True, group="generate")

    async def _run(self, generation: Generation) -> None:
        try:
            await generation.run()
        finally:
            if self.current is generation:
                self.current = None
                self.panes.prompt.cursor_blink = True
            self.on_done()

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


def regenerate_request(messages: list[MessageRecord], prompt_id: str, context: AppContext) -> ChatRequest | None:
    """The request that asked ``prompt_id``: earlier prompts and selected answers, then the prompt."""
    prompt = next((m for m in messages if m.id == prompt_id and m.role == "user"), None)
    if prompt is None:
        return None
    turns = build_turns(messages, before=prompt_id)
    return context.defaults.request([*turns, Turn("user", prompt.content)])
