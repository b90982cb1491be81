"""Chat requests: the conversation turns and the parameters a reasoning model accepts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["user", "assistant"]


@dataclass(frozen=True, slots=True)
class Turn:
    """One turn of a conversation. ``reasoning`` is kept for display and never sent."""

    role: Role
    content: str
    reasoning: str | None = None


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """What to ask: the turns so far (ending with the user's prompt) and the parameters."""

    turns: tuple[Turn, ...]
    system: str | None = None
    max_tokens: int | None = None
    stop: tuple[str, ...] = ()
    n: int | None = None


@dataclass(frozen=True, slots=True)
class RequestDefaults:
    """Per-profile defaults applied to every request."""

    system: str | None = None
    max_tokens: int | None = None
    stop: tuple[str, ...] = field(default_factory=tuple)
    n: int | None = None

    def request(self, turns: Sequence[Turn]) -> ChatRequest:
        """A request for ``turns`` with these defaults."""
        return ChatRequest(tuple(turns), self.system, self.max_tokens, tuple(self.stop), self.n)


def build_messages(request: ChatRequest) -> list[dict[str, str]]:
    """The ``messages`` array: the system prompt, then each turn's final text only.

    Earlier assistant turns go back without their reasoning (DeepSeek's guidance:
    reasoning in the context hurts and costs tokens). Empty assistant turns are skipped.
    """
    messages: list[dict[str, str]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    for turn in request.turns:
        if turn.role == "assistant" and not turn.content.strip():
            continue
        messages.append({"role": turn.role, "content": turn.content})
    return messages


def build_params(request: ChatRequest, deployment: str, dropped: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Keyword arguments for ``chat.completions.create``, minus the parameters in ``dropped``.

    Only what reasoning deployments accept: never temperature, top_p or penalties.
    """
    params: dict[str, Any] = {
        "model": deployment,
        "messages": build_messages(request),
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if request.max_tokens:
        params["max_tokens"] = request.max_tokens
    if request.stop:
        params["stop"] = list(request.stop)
    if request.n and request.n > 1:
        params["n"] = request.n
    for name in dropped:
        params.pop(name, None)
    return params
