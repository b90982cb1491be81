"""The request-shaping keys of a profile: ``extra_body``, ``thinking``, ``thinking_param``, ``context_window``.

Read by :mod:`tui.config` (which turns :class:`ProfileValueError` into its ``ConfigError``)::

    [profiles.v31]
    endpoint = "https://my-resource.openai.azure.com/openai/v1/"
    deployment = "DeepSeek-V3.1"
    thinking = "on"                      # on | off; absent: send no switch
    thinking_param = "deepseek"          # or { on = {...}, off = {...} }
    context_window = 131072              # default: the built-in table, else 128k

    [profiles.v31.extra_body]            # merged into every request body as given
    top_k = 40

Entries that would set a field r1-tui owns are ignored with a warning; values are never
put in warnings (they may hold anything).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.llm import context_window
from tui.llm.context_window import ContextWindow
from tui.llm.extras import refusal, split_owned
from tui.llm.thinking import BUILT_IN, STATES, ThinkingRecipe

REQUEST_KEYS = frozenset({"extra_body", "thinking", "thinking_param", "context_window"})
DEMO_RECIPES = {"demo-v3": "deepseek"}  # the switch the demo's hybrid model documents


class ProfileValueError(ValueError):
    """A request-shaping key has a value r1-tui cannot use."""


@dataclass(frozen=True, slots=True)
class RequestShape:
    """What a profile adds to its requests."""

    extra_body: dict[str, Any] = field(default_factory=dict, repr=False)
    thinking: bool | None = None
    recipe: ThinkingRecipe | None = None
    context: ContextWindow = ContextWindow(context_window.DEFAULT_CONTEXT_WINDOW, "assumed")
    warnings: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()


def _sub(where: str, key: str) -> str:
    """``[profiles.a]`` + ``extra_body`` -> ``[profiles.a.extra_body]``."""
    return f"{where[:-1]}.{key}]" if where.startswith("[") else f"{where} {key}"


def _recipe_names() -> str:
    return ", ".join(BUILT_IN)


def _thinking(where: str, value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in STATES:
        return STATES[value.strip().lower()]
    raise ProfileValueError(f"{where}: thinking must be \"on\" or \"off\" (or left out to send no switch), not {value!r}")


def _recipe(where: str, value: Any, warnings: list[str]) -> ThinkingRecipe | None:
    if value is None:
        return None
    if isinstance(value, str):
        recipe = BUILT_IN.get(value.strip().lower())
        if recipe is None:
            raise ProfileValueError(f"{where}: unknown thinking_param {value!r}; built-in recipes: {_recipe_names()}, "
                                    "or a table { on = {...}, off = {...} }")
        return recipe
    if isinstance(value, dict) and value and set(value) <= {"on", "off"}:
        parts: dict[str, dict[str, Any]] = {}
        for state in ("on", "off"):
            fragment = value.get(state, {})
            if not isinstance(fragment, dict):
                raise ProfileValueError(f"{where}: thinking_param.{state} must be a table of request fields")
            parts[state], refused = split_owned(fragment)
            if refused:
                warnings.append(refusal(refused, f"{where}: thinking_param.{state}"))
        return ThinkingRecipe("custom", parts["on"], parts["off"])
    raise ProfileValueError(f"{where}: thinking_param must be a built-in recipe ({_recipe_names()}) "
                            "or a table with `on` and/or `off` tables")


def _window(path: Path, where: str, value: Any, deployment: str | None, demo: bool) -> ContextWindow:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ProfileValueError(f"{path}: {where}: context_window must be a positive number of tokens, not {value!r}")
    if value is None and demo:
        return ContextWindow(context_window.DEFAULT_CONTEXT_WINDOW, "table", "demo")
    return context_window.resolve(value, deployment)


def read_request_shape(path: Path, where: str, profile: Mapping[str, Any], deployment: str | None,
                       demo: bool = False) -> RequestShape:
    """The request-shaping keys of ``profile`` (``where`` names it in messages), checked."""
    warnings: list[str] = []
    raw_extra = profile.get("extra_body", {})
    if not isinstance(raw_extra, dict):
        raise ProfileValueError(f"{path}: {where}: extra_body must be a table ([profiles.NAME.extra_body])")
    extra_body, refused = split_owned(raw_extra)
    if refused:
        warnings.append(refusal(refused, f"{path}: {_sub(where, 'extra_body')}"))
    thinking = _thinking(f"{path}: {where}", profile.get("thinking"))
    recipe = _recipe(f"{path}: {where}", profile.get("thinking_param"), warnings)
    if demo:  # the demo is its own host: its hybrid model takes the switch it documents
        recipe = BUILT_IN[DEMO_RECIPES[deployment]] if deployment in DEMO_RECIPES else None
    if thinking is not None and recipe is None:
        warnings.append(f"{path}: {where}: thinking = \"{'on' if thinking else 'off'}\" sends nothing without "
                        f"thinking_param (built-in: {_recipe_names()}; or a table {{ on = {{...}}, off = {{...}} }})")
    context = _window(path, where, profile.get("context_window"), deployment, demo)
    notices = (context_window.unknown_notice(deployment),) if context.assumed and deployment else ()
    return RequestShape(extra_body, thinking, recipe, context, tuple(warnings), notices)
