"""The typed events a streamed chat completion is turned into.

Consumers ``match`` on them. Every event is frozen. Per-choice events carry the
index of the choice they belong to (``n > 1`` gives several interleaved streams).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tui.metrics import Usage  # the usage event is the shared usage type


@dataclass(frozen=True, slots=True)
class Started:
    """The request was accepted and the stream is open (once per attempt that streams).

    When the first chunk names no model (Azure's prompt-filter chunk has ``"model": ""``), a
    second ``Started`` carries the first non-empty model name once a chunk has one.
    """

    model: str | None = None


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """More reasoning text (from ``<think>`` content or a reasoning delta field)."""

    text: str
    choice: int = 0
    provisional: bool = False  # content without an opening <think>: reasoning unless no </think> ever comes


@dataclass(frozen=True, slots=True)
class AnswerDelta:
    """More final-answer text."""

    text: str
    choice: int = 0


@dataclass(frozen=True, slots=True)
class Reclassified:
    """Replace everything received so far for this choice by this split.

    Sent at the end of a stream whose content had no ``<think>`` and no ``</think>``:
    the text shown provisionally as reasoning was the answer all along.
    """

    reasoning: str
    answer: str
    choice: int = 0


@dataclass(frozen=True, slots=True)
class Retrying:
    """A retryable failure happened before any output; waiting ``delay_s`` before attempt ``attempt``."""

    attempt: int  # the attempt about to be made (2 for the first retry)
    max_attempts: int
    delay_s: float
    status: int | None  # HTTP status, None for connection errors and timeouts
    reason: str  # short, e.g. "429 rate limited" or "connection refused"


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know that does not stop the stream (a dropped parameter, ...)."""

    message: str


@dataclass(frozen=True, slots=True)
class Finished:
    """A choice ended with a finish_reason from the server (``stop``, ``length``, ``content_filter``...)."""

    reason: str
    choice: int = 0


FailureKind = Literal[
    "config",  # bad or missing configuration
    "auth",  # 401/403 or no credential
    "not_found",  # 404: deployment missing or not ready
    "rate_limited",  # 429 still after every retry
    "connection",  # cannot reach the endpoint, or timed out
    "interrupted",  # the stream broke or ended without a finish_reason after output started
    "bad_request",  # other 400s (context length, content filter on the prompt, ...)
    "server",  # 5xx still after every retry, or an unexpected answer
]


@dataclass(frozen=True, slots=True)
class Failed:
    """The request failed; ``hint`` says what to do. Partial output already sent stays valid."""

    kind: FailureKind
    message: str
    hint: str = ""
    status: int | None = None


__all__ = [
    "AnswerDelta", "EXIT_CODES", "Event", "Failed", "FailureKind", "Finished", "Notice", "ReasoningDelta",
    "Reclassified", "Retrying", "Started", "Usage",
]

Event = Started | ReasoningDelta | AnswerDelta | Reclassified | Usage | Retrying | Notice | Finished | Failed

# Exit codes of ``r1-tui ask`` per failure kind (see the README).
EXIT_CODES: dict[str, int] = {
    "config": 2,
    "auth": 3,
    "not_found": 4,
    "rate_limited": 5,
    "connection": 6,
    "interrupted": 7,
    "content_filter": 7,
    "bad_request": 1,
    "server": 1,
}
