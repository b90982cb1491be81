"""One streamed generation: request -> events -> transcript and recorder -> the stream view.

State and timings come from :class:`tui.chat.transcript.Transcript` and saving goes
through :class:`tui.chat.recorder.Recorder`, exactly as for ``r1-tui ask``; what changes on
screen goes through :class:`tui.ui.stream_view.StreamView` only (this module knows no
widget). :class:`tui.ui.exchanges.Exchanges` runs :meth:`Generation.run` in a worker;
cancelling it (Esc) stops the stream or the retry wait, and the partial text is kept and
saved "stopped". Each choice of the request becomes one alternative of the prompt's
answer group (choice 0 is displayed).

This is the controller the conversation engine (tui/chat/) replaces: see exchanges.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import cast

from tui.chat.recorder import Recorder
from tui.chat.transcript import Transcript
from tui.llm.client import ChatClient
from tui.llm.events import (
    AnswerDelta,
    Event,
    Failed,
    Finished,
    Notice,
    ReasoningDelta,
    Reclassified,
    Retrying,
    Started,
    Usage,
)
from tui.llm.request import ChatRequest
from tui.sanitize import one_line
from tui.store import HistoryStore
from tui.ui.stream_view import StreamView
from tui.ui.widgets.message_stats import Stats, stats_of
from tui.ui.widgets.status import Tokens

UNREACHABLE = "endpoint unreachable — history still browsable"
NO_FINISH = "the stream ended without a finish reason — the partial answer is kept"
FILTERED = "answer filtered by the content filter (finish_reason: content_filter) — the partial answer is kept"
LENGTH_NOTE = "cut at max_tokens (finish_reason: length)"


def failure_text(event: Failed) -> str:
    """The status-bar line for a failure (connection failures say the endpoint is unreachable)."""
    text = f"{event.kind}: {one_line(event.message, 160)}"
    if event.hint:
        text += f" — {one_line(event.hint, 160)}"
    return f"{UNREACHABLE} · {text}" if event.kind == "connection" else text


def tokens_of(usage: Usage) -> Tokens:
    return Tokens(usage.prompt_tokens, usage.completion_tokens, usage.total_tokens, usage.reasoning_tokens,
                  usage.estimated, usage.reasoning_estimated)


@dataclass
class ChoiceState:
    """What the controller tracks per choice."""

    note: str = ""
    started: bool = False  # its first text arrived
    answering: bool = False


@dataclass
class Generation:
    """Everything one send (or regenerate) needs; ``run`` is awaited inside a worker."""

    client: ChatClient
    store: HistoryStore
    view: StreamView
    conv_id: str
    user_id: str
    request: ChatRequest
    choice_base: int = 0  # stored choice_index of choice 0 (regenerate: after the existing alternatives)
    regenerate: bool = False
    choices: dict[int, ChoiceState] = field(default_factory=dict)
    transcript: Transcript = field(default_factory=Transcript)
    recorder: Recorder = field(init=False)

    def __post_init__(self) -> None:
        self.recorder = Recorder(self.store, self.conv_id)
        self.recorder.attach(self.conv_id, self.user_id, self.client.endpoint, choice_base=self.choice_base)

    async def open_choice(self, choice: int) -> ChoiceState:
        """Open the stored answer and its block (choice 0 at send time, the others when they start)."""
        state = self.choices.get(choice)
        if state is not None:
            return state
        msg_id = self.recorder.open(choice)
        state = self.choices[choice] = ChoiceState()
        await self.view.open(choice, msg_id, self.choice_base + choice)
        if choice == 0 and self.regenerate:
            self.store.select_alternative(msg_id)
        return state

    async def run(self) -> None:
        """Stream, dispatch events, and always finish every choice (also when cancelled)."""
        cancelled = False
        try:
            await self.open_choice(0)
            self.view.begin()
            stream = cast(AsyncGenerator[Event, None], self.client.stream(self.request))  # an async generator
            async with aclosing(stream) as events:
                async for event in events:
                    await self.handle(event)
        except asyncio.CancelledError:
            cancelled = True
            raise
        except Exception as exc:  # a bug or an unexpected error (the store failing...): keep the partial, say so
            failure = Failed("server", f"error: {one_line(str(exc), 160)}")
            self.transcript.apply(failure)
            self.view.failed(failure_text(failure))
        finally:
            await self.finish(cancelled)

    async def handle(self, event: Event) -> None:
        """Apply one event to the transcript and the recorder, then to the stream view."""
        self.transcript.apply(event)
        choice = getattr(event, "choice", None)
        state = await self.open_choice(choice) if isinstance(choice, int) else None
        self.recorder.on_event(event, self.transcript)
        view = self.view
        match event:
            case Started():
                view.started()
            case ReasoningDelta(text=text, choice=index, provisional=provisional):
                assert state is not None
                self._first_token(index, state)
                if provisional and not state.note:
                    state.note = "provisional reasoning"
                view.reasoning_text(index, text)
            case AnswerDelta(text=text, choice=index):
                assert state is not None
                self._first_token(index, state)
                if not state.answering:
                    state.answering = True
                    view.answering(index, self.transcript.choice_reasoning_s(index))
                await view.answer_text(index, text)
            case Reclassified(reasoning=reasoning, answer=answer, choice=index):
                assert state is not None
                state.note = ""
                await view.reclassified(index, reasoning, answer)
                if not reasoning:
                    view.thinking_ended(index, self.transcript.choice_reasoning_s(index))
            case Usage():
                view.usage(tokens_of(event), final=False)
            case Retrying(attempt=attempt, max_attempts=maximum, delay_s=delay, reason=reason):
                view.retrying(attempt, maximum, delay, reason)
            case Notice(message=message):
                view.notice(message)
            case Finished(reason=reason):
                assert state is not None
                state.note = LENGTH_NOTE if reason == "length" else ""
            case Failed():
                view.failed(failure_text(event))

    def _first_token(self, choice: int, state: ChoiceState) -> None:
        if not state.started:
            state.started = True
            at = self.transcript.choice(choice).first_token_at
            self.view.first_token(choice, self.transcript.choice_first_token_s(choice), at)

    # -- the end ---------------------------------------------------------------------

    def choice_state(self, choice: int) -> str:
        """The final state of a choice ("streaming" at the end means the stream just stopped)."""
        state = self.transcript.choice_state(choice)
        return "interrupted" if state == "streaming" else state

    def _note(self, choice: int, state: str) -> str:
        failure = self.transcript.failure
        if state in ("interrupted", "failed") and failure is not None:
            return failure_text(failure)
        if state == "interrupted":
            return "the stream ended without a finish reason"
        return "" if state in ("stopped", "filtered") else self.choices[choice].note

    def _stats(self, choice: int) -> Stats:
        t = self.transcript
        usage = t.usage if choice == min(self.choices) else None
        return stats_of(usage.completion_tokens if usage else None, usage.reasoning_tokens if usage else None,
                        bool(usage and (usage.estimated or usage.reasoning_estimated)),
                        t.choice_first_token_s(choice), t.choice_reasoning_s(choice), t.total_s)

    async def finish(self, cancelled: bool) -> None:
        """Save and mark every choice; runs even when the worker is cancelled."""
        if cancelled:
            self.transcript.stop()
        try:
            self.recorder.finish(self.transcript)
        except Exception as exc:  # the store failing must not lose the screen
            self.view.notice(f"could not save: {exc}")
        with self.view.one_frame():
            for choice in self.choices:
                state = self.choice_state(choice)
                await self.view.finish(choice, state, self._note(choice, state),
                                       self.transcript.choice_reasoning_s(choice), self._stats(choice))
            self._final_status()

    def _final_status(self) -> None:
        t = self.transcript
        usage = t.usage
        rate = t.tokens_per_s()
        rate_text = "" if rate is None else f"{'~' if usage is None or usage.estimated else ''}{rate:.1f} tok/s"
        if usage is not None:
            self.view.usage(tokens_of(usage), final=True)
        state = self.choice_state(0) if self.choices else t.state
        failure = t.failure
        activity = "endpoint unreachable" if failure is not None and failure.kind == "connection" else (
            "" if state == "complete" else state)
        error = FILTERED if state == "filtered" else NO_FINISH if state == "interrupted" and failure is None else None
        self.view.done(rate=rate_text, activity=activity, error=error)
