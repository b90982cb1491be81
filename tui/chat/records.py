"""New message records for the conversation tree (the same shape the store returns)."""

from __future__ import annotations

from tui.chat.transcript import Transcript
from tui.metrics import Timing, Usage
from tui.store.ids import new_id, now_iso
from tui.store.models import Attachment, MessageRecord


def prompt_record(conversation_id: str, text: str, *, parent_id: str | None,
                  attachments: tuple[Attachment, ...] = ()) -> MessageRecord:
    """A new prompt (with its attachments) following ``parent_id``."""
    stamp = now_iso()
    return MessageRecord(
        id=new_id(), conversation_id=conversation_id, role="user", content=text, reasoning=None,
        state="complete", finish_reason=None, model=None, deployment=None, endpoint_host=None,
        usage=Usage(), timing=Timing(), created_at=stamp, reply_to=None, choice_index=0,
        updated_at=stamp, parent_id=parent_id, attachments=attachments,  # not selected (the default)
    )


def answer_record(conversation_id: str, msg_id: str, prompt_id: str, transcript: Transcript, choice: int, *,
                  choice_index: int, deployment: str | None, endpoint_host: str | None,
                  with_usage: bool, cost: float | None = None) -> MessageRecord:
    """The finished answer of ``choice`` as stored (usage only on the request's first choice)."""
    text = transcript.choice(choice)
    stamp = now_iso()
    return MessageRecord(
        id=msg_id, conversation_id=conversation_id, role="assistant", content=text.answer,
        reasoning=text.reasoning, state=transcript.final_state(choice), finish_reason=text.finish_reason,
        model=transcript.model, deployment=deployment, endpoint_host=endpoint_host,
        usage=(transcript.usage or Usage()) if with_usage else Usage(), timing=transcript.timing(choice),
        created_at=stamp, reply_to=prompt_id, choice_index=choice_index, updated_at=stamp,  # not selected
        parent_id=prompt_id, cost=cost,
    )
