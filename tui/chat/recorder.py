"""Save one exchange into the history through the background writer.

Each choice's answer is created when the choice first appears (choice 0 at once, so a
failed or stopped attempt is recorded too), its text is appended in timed batches while it
streams (the writer's timer, not the next event), and it ends as one row with its final
state, finish reason, usage, timings, cost and timeline (when each part arrived). Usage (and so the cost) covers the whole
request, so it is stored once, on the first choice.
"""

from __future__ import annotations

from functools import partial

from tui.chat.transcript import Transcript
from tui.llm.endpoint import EndpointSettings
from tui.llm.events import AnswerDelta, Event, ReasoningDelta, Reclassified, Started
from tui.metrics import Prices
from tui.trace.timeline import encode
from tui.store.background import BackgroundWriter
from tui.store.models import ErrorRecord
from tui.store.repo import HistoryStore


def _save_timeline(store: HistoryStore, *, msg_id: str, data: str) -> None:
    store.save_timeline(msg_id, data)


class Recorder:
    """Writes the answers of one exchange to prompt ``prompt_id``."""

    def __init__(self, writer: BackgroundWriter, conversation_id: str, prompt_id: str,
                 endpoint: EndpointSettings, *, choice_base: int = 0, prices: Prices | None = None) -> None:
        self.writer = writer
        self.conversation_id = conversation_id
        self.prompt_id = prompt_id
        self.choice_base = choice_base  # stored choice_index = choice_base + the stream's choice index
        self._endpoint = endpoint
        self._model: str | None = None
        self._prices = prices
        self.message_ids: dict[int, str] = {}

    def open(self, choice: int, msg_id: str) -> None:
        """Create the stored answer ``msg_id`` of ``choice`` (state streaming)."""
        if choice in self.message_ids:
            return
        self.message_ids[choice] = msg_id
        self.writer.begin_answer(self.conversation_id, msg_id, self.prompt_id, model=self._model,
                                 deployment=self._endpoint.deployment, endpoint_host=self._endpoint.label,
                                 choice_index=self.choice_base + choice)

    def on_event(self, event: Event) -> None:
        """Buffer what ``event`` adds (the writer appends it on its timer)."""
        match event:
            case Started(model=model):
                self._model = model or self._model
            case ReasoningDelta(text=text, choice=choice) if choice in self.message_ids:
                self.writer.append(self.message_ids[choice], reasoning=text)
            case AnswerDelta(text=text, choice=choice) if choice in self.message_ids:
                self.writer.append(self.message_ids[choice], answer=text)
            case Reclassified(reasoning=reasoning, answer=answer, choice=choice) if choice in self.message_ids:
                self.writer.replace_text(self.message_ids[choice], reasoning, answer)

    def finish(self, transcript: Transcript) -> None:
        """Write every answer's final text, state, finish reason, usage and timings."""
        first = min(self.message_ids, default=0)  # pragma: no mutate (no answers: the loop below is empty)
        cost = self._prices.cost(transcript.usage) if self._prices is not None else None
        failure = transcript.failure
        error = ErrorRecord(failure.kind, failure.message, failure.hint or None) if failure else None
        for choice, msg_id in self.message_ids.items():
            text = transcript.choice(choice)
            state = transcript.final_state(choice)
            self.writer.finish_answer(
                msg_id, reasoning=text.reasoning, answer=text.answer, state=state,
                finish_reason=text.finish_reason, usage=transcript.usage if choice == first else None,
                timing=transcript.timing(choice), model=transcript.model or self._model,
                cost=cost if choice == first else None,
                error=error if state in ("failed", "interrupted") else None,  # what `history show` prints
            )
            if text.timeline is not None:
                text.timeline.finish()  # where a stopped or broken stream stood (idempotent)
                self.writer.submit(partial(_save_timeline, msg_id=msg_id, data=encode(text.timeline.timeline())))
