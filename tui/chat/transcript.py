"""Accumulate a stream's events into the answer's text, usage, timings and final state.

The one owner of a streaming answer's text while it streams (the exchange's transcript):
``ask``, the app and the recorder all read it, so they agree on what "time to first token"
or "stopped" means. Feed every event to :meth:`Transcript.apply`; nothing here does I/O.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tui.metrics import Timing
from tui.trace.timeline import Timeline, TimelineRecorder
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


@dataclass
class ChoiceText:
    """The reasoning and answer of one choice, as received so far."""

    reasoning_parts: list[str] = field(default_factory=list)
    answer_parts: list[str] = field(default_factory=list)
    finish_reason: str | None = None
    first_token_at: float | None = None  # clock time of this choice's first reasoning or answer text
    first_answer_at: float | None = None  # clock time of this choice's first answer text
    timeline: TimelineRecorder | None = None  # when each part arrived (set by the transcript)

    @property
    def reasoning(self) -> str:
        """All reasoning text so far."""
        if len(self.reasoning_parts) > 1:
            self.reasoning_parts[:] = ["".join(self.reasoning_parts)]
        return self.reasoning_parts[0] if self.reasoning_parts else ""

    @property
    def answer(self) -> str:
        """All answer text so far."""
        if len(self.answer_parts) > 1:
            self.answer_parts[:] = ["".join(self.answer_parts)]
        return self.answer_parts[0] if self.answer_parts else ""


@dataclass
class Transcript:
    """What one request produced; ``state`` is streaming, complete, stopped, interrupted, filtered or failed."""

    clock: Callable[[], float] = time.monotonic
    started_at: float = 0.0
    choices: dict[int, ChoiceText] = field(default_factory=dict)
    usage: Usage | None = None
    retries: int = 0
    notices: list[str] = field(default_factory=list)
    failure: Failed | None = None
    model: str | None = None
    first_token_at: float | None = None
    first_answer_at: float | None = None
    ended_at: float | None = None
    stopped: bool = False
    answer_chars: int = 0
    reasoning_chars: int = 0

    def __post_init__(self) -> None:
        if not self.started_at:
            self.started_at = self.clock()

    def choice(self, index: int = 0) -> ChoiceText:
        """The text of choice ``index`` (created empty on first use), with its timeline recorder."""
        text = self.choices.get(index)
        if text is None:
            recorder = TimelineRecorder(clock=self.clock)
            recorder.start_at(self.started_at)
            text = self.choices[index] = ChoiceText(timeline=recorder)
        return text

    def choice_timeline(self, index: int = 0) -> Timeline:
        """When each part of choice ``index`` arrived (seconds after the request was sent)."""
        recorder = self.choice(index).timeline
        assert recorder is not None
        return recorder.timeline()

    def apply(self, event: Event) -> None:
        """Take one event into account."""
        now = self.clock()
        match event:
            case Started(model=model):
                self.model = model or self.model
            case ReasoningDelta(text=text, choice=index):
                self.first_token_at = self.first_token_at or now
                text_of = self.choice(index)
                text_of.first_token_at = text_of.first_token_at or now
                text_of.reasoning_parts.append(text)
                self.reasoning_chars += len(text)
                if text_of.timeline is not None:
                    text_of.timeline.reasoning(len(text))
            case AnswerDelta(text=text, choice=index):
                self.first_token_at = self.first_token_at or now
                self.first_answer_at = self.first_answer_at or now
                text_of = self.choice(index)
                text_of.first_token_at = text_of.first_token_at or now
                text_of.first_answer_at = text_of.first_answer_at or now
                text_of.answer_parts.append(text)
                self.answer_chars += len(text)
                if text_of.timeline is not None:
                    text_of.timeline.answer(len(text))
            case Reclassified(reasoning=reasoning, answer=answer, choice=index):
                split = self.choice(index)
                split.reasoning_parts[:] = [reasoning] if reasoning else []
                split.answer_parts[:] = [answer] if answer else []
                if answer and self.first_answer_at is None:
                    self.first_answer_at = self.first_token_at
                if answer and split.first_answer_at is None:
                    split.first_answer_at = split.first_token_at
                if split.timeline is not None:
                    split.timeline.reclassified(len(reasoning), len(answer))
            case Usage():
                self.usage = event
            case Retrying():
                self.retries += 1
            case Notice(message=message):
                self.notices.append(message)
            case Finished(reason=reason, choice=index):
                finished = self.choice(index)
                finished.finish_reason = reason
                if finished.timeline is not None:
                    finished.timeline.finish()
                self.ended_at = now
            case Failed():
                self.failure = event
                self.ended_at = now

    def stop(self) -> None:
        """The user stopped the stream."""
        self.stopped = True
        self.ended_at = self.ended_at or self.clock()

    @property
    def finish_reason(self) -> str | None:
        """The first choice's finish_reason."""
        return self.choice(0).finish_reason

    @property
    def state(self) -> str:
        """streaming, complete, stopped, interrupted, filtered or failed."""
        if self.stopped:
            return "stopped"
        if self.failure is not None:
            has_output = any(c.reasoning_parts or c.answer_parts for c in self.choices.values())
            return "interrupted" if self.failure.kind == "interrupted" or has_output else "failed"
        if any(c.finish_reason == "content_filter" for c in self.choices.values()):
            return "filtered"
        if self.ended_at is not None:
            return "complete"
        return "streaming"

    def choice_state(self, index: int = 0) -> str:
        """The state of one choice: a choice that got its finish_reason is complete (or filtered)
        even if the user stopped or the stream broke afterwards; otherwise as :attr:`state`."""
        text = self.choices.get(index) or ChoiceText()
        if text.finish_reason == "content_filter":
            return "filtered"
        if text.finish_reason is not None:
            return "complete"
        if self.stopped:
            return "stopped"
        if self.failure is not None:
            has_output = bool(text.reasoning_parts or text.answer_parts)
            return "interrupted" if self.failure.kind == "interrupted" or has_output else "failed"
        return "streaming"

    def final_state(self, index: int = 0) -> str:
        """The state to keep for choice ``index`` once the exchange is over: the one place that
        decides that a choice still "streaming" when its stream ended was interrupted."""
        state = self.choice_state(index)
        return "interrupted" if state == "streaming" else state

    def timing(self, index: int = 0) -> Timing:
        """Choice ``index``'s time to first token, time spent reasoning, and the request's total."""
        return Timing(self.choice_first_token_s(index), self.choice_reasoning_s(index), self.total_s)

    def choice_first_token_s(self, index: int = 0) -> float | None:
        """Seconds from the request to choice ``index``'s first text."""
        at = (self.choices.get(index) or ChoiceText()).first_token_at
        return None if at is None else at - self.started_at

    def choice_reasoning_s(self, index: int = 0) -> float | None:
        """Seconds choice ``index`` spent reasoning (first text to first answer text, or to the end)."""
        text = self.choices.get(index)
        if text is None or text.first_token_at is None or not text.reasoning:
            return None
        end = text.first_answer_at or self.ended_at or self.clock()
        return max(0.0, end - text.first_token_at)

    @property
    def first_token_s(self) -> float | None:
        """Seconds from the request to the first reasoning or answer text."""
        return None if self.first_token_at is None else self.first_token_at - self.started_at

    @property
    def reasoning_s(self) -> float | None:
        """Seconds spent reasoning: first token to first answer text (or to the end)."""
        if self.first_token_at is None or not self.reasoning_chars:
            return None
        end = self.first_answer_at or self.ended_at or self.clock()
        return max(0.0, end - self.first_token_at)

    @property
    def total_s(self) -> float:
        """Seconds from the request to the end (or to now while streaming)."""
        return (self.ended_at or self.clock()) - self.started_at

    def tokens_per_s(self) -> float | None:
        """Completion tokens per second since the first token (estimated while streaming)."""
        if self.first_token_at is None:
            return None
        elapsed = (self.ended_at or self.clock()) - self.first_token_at
        if elapsed <= 0:
            return None
        reported = self.usage.completion_tokens if self.usage else None
        tokens = reported if reported is not None else (self.answer_chars + self.reasoning_chars) / 4.0
        return tokens / elapsed
