"""One streamed generation: the UI side of a request (answer blocks, reasoning pane, status bar).

State and timings come from :class:`tui.chat.transcript.Transcript` and saving goes
through :class:`tui.chat.recorder.Recorder`, exactly as for ``r1-tui ask``; this module only
shows what they hold. The app runs :meth:`Generation.run` in an exclusive worker;
cancelling the worker (Esc) stops the stream or the retry wait, and the partial text is
kept and saved "stopped". Each choice of the request becomes one alternative in the
prompt's :class:`AnswerGroup` (choice 0 is displayed).
"""

from __future__ import annotations

import asyncio
import time
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
from tui.chat.transcript import Transcript
from tui.chat.recorder import Recorder
from tui.sanitize import one_line
from tui.ui.widgets.status import Tokens
from tui.ui.widgets.transcript import AnswerBlock

if TYPE_CHECKING:
    from tui.llm.request import ChatRequest
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
    """Everything one send (or regenerate) needs; ``run`` is awaited inside the app's worker."""

    app: R1App
    conv_id: str
    user_id: str
    request: ChatRequest
    group: AnswerGroup
    choice_base: int = 0  # stored choice_index of choice 0 (regenerate: after the existing alternatives)
    regenerate: bool = False
    views: dict[int, ChoiceView] = field(default_factory=dict)
    transcript: Transcript = field(default_factory=Transcript)
    recorder: Recorder = field(init=False)

    def __post_init__(self) -> None:
        self.recorder = Recorder(self.app.store, self.conv_id)
        assert self.app.client is not None
        self.recorder.attach(self.conv_id, self.user_id, self.app.client.endpoint, choice_base=self.choice_base)

    @property
    def usage(self) -> Usage | None:
        return self.transcript.usage

    # -- setup -----------------------------------------------------------------------

    async def open_choice(self, choice: int) -> ChoiceView:
        """Open the stored answer and mount its block (choice 0 at send time, others lazily)."""
        view = self.views.get(choice)
        if view is not None:
            return view
        msg_id = self.recorder.open(choice)
        endpoint = self.app.client.endpoint if self.app.client else None
        block = AnswerBlock(msg_id=msg_id, choice=self.choice_base + choice, label=endpoint.deployment if endpoint else "assistant")
        block.min_interval = 0.25 if self.app.low_bandwidth else 0.0
        view = self.views[choice] = ChoiceView(choice, block)
        shown = choice == 0
        await self.group.add(block, select=shown)
        block.begin()
        if shown:
            if self.regenerate:
                self.app.store.select_alternative(msg_id)
            await self.app.reasoning_pane.show(block, "", live=True)
        return view

    # -- the loop --------------------------------------------------------------------

    async def run(self) -> None:
        """Stream, dispatch events, and always finish every choice (also when cancelled)."""
        cancelled = False
        try:
            await self.open_choice(0)
            status = self.app.status
            status.model.activity = "waiting"
            status.changed()
            async with aclosing(self.app.client.stream(self.request)) as events:
                async for event in events:
                    await self.handle(event)
        except asyncio.CancelledError:
            cancelled = True
            raise
        except Exception as exc:  # a bug or an unexpected error (the store failing...): keep the partial, say so
            failure = Failed("server", f"error: {one_line(str(exc), 160)}")
            self.transcript.apply(failure)
            self.app.status.model.error = failure_text(failure)
        finally:
            await self.finish(cancelled)

    async def handle(self, event: object) -> None:
        """Apply one event to the transcript and the recorder, then to the panes and the status bar."""
        self.transcript.apply(event)  # type: ignore[arg-type]
        choice = getattr(event, "choice", None)
        view = await self.open_choice(choice) if choice is not None else None
        self.recorder.on_event(event, self.transcript)  # type: ignore[arg-type]
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

    def choice_state(self, choice: int) -> str:
        """The final state of a choice ("streaming" at the end means the stream just stopped)."""
        state = self.transcript.choice_state(choice)
        return "interrupted" if state == "streaming" else state

    def _note(self, view: ChoiceView, state: str) -> str:
        failure = self.transcript.failure
        if state in ("interrupted", "failed") and failure is not None:
            return failure_text(failure)
        if state == "interrupted":
            return "the stream ended without a finish reason"
        return "" if state in ("stopped", "filtered") else view.note

    async def finish(self, cancelled: bool) -> None:
        """Save and mark every choice; runs even when the worker is cancelled."""
        if cancelled:
            self.transcript.stop()
        try:
            self.recorder.finish(self.transcript)
        except Exception as exc:  # the store failing must not lose the screen
            self.app.notify(one_line(f"could not save: {exc}", 200), severity="error", markup=False)
        with self.app.batch_update():  # the final render, stats and status in one frame
            try:
                for choice, view in self.views.items():
                    state = self.choice_state(choice)
                    self._end_thinking(view)
                    await view.block.finish(state, self._note(view, state))
                    self._timing(view)
                    await self.app.reasoning_pane.finish(view.block)
                self._final_status()
            finally:
                self.app.generation_done(self)

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
        state = self.choice_state(0) if self.views else self.transcript.state
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
