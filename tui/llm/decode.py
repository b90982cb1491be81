"""Turn chat-completion chunks into events: one think splitter per choice, usage, finish.

Copes with what real servers send: Azure's opening chunk with empty ``choices``
(``prompt_filter_results``), chunks whose ``delta`` is empty or null
(``content_filter_results``), ``usage`` on the finishing chunk or on a trailing
``choices: []`` chunk, reasoning in ``reasoning_content`` (Azure v1, DeepSeek, llama.cpp)
or ``reasoning`` (vLLM, Ollama, OpenRouter), and ``<think>`` tags in ``content``. A
``None`` content delta is not the end of anything: only a finish_reason ends a choice.

Hybrid models add: reasoning that stops and starts again (each piece goes to the reasoning),
an empty reasoning field beside the answer in non-thinking mode (the server separates
reasoning, so untagged content is answer at once), and tool-call deltas, which r1-tui does not
run: one :class:`Notice` says so instead of dropping them silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.llm.errors import KEPT_HINT
from tui.llm.events import AnswerDelta, Event, Failed, Finished, Notice, ReasoningDelta, Reclassified, Usage
from tui.llm.think import ThinkSplitter

REASONING_FIELDS = ("reasoning_content", "reasoning")
TOOL_FIELDS = ("tool_calls", "function_call")
CHARS_PER_TOKEN = 4.0


def estimate_tokens(chars: int) -> int:
    """A rough token count for ``chars`` characters of text (about four per token)."""
    return int(round(chars / CHARS_PER_TOKEN)) if chars else 0


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass
class _Choice:
    splitter: ThinkSplitter = field(default_factory=ThinkSplitter)
    finish_reason: str | None = None
    reasoning_chars: int = 0
    answer_chars: int = 0


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class StreamDecoder:
    """Feed chunks with :meth:`on_chunk`; call :meth:`on_end` or :meth:`on_break` once."""

    def __init__(self, prompt_chars: int = 0, untagged_is_answer: bool = False) -> None:
        """``untagged_is_answer``: the request switched thinking off, so content without ``<think>`` is answer."""
        self._choices: dict[int, _Choice] = {}
        self._usage: dict[str, Any] | None = None
        self._prompt_chars = prompt_chars
        self._untagged_is_answer = untagged_is_answer
        self._tool_call_noted = False
        self.output_started = False
        self.model: str | None = None
        self.reasoning_source: str | None = None  # "tags", "reasoning_content" or "reasoning"

    def _choice(self, index: int) -> _Choice:
        state = self._choices.get(index)
        if state is None:
            state = self._choices[index] = _Choice()
            if self._untagged_is_answer:
                state.splitter.reasoning_arrives_separately()
        return state

    def on_chunk(self, chunk: dict[str, Any]) -> list[Event]:
        """Events for one chat-completion chunk (the parsed JSON of one SSE ``data:`` line)."""
        events: list[Event] = []
        if self.model is None and isinstance(chunk.get("model"), str) and chunk["model"]:
            self.model = chunk["model"]
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            self._usage = usage
        for choice in chunk.get("choices") or ():
            if not isinstance(choice, dict):
                continue
            index = choice.get("index") or 0
            state = self._choice(index if isinstance(index, int) else 0)
            delta = choice.get("delta")
            if isinstance(delta, dict):
                self._on_delta(delta, index, state, events)
            finish = choice.get("finish_reason")
            if isinstance(finish, str) and finish:
                state.finish_reason = finish
        return events

    def _on_delta(self, delta: dict[str, Any], index: int, state: _Choice, events: list[Event]) -> None:
        for name in REASONING_FIELDS:
            text = delta.get(name)
            if not isinstance(text, str):
                continue
            # A reasoning field, even an empty one, says the server separates reasoning: content is answer.
            self._separate_reasoning(index, state, events)
            if text:
                self.reasoning_source = self.reasoning_source or name
                state.reasoning_chars += len(text)
                self.output_started = True
                events.append(ReasoningDelta(text, index))
                break
        content = delta.get("content")
        if isinstance(content, str) and content:
            self.output_started = True
            self._pieces(state.splitter.feed(content), index, state, events)
        if not self._tool_call_noted and any(delta.get(f) for f in TOOL_FIELDS):
            self._tool_call_noted = True
            events.append(Notice(_tool_call_notice(delta)))

    @staticmethod
    def _separate_reasoning(index: int, state: _Choice, events: list[Event]) -> None:
        state.splitter.reasoning_arrives_separately()
        answer = state.splitter.take_provisional_as_answer()
        if answer is not None:  # untagged content came first: it was the answer, not reasoning
            state.reasoning_chars, state.answer_chars = 0, len(answer)
            events.append(Reclassified("", answer, index))

    def _pieces(self, pieces: list[Any], index: int, state: _Choice, events: list[Event]) -> None:
        for piece in pieces:
            if piece.kind == "reasoning":
                if not piece.provisional:
                    self.reasoning_source = self.reasoning_source or "tags"
                state.reasoning_chars += len(piece.text)
                events.append(ReasoningDelta(piece.text, index, piece.provisional))
            else:
                state.answer_chars += len(piece.text)
                events.append(AnswerDelta(piece.text, index))

    def _flush(self, events: list[Event]) -> None:
        for index, state in sorted(self._choices.items()):
            pieces, correction = state.splitter.finish()
            self._pieces(pieces, index, state, events)
            if correction is not None:
                reasoning, answer = correction
                state.reasoning_chars, state.answer_chars = len(reasoning), len(answer)
                events.append(Reclassified(reasoning, answer, index))
            elif state.reasoning_chars and self.reasoning_source is None:
                self.reasoning_source = "tags"

    def usage_event(self) -> Usage:
        """Usage as reported by the server, or estimated (and marked) where it was not."""
        reasoning_chars = sum(c.reasoning_chars for c in self._choices.values())
        answer_chars = sum(c.answer_chars for c in self._choices.values())
        u = self._usage
        if u is None:
            prompt = estimate_tokens(self._prompt_chars)
            completion = estimate_tokens(reasoning_chars + answer_chars)
            reasoning = estimate_tokens(reasoning_chars)
            return Usage(prompt, completion, prompt + completion, reasoning, True, True)
        reasoning_tokens = _dict(u.get("completion_tokens_details")).get("reasoning_tokens")
        if not isinstance(reasoning_tokens, int):
            reasoning_tokens = None
        reasoning_estimated = False
        completion = _int(u.get("completion_tokens"))
        if not reasoning_tokens and reasoning_chars:
            reasoning_tokens = min(completion or estimate_tokens(reasoning_chars), estimate_tokens(reasoning_chars))
            reasoning_estimated = True
        prompt = _int(u.get("prompt_tokens"))
        total = _int(u.get("total_tokens")) or prompt + completion
        return Usage(prompt, completion, total, reasoning_tokens, False, reasoning_estimated)

    def on_end(self) -> list[Event]:
        """The stream closed normally (``[DONE]`` or end of body)."""
        events: list[Event] = []
        self._flush(events)
        events.append(self.usage_event())
        missing = [i for i, c in sorted(self._choices.items()) if not c.finish_reason]
        for index, state in sorted(self._choices.items()):
            if state.finish_reason:
                events.append(Finished(state.finish_reason, index))
        if missing or not self._choices:
            events.append(
                Failed(
                    "interrupted",
                    "The stream ended without a finish_reason: the answer was cut off.",
                    KEPT_HINT,
                )
            )
        return events

    def on_break(self, failure: Failed) -> list[Event]:
        """The stream broke after output had started: flush what we have, then the failure."""
        events: list[Event] = []
        self._flush(events)
        events.append(self.usage_event())
        events.append(failure)
        return events


def _tool_call_notice(delta: dict[str, Any]) -> str:
    """What to say about a tool call r1-tui will not make (the tool's name only, never its arguments)."""
    name = None
    calls = delta.get("tool_calls")
    if isinstance(calls, list) and calls and isinstance(calls[0], dict):
        name = _dict(calls[0].get("function")).get("name")
    elif isinstance(delta.get("function_call"), dict):
        name = delta["function_call"].get("name")
    which = f" ({name[:64]})" if isinstance(name, str) and name else ""
    return f"The model asked to call a tool{which}; r1-tui does not run tools, so the call was not made."
