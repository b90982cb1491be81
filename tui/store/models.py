"""Plain dataclasses returned by the store (no sqlite objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tui.metrics import Timing, Usage

Role = Literal["user", "assistant"]
Field = Literal["prompt", "answer", "reasoning", "attachment", "note"]

STATES: tuple[str, ...] = ("streaming", "complete", "stopped", "interrupted", "filtered", "failed")
ROLES: tuple[str, ...] = ("user", "assistant")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A text file attached to a prompt: its name (as given) and its text."""

    name: str
    content: str


@dataclass(frozen=True)
class ErrorRecord:
    """Why an answer did not end well: the failure's kind (see tui.llm.events), message and hint."""

    kind: str
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class MessageRecord:
    """One stored message: a user prompt or an assistant answer (with its reasoning)."""

    id: str
    conversation_id: str
    role: Role
    content: str
    reasoning: str | None
    state: str
    finish_reason: str | None
    model: str | None
    deployment: str | None
    endpoint_host: str | None
    usage: Usage
    timing: Timing
    created_at: str
    reply_to: str | None
    choice_index: int
    updated_at: str = ""
    selected: bool = False  # picked among its siblings (the children of the same parent)
    parent_id: str | None = None  # the message this one follows in the conversation tree
    attachments: tuple[Attachment, ...] = ()  # a prompt's attached files, sent before its text
    cost: float | None = None  # an answer's price from the profile's price table, when it had one
    error: ErrorRecord | None = None  # why it failed or was cut off (None when it ended well)
    damaged: tuple[str, ...] = ()  # wrong-typed values found in this row (a tampered file), shown coerced


@dataclass(frozen=True)
class ConversationSummary:
    """A row of the conversation list; built without touching messages."""

    id: str
    title: str
    created_at: str
    updated_at: str
    message_count: int
    archived: bool
    last_answer_state: str | None = None  # state of the newest answer (None: no answer yet; lists only)
    damaged: tuple[str, ...] = ()  # wrong-typed values found in this row (a tampered file), shown coerced


@dataclass(frozen=True)
class Conversation:
    """A conversation with all its messages, in insertion order."""

    id: str
    title: str
    created_at: str
    updated_at: str
    archived: bool
    messages: list[MessageRecord] = field(default_factory=list)
    damaged: tuple[str, ...] = ()  # "message ID: prompt_tokens is str 'abc'": rows shown coerced

    @property
    def damage(self) -> list[str]:
        """Every wrong-typed value in the conversation and its messages, naming the row."""
        found = [f"conversation {self.id}: {d}" for d in self.damaged]
        return found + [f"message {m.id}: {d}" for m in self.messages for d in m.damaged]


@dataclass(frozen=True)
class SearchHit:
    """One full-text match; ``snippet`` is plain text with «…» around matched terms."""

    conversation_id: str
    message_id: str
    title: str
    field: Field
    snippet: str


@dataclass(frozen=True)
class Note:
    """A note the user attached to a message."""

    id: str
    message_id: str
    body: str
    created_at: str
    updated_at: str
