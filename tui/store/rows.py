"""Column lists and row -> dataclass conversion shared by the query modules.

Rows are checked on the way out: a tampered or damaged file can hold any SQLite value in
any column (text in a count, a BLOB as content). A wrong-typed value becomes the nearest
safe one (bytes decoded with U+FFFD, an impossible number unknown) and the record lists
what was wrong in ``damaged``, so callers say "damaged row" and everything else stays
browsable.
"""

from __future__ import annotations

import math
from typing import Any

from .models import ConversationSummary, ErrorRecord, MessageRecord
from tui.metrics import Timing, Usage

MESSAGE_COLUMNS = (
    "id, conversation_id, role, content, reasoning, state, finish_reason, model, deployment, "
    "endpoint_host, prompt_tokens, completion_tokens, total_tokens, reasoning_tokens, "
    "usage_estimated, first_token_s, reasoning_s, total_s, created_at, reply_to, choice_index, "
    "updated_at, selected, parent_id, reasoning_estimated, cost, error_kind, error_message, error_hint"
)
SUMMARY_COLUMNS = "id, title, created_at, updated_at, message_count, archived, last_answer_state"


class _Checker:
    """Coerces one row's values, noting each one that had the wrong type."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def _bad(self, column: str, value: Any) -> None:
        shown = repr(value)
        self.problems.append(f"{column} is {type(value).__name__} {shown[:30]}{'…' if len(shown) > 30 else ''}")

    def text(self, column: str, value: Any, nullable: bool = False) -> Any:
        if isinstance(value, str) or (value is None and nullable):
            return value
        self._bad(column, value)  # a NULL that may be NULL returned above
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")  # pragma: no mutate (codec names ignore case)
        return "" if value is None else str(value)

    def count(self, column: str, value: Any, nullable: bool = True) -> Any:
        if (isinstance(value, int) and not isinstance(value, bool)) or (value is None and nullable):
            return value
        self._bad(column, value)
        return None if nullable else 0

    def flag(self, column: str, value: Any) -> bool:
        if isinstance(value, int) and not isinstance(value, bool):
            return value != 0
        self._bad(column, value)
        return False

    def seconds(self, column: str, value: Any) -> float | None:
        if value is None or (isinstance(value, (int, float)) and math.isfinite(value)):
            return value
        self._bad(column, value)
        return None


def as_text(value: Any) -> str:
    """Any stored value as text (a BLOB decoded with U+FFFD, NULL as "") for places that only show it."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")  # pragma: no mutate (codec names ignore case)
    return "" if value is None else str(value)


def message_from_row(row: tuple[Any, ...]) -> MessageRecord:
    """Build a MessageRecord from a row selected with MESSAGE_COLUMNS."""
    (mid, conv, role, content, reasoning, state, finish, model, deployment, host,
     p_tok, c_tok, t_tok, r_tok, estimated, first, reasoning_s, total_s, created, reply_to,
     choice, updated, selected, parent_id, reasoning_estimated, cost, error_kind, error_message, error_hint) = row
    c = _Checker()
    role = c.text("role", role)
    return MessageRecord(
        id=c.text("id", mid),
        conversation_id=c.text("conversation_id", conv),
        role=role,
        content=c.text("content", content),
        reasoning=c.text("reasoning", reasoning, nullable=True) if role == "assistant" else None,
        state=c.text("state", state),
        finish_reason=c.text("finish_reason", finish, nullable=True),
        model=c.text("model", model, nullable=True),
        deployment=c.text("deployment", deployment, nullable=True),
        endpoint_host=c.text("endpoint_host", host, nullable=True),
        usage=Usage(c.count("prompt_tokens", p_tok), c.count("completion_tokens", c_tok),
                          c.count("total_tokens", t_tok), c.count("reasoning_tokens", r_tok),
                          c.flag("usage_estimated", estimated),
                          c.flag("reasoning_estimated", reasoning_estimated)),
        timing=Timing(c.seconds("first_token_s", first), c.seconds("reasoning_s", reasoning_s),
                            c.seconds("total_s", total_s)),
        created_at=c.text("created_at", created),
        reply_to=c.text("reply_to", reply_to, nullable=True),
        choice_index=c.count("choice_index", choice, nullable=False),
        updated_at=c.text("updated_at", updated),
        selected=c.flag("selected", selected),
        parent_id=c.text("parent_id", parent_id, nullable=True),
        cost=c.seconds("cost", cost),
        error=(ErrorRecord(c.text("error_kind", error_kind), c.text("error_message", error_message, nullable=True) or "",
                           c.text("error_hint", error_hint, nullable=True)) if error_kind else None),
        damaged=tuple(c.problems),
    )


def summary_from_row(row: tuple[Any, ...]) -> ConversationSummary:
    """Build a ConversationSummary from a row selected with SUMMARY_COLUMNS."""
    cid, title, created, updated, count, archived, last_state = row
    c = _Checker()
    return ConversationSummary(c.text("id", cid), c.text("title", title), c.text("created_at", created),
                               c.text("updated_at", updated), c.count("message_count", count, nullable=False),
                               c.flag("archived", archived),
                               c.text("last_answer_state", last_state, nullable=True), damaged=tuple(c.problems))
