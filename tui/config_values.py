"""Checked values of the configuration: types, ranges, and where keys come from.

Split from tui/config.py (which re-exports :class:`ConfigError`). No message built here
ever holds a key: a key of the wrong type is described by its type only, ``api_key_env``
must be a variable *name*, a key with control or non-ASCII characters is refused by
position, and :func:`secrets_in` lists every value the caller redacts from messages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tui.llm.auth import key_problem
from tui.llm.retry import RetryPolicy

SECRET_KEYS = frozenset({"api_key", "api_key_env"})
KEY_ENV = ("AZURE_OPENAI_API_KEY", "OPENAI_API_KEY")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
MAX_ATTEMPTS = 100
MAX_DELAY_S = 3600.0
MAX_TIMEOUT_S = 86400.0


class ConfigError(ValueError):
    """The configuration cannot be used; ``r1-tui`` exits 2 with this message."""


def typed(path: Path, where: str, key: str, value: Any, kind: type | tuple[type, ...]) -> Any:
    """``value`` if it is of ``kind`` (None passes); else an error that never shows a secret's value."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        shown = f"a {type(value).__name__} (its value is not shown)" if key in SECRET_KEYS else repr(value)
        raise ConfigError(f"{path}: {where}: {key} must be {names}, not {shown}")
    return value


def secrets_in(profile: Mapping[str, Any], env: Mapping[str, str]) -> tuple[str, ...]:
    """Every value that is, or may be, a key: removed from any configuration message by value."""
    found: list[Any] = [env.get(n) for n in KEY_ENV]
    var = profile.get("api_key_env")
    if isinstance(var, str):
        found += [var, env.get(var)]
    raw = profile.get("api_key")
    found += list(raw) if isinstance(raw, (list, tuple)) else [raw]
    values = [v if isinstance(v, str) else repr(v) for v in found if v is not None and not isinstance(v, bool)]
    return tuple(sorted({v for v in values if len(v) >= 6}, key=len, reverse=True))


def key_variable(path: Path, where: str, profile: Mapping[str, Any]) -> str | None:
    """``api_key_env``: the *name* of a variable (a key pasted there is refused, never shown)."""
    var = typed(path, where, "api_key_env", profile.get("api_key_env"), str)
    if var and not ENV_NAME.fullmatch(var):
        raise ConfigError(
            f"{path}: {where}: api_key_env must be the name of an environment variable (letters, digits and _); "
            "what is there is not shown, in case it is a key. Put the key in an environment variable and give "
            "that variable's name."
        )
    return var or None


def shown_variable(var: str) -> str:
    """A variable name, unless it could be a pasted key (upper-case names are shown; long mixed ones are not)."""
    return var if var.isupper() or len(var) < 16 else "the variable named by api_key_env"


def find_api_key(path: Path, where: str, profile: Mapping[str, Any], env: Mapping[str, str], azure: bool) -> str | None:
    var = key_variable(path, where, profile)
    if var:
        key, source = env.get(var) or None, shown_variable(var)
    else:
        names = ("AZURE_OPENAI_API_KEY",) if azure else ("OPENAI_API_KEY",)
        name = next((n for n in names if env.get(n)), None)
        key, source = (env[name], name) if name else (typed(path, where, "api_key", profile.get("api_key"), str),
                                                      f"api_key in {where} of {path}")
    problem = key_problem(key) if key else None
    if problem:
        raise ConfigError(f"The API key from {source} {problem}. r1-tui refuses it rather than send a broken "
                          "header; set it again without it.")
    return key


def bounded(path: Path, where: str, key: str, value: Any, low: float, high: float) -> float:
    """A finite number between ``low`` and ``high`` (TOML allows inf and nan: refused)."""
    number = typed(path, where, key, value, (int, float))
    if not math.isfinite(number) or not low <= number <= high:
        raise ConfigError(f"{path}: {where}: {key} must be a number from {low:g} to {high:g}, not {number!r}")
    return number


def retry_policy(path: Path, where: str, raw: Mapping[str, Any]) -> RetryPolicy:
    base = RetryPolicy()
    attempts = typed(path, where, "retry.max_attempts", raw.get("max_attempts", base.max_attempts), int)
    if not 1 <= attempts <= MAX_ATTEMPTS:
        raise ConfigError(f"{path}: {where}: retry.max_attempts must be from 1 to {MAX_ATTEMPTS}, not {attempts}")
    base_delay = bounded(path, where, "retry.base_delay_s", raw.get("base_delay_s", base.base_delay_s), 0, MAX_DELAY_S)
    max_delay = bounded(path, where, "retry.max_delay_s", raw.get("max_delay_s", base.max_delay_s), 0, MAX_DELAY_S)
    return RetryPolicy(attempts, float(base_delay), float(max_delay))
