"""Chat requests: the conversation turns and the parameters a reasoning model accepts."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tui.llm.context_window import DEFAULT_CONTEXT_WINDOW, ContextWindow
from tui.llm.extras import OWNED_FIELDS, merged, split_owned
from tui.llm.thinking import ThinkingRecipe

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
    extra_body: Mapping[str, Any] = field(default_factory=dict, repr=False)  # merged into the body as given; no owned fields
    thinking: bool | None = None  # the thinking switch this request carries; None: none was sent
    hybrid: bool = False  # the profile has a thinking switch: the model reasons only when it is on

    @property
    def may_reason_untagged(self) -> bool:
        """Untagged content may be reasoning (a template that drops ``<think>``): not for a hybrid model
        whose thinking is not switched on, whose untagged content is its answer."""
        return not (self.hybrid and self.thinking is not True)


@dataclass(frozen=True, slots=True)
class RequestDefaults:
    """Per-profile defaults applied to every request.

    For the app (one conversation may flip thinking without touching the profile):
    :attr:`has_thinking_switch` says whether to offer the switch, :attr:`thinking` is the
    state in force (None: send nothing, the model's default), :meth:`with_thinking` /
    :meth:`toggled_thinking` give the defaults to build that conversation's requests with.
    """

    system: str | None = None
    max_tokens: int | None = None
    stop: tuple[str, ...] = field(default_factory=tuple)
    n: int | None = None
    extra_body: Mapping[str, Any] = field(default_factory=dict, repr=False)  # the profile's [extra_body], owned fields removed
    thinking: bool | None = None  # the profile's `thinking`: on, off, or None (send nothing)
    thinking_recipe: ThinkingRecipe | None = None  # how this host takes the switch (`thinking_param`)
    context: ContextWindow = ContextWindow(DEFAULT_CONTEXT_WINDOW, "assumed")  # the deployment's window, and why
    body_overrides: Mapping[str, Any] = field(default_factory=dict, repr=False)  # laid over all the rest (ask --extra)

    @property
    def context_window(self) -> int:
        """Tokens the deployment accepts, prompt and completion together."""
        return self.context.tokens

    @property
    def has_thinking_switch(self) -> bool:
        """True when the profile says how to switch thinking (the app offers ``toggle_thinking`` only then)."""
        return self.thinking_recipe is not None

    def with_thinking(self, thinking: bool | None) -> "RequestDefaults":
        """These defaults with thinking on (True), off (False) or unset (None)."""
        return dataclasses.replace(self, thinking=thinking)

    def toggled_thinking(self) -> "RequestDefaults":
        """The switch flipped: on becomes off; off and unset become on."""
        return self.with_thinking(not self.thinking)

    def with_body_overrides(self, overrides: Mapping[str, Any]) -> "RequestDefaults":
        """These defaults with top-level body fields that win over everything else (``ask --extra``)."""
        return dataclasses.replace(self, body_overrides={**self.body_overrides, **split_owned(overrides)[0]})

    def body_extras(self, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """What goes into the body besides r1-tui's own fields, in order of precedence (last wins):
        the profile's ``extra_body``, the thinking switch, :attr:`body_overrides`, then ``extra``
        (top-level keys, replaced as given)."""
        body = dict(self.extra_body)
        if self.thinking_recipe is not None and self.thinking is not None:
            body = merged(body, self.thinking_recipe.fragment(self.thinking))
        body.update(self.body_overrides)
        if extra:
            body.update(split_owned(extra)[0])
        return body

    def sends_thinking(self) -> bool | None:
        """The switch the requests carry: the state when the recipe has a fragment for it, else None."""
        if self.thinking_recipe is None or self.thinking is None:
            return None
        return self.thinking if self.thinking_recipe.fragment(self.thinking) else None

    def request(self, turns: Sequence[Turn], extra: Mapping[str, Any] | None = None) -> ChatRequest:
        """A request for ``turns`` with these defaults (``extra``: top-level body fields for this request only)."""
        return ChatRequest(tuple(turns), self.system, self.max_tokens, tuple(self.stop), self.n,
                           self.body_extras(extra), self.sends_thinking(), self.has_thinking_switch)


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
    extras = {k: v for k, v in request.extra_body.items() if k not in OWNED_FIELDS}
    if extras:
        params["extra_body"] = extras  # the openai client merges it into the JSON body
    return params


def body_field_names(params: dict[str, Any]) -> list[str]:
    """The top-level field names of the JSON body that ``params`` (from :func:`build_params`) sends."""
    return [k for k in params if k != "extra_body"] + list(params.get("extra_body") or ())
