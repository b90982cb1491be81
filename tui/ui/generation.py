"""One streamed generation: the UI side of an engine exchange (answer blocks, reasoning pane, status bar).

The engine's :class:`tui.chat.exchange.Exchange` streams, keeps the text (its transcript)
and saves, exactly as for ``r1-tui ask``; this module only shows the updates it publishes.
The app runs :meth:`Generation.run` in an exclusive worker; cancelling the worker (Esc)
stops the stream or the retry wait, and the partial text is kept and saved "stopped". Each
choice of the request becomes one alternative in the prompt's :class:`AnswerGroup` (choice 0
is displayed).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.chat.exchange import AnswerOpened, Exchange, ExchangeEnded, Update
from tui.chat.transcript import Transcript
from tui.llm.events import (
    AnswerDelta,
    Failed,
    Finished,
    Notice,
    ReasoningDelta,
    Reclassified,
    Retrying,
    Started,
    Usage,
)
from tui.sanitize import one_line
from tui.ui.widgets.message_stats import MessageStats
from tui.ui.widgets.status import Tokens
from tui.ui.widgets.transcript import AnswerBlock

if TYPE_CHECKING:
    from tui.ui.app import R1App
    from tui.ui.widgets.alternatives import AnswerGroup

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


@dataclass
class ChoiceView:
    """The widgets of one choice (one assistant message)."""

    choice: int
    block: AnswerBlock
    note: str = ""
    answering: bool = False


@dataclass
class Generation:
    """Shows one exchange; ``run`` is awaited inside the app's worker."""

    app: R1App
    exchange: Exchange
    group: AnswerGroup
    regenerate: bool = False
    views: dict[int, ChoiceView] = field(default_factory=dict)

    @property
    def transcript(self) -> Transcript:
        return self.exchange.transcript

    @property
    def usage(self) -> Usage | None:
        return self.transcript.usage

    # -- setup -----------------------------------------------------------------------

    async def open_choice(self, choice: int, msg_id: str) -> ChoiceView:
        """Mount the block of a choice's answer (choice 0 at once, others when they first appear)."""
        view = self.views.get(choice)
        if view is not None:
            return view
        endpoint = self.exchange.client.endpoint
        block = AnswerBlock(msg_id=msg_id, choice=self.exchange.choice_base + choice, label=endpoint.deployment)
        block.min_interval = 0.25 if self.app.low_bandwidth else 0.0
        view = self.views[choice] = ChoiceView(choice, block)
        shown = choice == 0
        await self.group.add(block, select=shown)
        block.begin()
        if shown:
            await self.app.reasoning_pane.show(block, "", live=True)
        return view

    # -- the loop --------------------------------------------------------------------

    async def run(self) -> None:
        """Stream through the engine; every update is shown by :meth:`on_update`."""
        status = self.app.status
        status.model.activity = "waiting"
        status.changed()
        try:
            await self.exchange.run(self.on_update)
        finally:
            try:
                await self.app.saved()  # "done" means saved: the list and a reopen see it
                for stats in self.app.query(MessageStats):
                    stats.refresh_now()  # it reads the stored usage: final only now, not at ExchangeEnded
            finally:
                self.app.generation_done(self)

    async def on_update(self, update: Update) -> None:
        """One engine update: a new answer, a stream event, or the end."""
        match update:
            case AnswerOpened(choice=choice, message_id=msg_id):
                await self.open_choice(choice, msg_id)
            case ExchangeEnded(states=states):
                await self.finish(states)
            case _:
                await self.handle(update)

    async def handle(self, event: object) -> None:
        """Show one stream event (already applied to the transcript by the engine)."""
        choice = getattr(event, "choice", None)
        view = self.views.get(choice) if isinstance(choice, int) else None
        status = self.app.status.model
        match event:
            case Started():
                status.retry_deadline = None
                status.activity = "thinking"
                self.app.status.changed()
            case ReasoningDelta(text=text, provisional=provisional):
                assert view is not None
                self._first_token(view)
                view.block.reasoning_parts.append(text)
                status.live_chars += len(text)
                if provisional and not view.note:
                    view.note = "provisional reasoning"
                self.app.reasoning_pane.append(view.block, text)
            case AnswerDelta(text=text):
                assert view is not None
                self._first_token(view)
                if not view.answering:
                    view.answering = True
                    self._end_thinking(view)
                    status.activity = "answering"
                    self.app.status.changed()
                status.live_chars += len(text)
                await view.block.write(text)
            case Reclassified(reasoning=reasoning, answer=answer):
                assert view is not None
                view.note = ""
                await view.block.replace(reasoning, answer)
                if self.app.reasoning_pane.source is view.block:
                    await self.app.reasoning_pane.log_widget.set_text(reasoning)
                if not reasoning:
                    self._end_thinking(view)
            case Usage():
                self.app.show_usage(self._tokens(event), final=False)
            case Retrying(attempt=attempt, max_attempts=maximum, delay_s=delay, reason=reason):
                status.retry_reason = reason
                status.retry_attempt = attempt
                status.retry_max = maximum
                status.retry_deadline = time.monotonic() + delay
                status.activity = "waiting to retry"
                self.app.status.render_now()
            case Notice(message=message):
                self.app.notify(one_line(message, 300), title="Notice", markup=False)
            case Finished(reason=reason):
                assert view is not None
                view.note = LENGTH_NOTE if reason == "length" else ""
            case Failed():
                status.error = failure_text(event)
                status.retry_deadline = None
                self.app.status.changed()

    # -- timing helpers --------------------------------------------------------------

    def _first_token(self, view: ChoiceView) -> None:
        """The first text of a choice: TTFT in the status bar, the thinking timer starts."""
        text = self.transcript.choice(view.choice)
        block = view.block
        if not view.answering and block.think_start is None and block.thought_s is None:
            block.think_start = text.first_token_at
            self._timing(view)
        status = self.app.status.model
        if status.stream_start is None:
            status.ttft_s = self.transcript.first_token_s
            status.stream_start = self.transcript.first_token_at
            self.app.status.changed()

    def _end_thinking(self, view: ChoiceView) -> None:
        block = view.block
        block.thought_s = self.transcript.choice_reasoning_s(view.choice)
        block.think_start = None
        self._timing(view)

    def _timing(self, view: ChoiceView) -> None:
        block = view.block
        self.app.reasoning_pane.set_timing(
            block,
            think_start=block.think_start,
            thought_s=block.thought_s,
            state="" if block.state in ("streaming", "complete") else block.state,
        )

    @staticmethod
    def _tokens(usage: Usage) -> Tokens:
        return Tokens(
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens,
            usage.reasoning_tokens,
            usage.estimated,
            usage.reasoning_estimated,
        )

    # -- the end ---------------------------------------------------------------------

    def _note(self, view: ChoiceView, state: str) -> str:
        failure = self.transcript.failure
        if state in ("interrupted", "failed") and failure is not None:
            return failure_text(failure)
        if state == "interrupted":
            return "the stream ended without a finish reason"
        return "" if state in ("stopped", "filtered") else view.note

    async def finish(self, states: dict[int, str]) -> None:
        """Mark every choice with its final state; the engine saved them already."""
        with self.app.batch_update():  # the final render, stats and status in one frame
            for choice, view in self.views.items():
                state = states.get(choice, self.transcript.final_state(choice))
                self._end_thinking(view)
                await view.block.finish(state, self._note(view, state))
                self._timing(view)
                await self.app.reasoning_pane.finish(view.block)
            self._final_status()

    def _final_status(self) -> None:
        status = self.app.status.model
        usage = self.transcript.usage
        rate = self.transcript.tokens_per_s()
        if rate is not None:
            est = "~" if usage is None or usage.estimated else ""
            status.rate = f"{est}{rate:.1f} tok/s"
        if usage is not None:
            self.app.show_usage(self._tokens(usage), final=True)
        status.stream_start = None
        status.live_chars = 0
        status.retry_deadline = None
        state = self.transcript.final_state(0) if self.views else self.transcript.state
        failure = self.transcript.failure
        if failure is not None and failure.kind == "connection":
            status.activity = "endpoint unreachable"
        else:
            status.activity = "" if state == "complete" else state
        if state == "filtered":
            status.error = FILTERED
        elif state == "interrupted" and failure is None:
            status.error = NO_FINISH
        self.app.status.render_now()
