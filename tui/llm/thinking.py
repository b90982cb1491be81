"""The thinking switch of hybrid models: how each host takes "think" / "don't think".

Hybrid models (DeepSeek-V3.1 and later, Qwen3, ...) think or not per request, and every host
spells the switch differently. A :class:`ThinkingRecipe` holds the request-body fragment for
"on" and for "off"; built-in recipes are chosen by name (``thinking_param = "deepseek"``), a
custom one is given as two tables (``thinking_param = { on = {...}, off = {...} }``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ThinkingRecipe:
    """The body fragments that switch thinking on and off (an empty fragment sends nothing)."""

    name: str  # a built-in name, or "custom"
    on: Mapping[str, Any] = field(default_factory=dict)
    off: Mapping[str, Any] = field(default_factory=dict)

    def fragment(self, thinking: bool) -> Mapping[str, Any]:
        """What to merge into the body for this state."""
        return self.on if thinking else self.off


# name -> (on, off); data, checked whole by tests/test_request.py
_SWITCHES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    # DeepSeek's own API (and hosts copying it): thinking = {type = "enabled" | "disabled"}
    "deepseek": ({"thinking": {"type": "enabled"}}, {"thinking": {"type": "disabled"}}),
    # vLLM / SGLang serving DeepSeek-V3.1+: the chat template's `thinking` switch
    "vllm": ({"chat_template_kwargs": {"thinking": True}}, {"chat_template_kwargs": {"thinking": False}}),
    "sglang": ({"chat_template_kwargs": {"thinking": True}}, {"chat_template_kwargs": {"thinking": False}}),
    # vLLM / SGLang serving models whose template names it `enable_thinking` (Qwen3 and others)
    "vllm-enable-thinking": ({"chat_template_kwargs": {"enable_thinking": True}},
                             {"chat_template_kwargs": {"enable_thinking": False}}),
    "sglang-enable-thinking": ({"chat_template_kwargs": {"enable_thinking": True}},
                               {"chat_template_kwargs": {"enable_thinking": False}}),
    # OpenRouter's unified reasoning switch
    "openrouter": ({"reasoning": {"enabled": True}}, {"reasoning": {"enabled": False}}),
    # Alibaba Cloud Model Studio (DashScope), OpenAI-compatible mode
    "alibaba": ({"enable_thinking": True}, {"enable_thinking": False}),
}


BUILT_IN: Mapping[str, ThinkingRecipe] = {name: ThinkingRecipe(name, on, off) for name, (on, off) in _SWITCHES.items()}
STATES: Mapping[str, bool] = {"on": True, "off": False}


def state_name(thinking: bool | None) -> str:
    """``on``, ``off`` or ``unset`` (send nothing: the model's own default)."""
    return "unset" if thinking is None else "on" if thinking else "off"
