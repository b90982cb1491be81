"""Column lists and row -> dataclass conversion shared by the query modules."""

from __future__ import annotations

from typing import Any

from .models import ConversationSummary, ErrorRecord, MessageRecord, TimingRecord, UsageRecord

MESSAGE_COLUMNS = (
    "id, conversation_id, role, content, reasoning, state, finish_reason, model, deployment, "
    "endpoint_host, prompt_tokens, completion_tokens, total_tokens, reasoning_tokens, "
    "usage_estimated, first_token_s, reasoning_s, total_s, created_at, reply_to, choice_index, "
    "updated_at, selected, parent_id, reasoning_estimated, cost, error_kind, error_message, error_hint"
)
SUMMARY_COLUMNS = "id, title, created_at, updated_at, message_count, archived, last_answer_state"


def message_from_row(row: tuple[Any, ...]) -> MessageRecord:
    """Build a MessageRecord from a row selected with MESSAGE_COLUMNS."""
    (mid, conv, role, content, reasoning, state, finish, model, deployment, host,
     p_tok, c_tok, t_tok, r_tok, estimated, first, reasoning_s, total_s, created, reply_to,
     choice, updated, selected, parent_id, reasoning_estimated, cost, error_kind, error_message, error_hint) = row
    return MessageRecord(
        id=mid,
        conversation_id=conv,
        role=role,
        content=content,
        reasoning=reasoning if role == "assistant" else None,
        state=state,
        finish_reason=finish,
        model=model,
        deployment=deployment,
        endpoint_host=host,
        usage=UsageRecord(p_tok, c_tok, t_tok, r_tok, bool(estimated), bool(reasoning_estimated)),
        timing=TimingRecord(first, reasoning_s, total_s),
        created_at=created,
        reply_to=reply_to,
        choice_index=choice,
        updated_at=updated,
        selected=bool(selected),
        parent_id=parent_id,
        cost=cost,
        error=ErrorRecord(error_kind, error_message or "", error_hint) if error_kind else None,
    )


def summary_from_row(row: tuple[Any, ...]) -> ConversationSummary:
    """Build a ConversationSummary from a row selected with SUMMARY_COLUMNS."""
    cid, title, created, updated, count, archived, last_state = row
    return ConversationSummary(cid, title, created, updated, count, bool(archived), last_state)
