"""Extra request-body fields: a profile's ``extra_body``, a thinking switch, ``ask --extra``.

Hosts take switches r1-tui has no flag for (DeepSeek's ``thinking``, vLLM's
``chat_template_kwargs``, OpenRouter's ``reasoning``...). They travel as the openai client's
``extra_body``: merged into the JSON body as given, nested tables and arrays included. The
fields r1-tui builds itself (:data:`OWNED_FIELDS`) are never taken from them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

OWNED_FIELDS: tuple[str, ...] = ("model", "messages", "stream", "stream_options", "n", "max_tokens", "stop")
_FLAG_FOR = {"max_tokens": "--max-tokens", "stop": "--stop", "n": "-n", "model": "--deployment"}


class ExtraError(ValueError):
    """An extra field that cannot be used; the message says why and what to do instead."""


def split_owned(table: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """``table`` without the fields r1-tui owns, and the names of those it had (in table order)."""
    refused = tuple(k for k in table if k in OWNED_FIELDS)
    return {k: copy.deepcopy(v) for k, v in table.items() if k not in OWNED_FIELDS}, refused


def refusal(names: tuple[str, ...], where: str) -> str:
    """The warning for owned fields found in ``where`` (a config table)."""
    listed = ", ".join(names)
    return (f"{where}: {listed} ignored: r1-tui sets {'it' if len(names) == 1 else 'them'} itself "
            "(use the profile's own keys or the command-line flags)")


def merged(base: Mapping[str, Any], fragment: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``fragment`` laid over it: tables merge key by key, anything else is replaced.

    Neither argument is changed; the result shares no mutable value with them.
    """
    out = copy.deepcopy(dict(base))
    for key, value in fragment.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def parse_extra_arg(text: str) -> tuple[str, Any]:
    """``KEY=JSON`` from ``ask --extra`` as (key, value). Raises :class:`ExtraError` with a usage message."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ExtraError(f"--extra takes KEY=JSON, e.g. --extra 'thinking={{\"type\": \"enabled\"}}' (got {text!r})")
    if key in OWNED_FIELDS:
        flag = _FLAG_FOR.get(key)
        instead = f": use {flag}" if flag else ""
        raise ExtraError(f"--extra cannot set {key}: r1-tui sets it itself{instead}")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ExtraError(f"--extra {key}=...: the value is not valid JSON ({exc.msg} at column {exc.colno}); "
                         f"strings need quotes, e.g. --extra '{key}=\"text\"'") from exc
    return key, value


def refused_extra_hint(name: str) -> str:
    """What to do when the endpoint refuses a field r1-tui sent only because the configuration asked."""
    return (f"The endpoint refused {name!r}, which comes from this profile's extra_body or thinking_param "
            "(or ask --extra / --think): fix or remove it, or pick the recipe for this host (README: Models and hosts).")
