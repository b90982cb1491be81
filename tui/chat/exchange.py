"""One exchange: a request streamed into its transcript, saved, and told to whoever listens.

``Exchange.run(listener)`` pulls events from :meth:`ChatClient.stream`, applies each to the
:class:`Transcript` (the only copy of the text while it streams), hands it to the
:class:`Recorder`, then calls ``listener`` with it. Updates are the stream's events plus
:class:`AnswerOpened` (a choice's answer now exists, with its message id) and, always last,
:class:`ExchangeEnded`. Cancelling the task that runs it stops the stream: the partial text
is kept and saved "stopped". An unexpected error ends it as failed with the text kept.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.chat.context import ContextPlan
from tui.chat.recorder import Recorder
from tui.chat.transcript import Transcript
from tui.llm.events import Event, Failed
from tui.llm.request import ChatRequest
from tui.store.ids import new_id

if TYPE_CHECKING:
    from tui.llm.client import ChatClient


@dataclass(frozen=True, slots=True)
class AnswerOpened:
    """Choice ``choice``'s answer exists now (before its first text), as message ``message_id``."""

    choice: int
    message_id: str


@dataclass(frozen=True, slots=True)
class ExchangeEnded:
    """The exchange is over; ``states`` maps each choice to its final state (complete, stopped...)."""

    states: dict[int, str] = field(default_factory=dict)


Update = Event | AnswerOpened | ExchangeEnded
# A listener may be a plain function (ask's printer) or a coroutine function (the app, which
# mounts widgets); the exchange awaits it before taking the next event.
Listener = Callable[[Update], Awaitable[None] | None]


class Exchange:
    """One request to the model and everything it produced. Run it once."""

    def __init__(self, client: ChatClient, request: ChatRequest, *, prompt_id: str,
                 recorder: Recorder | None = None, choice_base: int = 0, plan: ContextPlan | None = None,
                 on_end: Callable[[Exchange], None] | None = None, transcript: Transcript | None = None) -> None:
        self.client = client
        self.request = request
        self.prompt_id = prompt_id
        self.recorder = recorder
        self.choice_base = choice_base  # regenerate: the new answers come after the existing ones
        self.plan = plan
        self.transcript = transcript or Transcript()
        self.message_ids: dict[int, str] = {}
        self._on_end = on_end
        self._listener: Listener | None = None
        self.ended = False

    @property
    def conversation_id(self) -> str | None:
        """The conversation saved into (None when not saving)."""
        return self.recorder.conversation_id if self.recorder is not None else None

    async def _tell(self, update: Update) -> None:
        if self._listener is not None:
            result = self._listener(update)
            if inspect.isawaitable(result):
                await result

    async def _open(self, choice: int) -> None:
        if choice in self.message_ids:
            return
        msg_id = new_id()
        self.message_ids[choice] = msg_id
        if self.recorder is not None:
            self.recorder.open(choice, msg_id)
        await self._tell(AnswerOpened(choice, msg_id))

    async def run(self, listener: Listener | None = None) -> Transcript:
        """Stream to the end (or until cancelled); returns the transcript."""
        self._listener = listener
        cancelled = False
        try:
            await self._open(0)
            async with aclosing(self.client.stream(self.request)) as events:
                async for event in events:
                    self.transcript.apply(event)
                    choice = getattr(event, "choice", None)
                    if isinstance(choice, int):
                        await self._open(choice)
                    if self.recorder is not None:
                        self.recorder.on_event(event)
                    await self._tell(event)
        except asyncio.CancelledError:
            cancelled = True
            raise
        except Exception as exc:  # a bug or an unexpected error: keep the partial text, say so
            failure = Failed("server", f"unexpected error: {type(exc).__name__}: {exc}")
            self.transcript.apply(failure)
            await self._tell(failure)
        finally:
            await self._end(cancelled)
        return self.transcript

    async def _end(self, cancelled: bool) -> None:
        if cancelled:
            self.transcript.stop()
        self.ended = True
        try:
            if self.recorder is not None:
                self.recorder.finish(self.transcript)
        finally:
            if self._on_end is not None:
                self._on_end(self)
            await self._tell(ExchangeEnded({c: self.transcript.final_state(c) for c in self.message_ids}))
