"""New records for the conversation tree: a prompt and a finished answer, shaped as the store returns them."""

from __future__ import annotations

from tui.chat.records import answer_record, prompt_record
from tui.chat.transcript import Transcript
from tui.llm.events import AnswerDelta, Finished, ReasoningDelta, Started
from tui.llm.events import Usage as UsageEvent
from tui.metrics import Timing, Usage
from tui.store.models import Attachment


class Clock:
    def __init__(self) -> None:
        self.now = 10.0

    def __call__(self) -> float:
        return self.now


def test_a_prompt_record() -> None:
    files = (Attachment("a.txt", "text"),)
    record = prompt_record("c1", "question?", parent_id="p0", attachments=files)
    assert (record.conversation_id, record.role, record.content, record.parent_id) == ("c1", "user", "question?", "p0")
    assert record.attachments == files and record.reasoning is None and record.state == "complete"
    assert (record.finish_reason, record.model, record.deployment, record.endpoint_host) == (None, None, None, None)
    assert record.usage == Usage() and record.timing == Timing() and record.reply_to is None
    assert record.choice_index == 0 and record.selected is False and record.cost is None
    assert len(record.id) == 12 and record.created_at == record.updated_at and record.created_at.endswith("Z")
    other = prompt_record("c1", "again", parent_id=None)
    assert other.id != record.id and other.parent_id is None and other.attachments == ()


def _transcript() -> Transcript:
    clock = Clock()
    t = Transcript(clock=clock)
    for when, event in [(11.0, Started("R1")), (11.0, ReasoningDelta("hmm", 1)), (12.0, AnswerDelta("two", 1)),
                        (12.5, AnswerDelta("one", 0)), (13.0, UsageEvent(3, 4, 7, 1)), (14.0, Finished("length", 1)),
                        (15.0, Finished("stop", 0))]:
        clock.now = when
        t.apply(event)
    return t


def test_an_answer_record_of_one_choice() -> None:
    t = _transcript()
    record = answer_record("c1", "a1", "u1", t, 1, choice_index=3, deployment="dep", endpoint_host="host",
                           with_usage=True, cost=0.5)
    assert (record.id, record.conversation_id, record.role, record.reply_to, record.parent_id) == (
        "a1", "c1", "assistant", "u1", "u1")
    assert (record.content, record.reasoning, record.finish_reason) == ("two", "hmm", "length")
    assert record.state == t.final_state(1) and record.model == "R1"
    assert (record.deployment, record.endpoint_host, record.choice_index, record.cost) == ("dep", "host", 3, 0.5)
    assert record.usage == t.usage and record.usage.total_tokens == 7
    assert record.timing == t.timing(1) and record.selected is False
    assert record.created_at == record.updated_at and record.created_at.endswith("Z")


def test_usage_goes_on_the_first_choice_only() -> None:
    t = _transcript()
    record = answer_record("c1", "a0", "u1", t, 0, choice_index=0, deployment=None, endpoint_host=None,
                           with_usage=False)
    assert record.usage == Usage() and record.content == "one" and record.finish_reason == "stop"
    assert record.cost is None and record.timing == t.timing(0) and record.timing != t.timing(1)


def test_an_answer_without_reported_usage_has_empty_usage() -> None:
    t = Transcript(clock=Clock())
    t.apply(AnswerDelta("x", 0))
    record = answer_record("c1", "a0", "u1", t, 0, choice_index=0, deployment=None, endpoint_host=None,
                           with_usage=True)
    assert t.usage is None and record.usage == Usage()
