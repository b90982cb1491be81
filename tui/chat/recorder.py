"""Save a streaming answer into the history store as it arrives.

Used by ``ask`` and by the app, so both save the same way: the prompt, then per
choice an assistant message whose reasoning and answer are appended in batches
(about every 0.5 s, so a crash loses at most the last second), then the final state,
finish reason, usage and timings.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.llm.endpoint import EndpointSettings
from tui.llm.events import AnswerDelta, Event, ReasoningDelta, Reclassified, Started
from tui.chat.transcript import Transcript
from tui.store import ErrorRecord, HistoryStore, StreamingWriter, TimingRecord, UsageRecord

TITLE_CHARS = 60


def title_for(prompt: str, limit: int = TITLE_CHARS) -> str:
    """A conversation title from its first prompt: one line, at most ``limit`` characters.

    Stored as the user typed it; like all text it is sanitised when displayed.
    """
    flat = " ".join(prompt.split())
    if len(flat) <= limit:
        return flat or "untitled"
    return flat[: limit - 1].rstrip() + "\u2026"


class Recorder:
    """Writes one request's prompt and answers to ``store``."""

    def __init__(self, store: HistoryStore, conversation_id: str | None = None) -> None:
        self.store = store
        self.conversation_id = conversation_id
        self.prompt_id: str | None = None
        self._writers: dict[int, StreamingWriter] = {}
        self._endpoint: EndpointSettings | None = None
        self._model: str | None = None  # from the stream's first chunk
        self._model_saved: set[int] = set()  # choices whose stored answer carries self._model
        self.message_ids: dict[int, str] = {}
        self.choice_base = 0  # stored choice_index = choice_base + the stream's choice index
        self.on_message: Callable[[int, str], None] | None = None  # (choice, msg_id) when an answer is created

    def begin(self, prompt: str, endpoint: EndpointSettings) -> None:
        """Save the prompt (creating the conversation on first use) and open choice 0."""
        if self.conversation_id is None:
            self.conversation_id = self.store.create_conversation(title_for(prompt))
        self.attach(self.conversation_id, self.store.add_user_message(self.conversation_id, prompt), endpoint)

    def attach(self, conversation_id: str, prompt_id: str, endpoint: EndpointSettings, *,
               choice_base: int = 0) -> None:
        """Answer a prompt that is already saved (the app saves it first; regenerate reuses it).

        ``choice_base`` offsets the stored choice_index so a regenerated answer becomes a
        new alternative after the existing ones.
        """
        self.conversation_id = conversation_id
        self.prompt_id = prompt_id
        self.choice_base = choice_base
        self._endpoint = endpoint
        self._model = None
        self._model_saved.clear()
        self._writers.clear()
        self.message_ids.clear()

    def open(self, choice: int = 0) -> str:
        """Create (if needed) the stored answer of ``choice`` now; returns its message id."""
        self._writer(choice)
        return self.message_ids[choice]

    def _writer(self, choice: int) -> StreamingWriter:
        """The writer of choice ``choice``; its message is created on first use."""
        writer = self._writers.get(choice)
        if writer is None:
            assert self.conversation_id is not None and self.prompt_id is not None and self._endpoint is not None
            msg_id = self.store.begin_answer(
                self.conversation_id,
                self.prompt_id,
                model=self._model,
                deployment=self._endpoint.deployment,
                endpoint_host=self._endpoint.label,
                choice_index=self.choice_base + choice,
            )
            self.message_ids[choice] = msg_id
            if self._model:
                self._model_saved.add(choice)
            writer = self._writers[choice] = StreamingWriter(self.store, msg_id)
            if self.on_message is not None:
                self.on_message(choice, msg_id)
        return writer

    def on_event(self, event: Event, transcript: Transcript) -> None:
        """Append what ``event`` adds; writes are batched by the writer."""
        match event:
            case Started(model=model):
                self._model = model or self._model
                self._save_model()
            case ReasoningDelta(text=text, choice=choice):
                self._writer(choice).append_reasoning(text)
            case AnswerDelta(text=text, choice=choice):
                self._writer(choice).append_answer(text)
            case Reclassified(reasoning=reasoning, answer=answer, choice=choice):
                self._writer(choice).replace(reasoning, answer)
            case _:
                for writer in self._writers.values():
                    writer.maybe_flush()

    def _save_model(self) -> None:
        """Store the model on answers created before the stream reported it (the app opens them early)."""
        if not self._model:
            return
        for choice, msg_id in self.message_ids.items():
            if choice not in self._model_saved:
                self.store.update_answer(msg_id, model=self._model)
                self._model_saved.add(choice)

    def finish(self, transcript: Transcript) -> None:
        """Write everything left, with each choice's final state and timings.

        Usage covers the whole request, so it is stored once, on the first choice.
        """
        usage = transcript.usage
        record = UsageRecord(
            usage.prompt_tokens if usage else None,
            usage.completion_tokens if usage else None,
            usage.total_tokens if usage else None,
            usage.reasoning_tokens if usage else None,
            bool(usage and (usage.estimated or usage.reasoning_estimated)),
        )
        failure = transcript.failure
        error = ErrorRecord(failure.kind, failure.message, failure.hint or None) if failure else None
        if not self._writers and self.prompt_id is not None:
            self._writer(0)  # record the failed or stopped attempt, even with no output
        self._save_model()
        first = min(self._writers, default=0)
        for choice, writer in self._writers.items():
            state = transcript.choice_state(choice)
            if state == "streaming":
                state = "interrupted"  # the stream ended without a finish_reason
            timing = TimingRecord(transcript.choice_first_token_s(choice), transcript.choice_reasoning_s(choice),
                                  transcript.total_s)
            writer.finish(state, transcript.choice(choice).finish_reason, record if choice == first else None, timing,
                          error=error if state in ("failed", "interrupted") else None)
