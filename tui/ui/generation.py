"""One streamed answer on screen: the engine's exchange updates, turned into stream-view calls.

The engine's :class:`tui.chat.exchange.Exchange` streams, keeps the text (its transcript)
and saves, exactly as for ``r1-tui ask``. :class:`Generation` is the adapter between its
updates and :class:`tui.ui.stream_view.StreamView` (the only place they reach widgets):
``AnswerOpened`` mounts a block, each stream event shows what it added, ``ExchangeEnded``
marks every choice. :class:`tui.ui.exchanges.Exchanges` runs :meth:`Generation.run` in a
worker; cancelling it (Esc) stops the stream or the retry wait, and the engine keeps and
saves the partial text "stopped". This module knows no widget.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

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
from tui.metrics import Prices
from tui.sanitize import one_line
from tui.ui.stream_view import StreamView
from tui.ui.widgets.message_stats import Stats, format_cost, stats_of, with_timeline
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


def failure_details(event: Failed) -> str:
    """The whole failure, for the error dialog: what happened, then what to do (not cut)."""
    text = f"{event.kind}: {event.message}"
    return f"{text}\n\n{event.hint}" if event.hint else text


def tokens_of(usage: Usage) -> Tokens:
    return Tokens(usage.prompt_tokens, usage.completion_tokens, usage.total_tokens, usage.reasoning_tokens,
                  usage.estimated, usage.reasoning_estimated)


@dataclass
class ChoiceState:
    """What the adapter tracks per choice."""

    note: str = ""
    started: bool = False  # its first text arrived
    answering: bool = False


@dataclass
class Generation:
    """Shows one exchange through ``view``; ``run`` is awaited inside a worker."""

    exchange: Exchange
    view: StreamView
    on_opened: Callable[[], Awaitable[None]] | None = None  # choice 0's answer exists (and is queued to save)
    choices: dict[int, ChoiceState] = field(default_factory=dict)
    prices: Prices | None = None  # the profile's price table: the stats line shows the answer's cost

    @property
    def transcript(self) -> Transcript:
        return self.exchange.transcript

    async def run(self) -> None:
        """Stream through the engine; every update is shown by :meth:`on_update`."""
        self.view.begin()
        await self.exchange.run(self.on_update)

    async def on_update(self, update: Update) -> None:
        """One engine update: a new answer, a stream event, or the end."""
        match update:
            case AnswerOpened(choice=choice, message_id=msg_id):
                self.choices[choice] = ChoiceState()
                await self.view.open(choice, msg_id, self.exchange.choice_base + choice, self._text_source(choice))
                if choice == 0 and self.on_opened is not None:
                    await self.on_opened()
            case ExchangeEnded(states=states):
                await self.finish(states)
            case _:
                await self.handle(update)

    def _text_source(self, choice: int) -> Callable[[], tuple[str, str]]:
        """Where the block of ``choice`` reads its text: the engine's transcript, the only copy."""
        text = self.transcript.choice(choice)
        return lambda: (text.reasoning, text.answer)

    async def handle(self, event: Update) -> None:
        """Show one stream event (the engine applied it to the transcript already)."""
        choice = getattr(event, "choice", None)
        state = self.choices.get(choice) if isinstance(choice, int) else None
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
                await view.reclassified(index)
                if not reasoning:
                    view.thinking_ended(index, self.transcript.choice_reasoning_s(index))
            case Usage():
                view.usage(tokens_of(event), final=False)
            case Retrying(attempt=attempt, max_attempts=maximum, delay_s=delay, reason=reason):
                view.retrying(attempt, maximum, delay, reason)
            case Notice(message=message):
                view.notice(message)
            case Finished(reason=reason):
                if state is not None:
                    state.note = LENGTH_NOTE if reason == "length" else ""
            case Failed():
                view.failed(failure_text(event), failure_details(event))

    def _first_token(self, choice: int, state: ChoiceState) -> None:
        if not state.started:
            state.started = True
            at = self.transcript.choice(choice).first_token_at
            self.view.first_token(choice, self.transcript.choice_first_token_s(choice), at)

    # -- the end ---------------------------------------------------------------------

    def _note(self, choice: int, state: str) -> str:
        failure = self.transcript.failure
        if state in ("interrupted", "failed") and failure is not None:
            return failure_text(failure)
        if state == "interrupted":
            return "the stream ended without a finish reason"
        return "" if state in ("stopped", "filtered") else self.choices[choice].note

    def _stats(self, choice: int) -> Stats:
        t = self.transcript
        usage = t.usage if choice == min(self.choices) else None  # usage covers the request: on the first
        timing = t.timing(choice)
        stats = stats_of(usage.completion_tokens if usage else None, usage.reasoning_tokens if usage else None,
                         bool(usage and usage.any_estimated), timing.first_token_s, timing.reasoning_s,
                         timing.total_s)
        text = t.choice(choice)
        stats = with_timeline(stats, t.choice_timeline(choice), usage.completion_tokens if usage else None,
                              len(text.reasoning) + len(text.answer))
        cost = self.prices.cost(usage) if self.prices is not None and usage is not None else None
        return stats if cost is None else replace(stats, cost=format_cost(cost, self.prices.currency if self.prices else ""))

    async def finish(self, states: dict[int, str]) -> None:
        """Mark every choice with its final state (the engine saved them); then the status bar. The
        screen shows it all at once when the caller releases the view's frames (StreamView.hold_frames)."""
        self.view.hold_frames()
        for choice in self.choices:
            state = states.get(choice, self.transcript.final_state(choice))
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
        state = t.final_state(0) if self.choices else t.state
        failure = t.failure
        activity = "endpoint unreachable" if failure is not None and failure.kind == "connection" else (
            "" if state == "complete" else state)
        error = FILTERED if state == "filtered" else NO_FINISH if state == "interrupted" and failure is None else None
        self.view.done(rate=rate_text, activity=activity, error=error)
