"""Turn chat-completion chunks into events: one think splitter per choice, usage, finish.

Copes with what real servers send: Azure's opening chunk with empty ``choices``
(``prompt_filter_results``), chunks whose ``delta`` is empty or null
(``content_filter_results``), ``usage`` on the finishing chunk, on a trailing
``choices: []`` chunk or in Groq's ``x_groq.usage``, reasoning in ``reasoning_content``
(Azure v1, DeepSeek, llama.cpp) or ``reasoning`` (vLLM, Ollama, OpenRouter), and
``<think>`` tags in ``content``. A ``None`` content delta is not the end of anything:
only a finish_reason ends a choice.

And what hostile ones send (every field is checked here, at the edge, see chunk_check):
a non-integer choice index ends the stream with a protocol error; choices beyond the
``n`` requested, text fields that are not text and impossible token counts are ignored
with one :class:`Notice` each; surrogate escapes split across chunks are joined.

Hybrid models add: reasoning that stops and starts again (each piece goes to the reasoning),
an empty reasoning field beside the answer in non-thinking mode (the server separates
reasoning, so untagged content is answer at once), and tool-call deltas, which r1-tui does not
run: one :class:`Notice` says so instead of dropping them silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tui.llm.chunk_check import ProtocolError, SurrogateJoiner, count, describe, label
from tui.llm.errors import KEPT_HINT
from tui.llm.events import AnswerDelta, Event, Failed, Finished, Notice, ReasoningDelta, Reclassified, Usage
from tui.llm.think import Piece, ThinkSplitter

REASONING_FIELDS = ("reasoning_content", "reasoning")
TOOL_FIELDS = ("tool_calls", "function_call")
CHARS_PER_TOKEN = 4.0
VIA_FIELD, VIA_CONTENT = "field", "content"  # where a choice's reasoning came from (only compared with each other)
SOURCE_SEPARATOR = "\n\n"  # between reasoning from a delta field and reasoning from <think> content
CUT_IN_REASONING = ("max_tokens was reached before the reasoning ended (no </think>): there is no answer. "
                    "Ask again with a larger max_tokens.")


def estimate_tokens(chars: int) -> int:
    """A rough token count for ``chars`` characters of text (about four per token)."""
    return int(round(chars / CHARS_PER_TOKEN))


@dataclass
class _Choice:
    splitter: ThinkSplitter = field(default_factory=ThinkSplitter)
    finish_reason: str | None = None
    reasoning_chars: int = 0
    answer_chars: int = 0
    reasoning_via: str | None = None  # VIA_FIELD or VIA_CONTENT: where this choice's reasoning came from last
    content_text: SurrogateJoiner = field(default_factory=SurrogateJoiner)
    reasoning_text: SurrogateJoiner = field(default_factory=SurrogateJoiner)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class StreamDecoder:
    """Feed chunks with :meth:`on_chunk`; call :meth:`on_end` or :meth:`on_break` once.

    ``untagged_is_answer``: the request switched thinking off, so content without ``<think>`` is
    answer. ``cut_keeps_reasoning``: untagged text cut at max_tokens stays reasoning (False for a
    hybrid model whose thinking is not on: its untagged text is the answer). ``n``: the number of choices requested (more are ignored). ``answer_first``: the
    deployment never sent ``</think>`` so far: untagged content is answer from the start.
    """

    def __init__(self, prompt_chars: int = 0, untagged_is_answer: bool = False, *, n: int = 1,
                 answer_first: bool = False, cut_keeps_reasoning: bool = True) -> None:
        self._choices: dict[int, _Choice] = {}
        self._usage: dict[str, Any] | None = None
        self._prompt_chars = prompt_chars
        self._untagged_is_answer = untagged_is_answer
        self._n = max(1, n)
        self._answer_first = answer_first
        self._cut_keeps_reasoning = cut_keeps_reasoning  # False: a hybrid model not thinking
        self._noticed: set[str] = set()
        self.output_started = False
        self.model: str | None = None
        self.reasoning_source: str | None = None  # "tags", "reasoning_content" or "reasoning"
        self.saw_close_tag = False  # some choice's content had </think> (or opened with <think>)
        self.content_encoding: str | None = None  # the response's Content-Encoding header (for messages)
        self._pending: list[Event] = []  # notices about skipped data, sent with the next events

    def skipped(self, why: str) -> None:
        """The SSE reader skipped a ``data:`` payload (not JSON, too deep...): say so once."""
        self._notice("The server sent {why}: skipped.", self._pending, why=why)

    def _choice(self, index: int) -> _Choice:
        state = self._choices.get(index)
        if state is None:
            state = self._choices[index] = _Choice(ThinkSplitter(answer_first=self._answer_first))
            if self._untagged_is_answer:
                state.splitter.reasoning_arrives_separately()
        return state

    def _notice(self, template: str, events: list[Event], **values: object) -> None:
        """One notice per kind of problem (per ``template``) per stream: a hostile stream repeats itself."""
        if template not in self._noticed:
            self._noticed.add(template)
            events.append(Notice(template.format(**values)))

    @property
    def all_finished(self) -> bool:
        """Every choice seen so far got its finish_reason (and there was at least one)."""
        return bool(self._choices) and all(c.finish_reason for c in self._choices.values())

    def on_chunk(self, chunk: dict[str, Any]) -> list[Event]:
        """Events for one chat-completion chunk (the parsed JSON of one SSE ``data:`` line).

        Raises :class:`ProtocolError` for a chunk that cannot be read (a choice index that is not a number).
        """
        events, self._pending = self._pending, []
        if self.model is None:
            self.model = label(chunk.get("model"))
        usage = chunk.get("usage")
        if usage is None:
            usage = _dict(chunk.get("x_groq")).get("usage")  # Groq puts it there
        if isinstance(usage, dict):
            self._usage = usage
        elif usage is not None:
            self._notice("The server sent usage as {what}, not an object: ignored.", events, what=describe(usage))
        choices = chunk.get("choices")
        if not isinstance(choices, list):
            if choices is not None:
                self._notice("The server sent choices as {what}, not a list: ignored.", events, what=describe(choices))
            choices = []
        for choice in choices:
            if not isinstance(choice, dict):
                self._notice("The server sent a choice as {what}, not an object: ignored.", events, what=describe(choice))
                continue
            index = choice.get("index")
            if index is None:
                index = 0
            elif isinstance(index, bool) or not isinstance(index, int):
                raise ProtocolError(f"The server sent a malformed chunk: choices[].index is {describe(index)}, not a number.")
            if not 0 <= index < self._n:
                shown = str(index) if -10**12 < index < 10**12 else str(index)[:12] + "\u2026"
                self._notice("The server sent choice index {shown}, beyond the {n} requested: ignored.", events,
                             shown=shown, n=self._n)
                continue
            state = self._choice(index)
            delta = choice.get("delta")
            if isinstance(delta, dict):
                self._on_delta(delta, index, state, events)
            finish = label(choice.get("finish_reason"))
            if finish:
                state.finish_reason = finish
        return events

    def _text(self, delta: dict[str, Any], name: str, events: list[Event]) -> str | None:
        value = delta.get(name)
        if value is None or isinstance(value, str):
            return value
        self._notice(f"The server sent delta.{name} as {{what}}, not text: ignored.", events, what=describe(value))
        return None

    def _on_delta(self, delta: dict[str, Any], index: int, state: _Choice, events: list[Event]) -> None:
        for name in REASONING_FIELDS:
            raw = self._text(delta, name, events)
            if raw is None:
                continue
            # A reasoning field, even an empty one, says the server separates reasoning: content is answer.
            self._separate_reasoning(index, state, events)
            if raw:
                self.reasoning_source = self.reasoning_source or name
                self.output_started = True
                text = state.reasoning_text.feed(raw)
                if text:
                    self._reasoning(text, index, state, events, via=VIA_FIELD)
                break
        raw = self._text(delta, "content", events)
        if raw:
            self.output_started = True
            content = state.content_text.feed(raw)
            if content:
                self._pieces(state.splitter.feed(content), index, state, events)
        if any(delta.get(f) for f in TOOL_FIELDS):
            self._notice(TOOL_CALL_NOTICE, events, which=_tool_name(delta))

    @staticmethod
    def _separate_reasoning(index: int, state: _Choice, events: list[Event]) -> None:
        state.splitter.reasoning_arrives_separately()
        answer = state.splitter.take_provisional_as_answer()
        if answer is not None:  # untagged content came first: it was the answer, not reasoning
            state.reasoning_chars, state.answer_chars, state.reasoning_via = 0, len(answer), None
            events.append(Reclassified("", answer, index))

    def _reasoning(self, text: str, index: int, state: _Choice, events: list[Event], *, via: str,
                   provisional: bool = False) -> None:
        if state.reasoning_chars and state.reasoning_via not in (None, via) and not text.startswith("\n"):
            text = SOURCE_SEPARATOR + text  # reasoning from a field and from <think>: never glued together
        state.reasoning_via = via
        state.reasoning_chars += len(text)
        events.append(ReasoningDelta(text, index, provisional))

    def _pieces(self, pieces: list[Piece], index: int, state: _Choice, events: list[Event]) -> None:
        for piece in pieces:
            if piece.kind == "reasoning":
                if not piece.provisional:
                    self.reasoning_source = self.reasoning_source or "tags"
                    self.saw_close_tag = True
                self._reasoning(piece.text, index, state, events, via=VIA_CONTENT, provisional=piece.provisional)
            elif piece.kind == "reclassify":  # answer_first: a </think> came after all
                self.reasoning_source = self.reasoning_source or "tags"
                self.saw_close_tag = True
                state.reasoning_chars, state.answer_chars = len(piece.text), 0
                state.reasoning_via = VIA_CONTENT
                events.append(Reclassified(piece.text, "", index))
            else:
                state.answer_chars += len(piece.text)
                events.append(AnswerDelta(piece.text, index))

    def _flush(self, events: list[Event]) -> None:
        for index, state in sorted(self._choices.items()):
            tail = state.reasoning_text.finish()
            if tail:
                self._reasoning(tail, index, state, events, via=VIA_FIELD)
            tail = state.content_text.finish()
            pieces = state.splitter.feed(tail)
            cut = state.finish_reason == "length" and self._cut_keeps_reasoning
            more, correction = state.splitter.finish(cut_short=cut)
            self._pieces(pieces + more, index, state, events)
            if correction is not None:
                reasoning, answer = correction
                state.reasoning_chars, state.answer_chars = len(reasoning), len(answer)
                events.append(Reclassified(reasoning, answer, index))
            elif state.reasoning_chars and self.reasoning_source is None:
                self.reasoning_source = "tags"
            if state.splitter.cut_in_reasoning:
                self._notice(CUT_IN_REASONING, events)

    def usage_event(self, events: list[Event] | None = None) -> Usage:
        """Usage as reported by the server, or estimated (and marked) where it was not usable."""
        reasoning_chars = sum(c.reasoning_chars for c in self._choices.values())
        answer_chars = sum(c.answer_chars for c in self._choices.values())
        prompt_guess = estimate_tokens(self._prompt_chars)
        completion_guess = estimate_tokens(reasoning_chars + answer_chars)
        u = self._usage
        if u is None:
            reasoning = estimate_tokens(reasoning_chars)
            return Usage(prompt_guess, completion_guess, prompt_guess + completion_guess, reasoning, True, True)
        reported: dict[str, int] = {}
        bad: list[str] = []
        for key, guess in (("prompt_tokens", prompt_guess), ("completion_tokens", completion_guess)):
            raw, value = u.get(key), count(u.get(key))
            if value is None and raw is not None:
                bad.append(key)  # there, but not a plausible count: estimated instead
                value = guess
            reported[key] = value or 0
        prompt, completion = reported["prompt_tokens"], reported["completion_tokens"]
        estimated = bool(bad)
        total = count(u.get("total_tokens"))
        if total is None and u.get("total_tokens") is not None:
            bad.append("total_tokens")
        if not total or estimated:
            total = prompt + completion
        details = _dict(u.get("completion_tokens_details"))
        reasoning_tokens = count(details.get("reasoning_tokens"))
        if reasoning_tokens is None and details.get("reasoning_tokens") is not None:
            bad.append("reasoning_tokens")
        if bad and events is not None:
            self._notice("The server reported impossible token counts ({bad}): r1-tui estimated those (marked ~).",
                         events, bad=", ".join(bad))
        reasoning_estimated = False
        if not reasoning_tokens and reasoning_chars:
            reasoning_tokens = min(completion or estimate_tokens(reasoning_chars), estimate_tokens(reasoning_chars))
            reasoning_estimated = True
        return Usage(prompt, completion, total, reasoning_tokens, estimated, reasoning_estimated)

    def _finished(self, events: list[Event]) -> None:
        for index, state in sorted(self._choices.items()):
            if state.finish_reason:
                events.append(Finished(state.finish_reason, index))

    def on_end(self) -> list[Event]:
        """The stream closed normally (``[DONE]`` or end of body)."""
        events, self._pending = self._pending, []
        self._flush(events)
        events.append(self.usage_event(events))
        self._finished(events)
        if not self.all_finished:
            events.append(
                Failed(
                    "interrupted",
                    "The stream ended without a finish_reason: the answer was cut off.",
                    KEPT_HINT,
                )
            )
        return events

    def on_break(self, failure: Failed) -> list[Event]:
        """The stream broke after output had started: flush what we have, the finish reasons
        that did arrive, then the failure."""
        events, self._pending = self._pending, []
        self._flush(events)
        events.append(self.usage_event(events))
        self._finished(events)
        events.append(failure)
        return events

    def tag_verdict(self) -> Literal["plain", "reasoning"] | None:
        """After a normal end: "reasoning" if this deployment showed reasoning, "plain" if it
        answered in full without any, None when the stream says nothing either way."""
        if self.saw_close_tag or self.reasoning_source in REASONING_FIELDS:
            return "reasoning"
        if self._untagged_is_answer:  # thinking was switched off: a plain answer says nothing of the model
            return None
        finished = self.all_finished and all(c.finish_reason == "stop" for c in self._choices.values())
        if finished and any(c.answer_chars for c in self._choices.values()):
            return "plain"
        return None


TOOL_CALL_NOTICE = "The model asked to call a tool{which}; r1-tui does not run tools, so the call was not made."


def _tool_name(delta: dict[str, Any]) -> str:
    """`` (name)`` of the tool a call delta names, or "" (the name only, never its arguments)."""
    calls = delta.get("tool_calls")
    if isinstance(calls, list) and calls and isinstance(calls[0], dict):
        name = _dict(calls[0].get("function")).get("name")
    else:
        name = _dict(delta.get("function_call")).get("name")
    return f" ({name[:64]})" if isinstance(name, str) and name else ""
