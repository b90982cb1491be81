"""One streamed generation: consume ``ChatClient.stream`` events, drive the panes and the store.

The app runs :meth:`Generation.run` in an exclusive worker; cancelling the worker (Esc)
stops the stream or the retry wait, and the partial text is kept and saved "stopped".
"""

from __future__ import annotations

import asyncio
import time
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
from tui.store import StreamingWriter, TimingRecord, UsageRecord
from tui.ui.widgets.status import Tokens
from tui.ui.widgets.transcript import AnswerBlock

if TYPE_CHECKING:
    from tui.llm.request import ChatRequest
    from tui.ui.app import R1App


@dataclass
class ChoiceRun:
    """The live state of one choice (one assistant message)."""

    choice: int
    msg_id: str
    writer: Any
    block: AnswerBlock
    first_token: float | None = None
    answer_start: float | None = None
    finish_reason: str | None = None
    state: str | None = None
    note: str = ""
    chars: int = 0


@dataclass
class Generation:
    """Everything one send needs; ``run`` is awaited inside the app's worker."""

    app: R1App
    conv_id: str
    user_id: str
    request: ChatRequest
    runs: dict[int, ChoiceRun] = field(default_factory=dict)
    usage: Usage | None = None
    sent_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None

    # -- setup -----------------------------------------------------------------------

    async def open_choice(self, choice: int) -> ChoiceRun:
        """Begin the stored answer and mount its block (choice 0 at send time, others lazily)."""
        run = self.runs.get(choice)
        if run is not None:
            return run
        endpoint = self.app.client.endpoint if self.app.client else None
        store = self.app.store
        msg_id = store.begin_answer(
            self.conv_id,
            self.user_id,
            model=endpoint.deployment if endpoint else None,
            deployment=endpoint.deployment if endpoint else None,
            endpoint_host=endpoint.host if endpoint else None,
            choice_index=choice,
        )
        label = endpoint.deployment if endpoint else "assistant"
        block = AnswerBlock(msg_id=msg_id, choice=choice, label=label)
        block.min_interval = 0.25 if self.app.low_bandwidth else 0.0
        await self.app.transcript.add_answer(block)
        block.begin()
        if self.started_at is not None:
            block.think_start = self.started_at
        run = ChoiceRun(choice, msg_id, StreamingWriter(store, msg_id, interval_s=0.5), block)
        self.runs[choice] = run
        if choice == 0:
            await self.app.reasoning_pane.show(block, "", live=True, think_start=block.think_start)
        return run

    # -- the loop --------------------------------------------------------------------

    async def run(self) -> None:
        """Stream, dispatch events, and always finish every choice (also when cancelled)."""
        await self.open_choice(0)
        status = self.app.status
        status.model.activity = "waiting"
        status.changed()
        cancelled = False
        try:
            async with aclosing(self.app.client.stream(self.request)) as events:
                async for event in events:
                    await self.handle(event)
        except asyncio.CancelledError:
            cancelled = True
            raise
        except Exception as exc:  # a bug or an unexpected error: keep the partial, say so
            self.fail_all("failed", f"error: {one_line(str(exc), 160)}")
        finally:
            await self.finish(cancelled)

    async def handle(self, event: object) -> None:
        """Apply one event to the panes, the store and the status bar."""
        status = self.app.status.model
        match event:
            case Started():
                self.started_at = time.monotonic()
                status.retry_deadline = None
                status.activity = "thinking"
                self.app.status.changed()
                for run in self.runs.values():
                    run.block.think_start = self.started_at
                    self._timing(run)
            case ReasoningDelta(text=text, choice=choice, provisional=provisional):
                run = await self.open_choice(choice)
                self._first_token(run)
                run.block.reasoning_parts.append(text)
                run.writer.append_reasoning(text)
                run.writer.maybe_flush()
                run.chars += len(text)
                status.live_chars += len(text)
                if provisional and not run.note:
                    run.note = "provisional reasoning"
                self.app.reasoning_pane.append(run.block, text)
            case AnswerDelta(text=text, choice=choice):
                run = await self.open_choice(choice)
                self._first_token(run)
                if run.answer_start is None:
                    run.answer_start = time.monotonic()
                    self._end_thinking(run)
                    status.activity = "answering"
                    self.app.status.changed()
                run.writer.append_answer(text)
                run.writer.maybe_flush()
                run.chars += len(text)
                status.live_chars += len(text)
                await run.block.write(text)
            case Reclassified(reasoning=reasoning, answer=answer, choice=choice):
                run = await self.open_choice(choice)
                run.writer.replace(reasoning, answer)
                run.note = ""
                await run.block.replace(reasoning, answer)
                if self.app.reasoning_pane.source is run.block:
                    await self.app.reasoning_pane.log_widget.set_text(reasoning)
                if not reasoning:
                    self._end_thinking(run)
            case Usage():
                self.usage = event
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
            case Finished(reason=reason, choice=choice):
                run = await self.open_choice(choice)
                run.finish_reason = reason
                if reason == "content_filter":
                    run.state, run.note = "filtered", ""
                else:
                    run.state = "complete"
                    if reason == "length":
                        run.note = "cut at max_tokens (finish_reason: length)"
            case Failed(kind=kind, message=message, hint=hint):
                state = "interrupted" if kind == "interrupted" else "failed"
                text = f"{kind}: {one_line(message, 160)}"
                if hint:
                    text += f" — {one_line(hint, 160)}"
                status.error = text
                status.retry_deadline = None
                self.fail_all(state, text)

    def fail_all(self, state: str, note: str) -> None:
        """Mark every unfinished choice ``state`` with ``note``."""
        for run in self.runs.values():
            if run.state is None:
                run.state, run.note = state, note
        self.app.status.model.error = self.app.status.model.error or note
        self.app.status.changed()

    # -- timing helpers --------------------------------------------------------------

    def _first_token(self, run: ChoiceRun) -> None:
        if run.first_token is not None:
            return
        run.first_token = time.monotonic()
        status = self.app.status.model
        if status.ttft_s is None or run.choice == 0:
            status.ttft_s = run.first_token - self.sent_at
            status.stream_start = status.stream_start or run.first_token
            self.app.status.changed()

    def _end_thinking(self, run: ChoiceRun) -> None:
        block = run.block
        if block.think_start is not None and block.thought_s is None:
            block.thought_s = time.monotonic() - block.think_start
        block.think_start = None
        self._timing(run)

    def _timing(self, run: ChoiceRun) -> None:
        block = run.block
        self.app.reasoning_pane.set_timing(
            block,
            think_start=block.think_start,
            thought_s=block.thought_s,
            state="" if block.state in ("streaming", "complete") else block.state,
        )

    def _tokens(self, usage: Usage) -> Tokens:
        return Tokens(
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.total_tokens,
            usage.reasoning_tokens,
            usage.estimated,
            usage.reasoning_estimated,
        )

    # -- the end ---------------------------------------------------------------------

    async def finish(self, cancelled: bool) -> None:
        """Save and mark every choice; runs even when the worker is cancelled."""
        now = time.monotonic()
        for run in self.runs.values():
            if run.state is None:
                if cancelled:
                    run.state, run.note = "stopped", ""
                else:
                    run.state = "interrupted"
                    run.note = run.note or "the stream ended without a finish reason"
            if run.block.think_start is not None:
                self._end_thinking(run)
            self._save(run, now)
        try:
            for run in self.runs.values():
                await run.block.finish(run.state or "complete", run.note)
                self._timing(run)
                await self.app.reasoning_pane.finish(run.block)
            self._final_status(now)
        finally:
            self.app.generation_done(self)

    def _save(self, run: ChoiceRun, now: float) -> None:
        usage = self.usage if run.choice == 0 else None
        record = None
        if usage is not None:
            record = UsageRecord(
                usage.prompt_tokens,
                usage.completion_tokens,
                usage.total_tokens,
                usage.reasoning_tokens,
                usage.estimated,
            )
        timing = TimingRecord(
            first_token_s=None if run.first_token is None else run.first_token - self.sent_at,
            reasoning_s=run.block.thought_s,
            total_s=now - self.sent_at,
        )
        try:
            run.writer.finish(run.state, run.finish_reason, record, timing)
        except Exception as exc:  # the store failing must not lose the screen
            self.app.notify(one_line(f"could not save: {exc}", 200), severity="error", markup=False)

    def _final_status(self, now: float) -> None:
        status = self.app.status.model
        first = self.runs.get(0)
        elapsed = None
        if first is not None and first.first_token is not None:
            elapsed = now - first.first_token
        if self.usage is not None:
            if elapsed and self.usage.completion_tokens:
                est = "~" if self.usage.estimated else ""
                status.rate = f"{est}{self.usage.completion_tokens / elapsed:.1f} tok/s"
            self.app.show_usage(self._tokens(self.usage), final=True)
        elif elapsed and first is not None:
            status.rate = f"~{first.chars / 4 / elapsed:.1f} tok/s"
        status.stream_start = None
        status.live_chars = 0
        status.retry_deadline = None
        state = first.state if first is not None else ""
        status.activity = "" if state == "complete" else (state or "")
        self.app.status.render_now()
