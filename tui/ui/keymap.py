"""Configurable keys: the ``[keys]`` table of config.toml maps binding ids to key strings.

    [keys]
    copy_answer = "f5,y"
    new_conversation = "ctrl+o"

Every binding of the app has an id (``Binding(..., id="send")``; all listed in
tui/ui/bindings.py). :func:`check_keymap` drops and reports entries naming an unknown id,
and entries that would put two ids on one key where both are active (the global keys
count in every area); the rest is the app's :class:`Keymap`, applied with the public
``App.set_keymap`` and kept here so F1, the footer's toasts and the prompt know the keys
in force.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from textual.binding import Binding
from textual.keys import format_key

# Textual's names for characters whose Unicode name is not what a key is called.
_RENAMED = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def key_name(key: str) -> str:
    """One key as Textual names it: ``"{"`` -> ``"left_curly_bracket"``, ``"ctrl+f"`` stays."""
    key = key.strip()
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return key
    return _RENAMED.get(name, name)


def normalize_keys(keys: str) -> list[str]:
    """A comma-separated key string as a list of key names (empty entries dropped)."""
    return [key_name(k) for k in keys.split(",") if k.strip()]


def display_key(key: str) -> str:
    """A key as typed: ``"slash"`` -> ``"/"``, ``"left_curly_bracket"`` -> ``"{"``; ``"ctrl+f"`` stays."""
    key = key.strip()
    if len(key) > 1 and "+" not in key:
        char = format_key(key)
        if len(char) == 1 and char.isascii() and char.isprintable() and not char.isspace():
            return char
    return key


_NAMED = {"escape": "Esc", "enter": "Enter", "delete": "Delete", "tab": "Tab", "space": "Space",
          "up": "Up", "down": "Down", "left": "Left", "right": "Right", "pageup": "PageUp", "pagedown": "PageDown",
          "home": "Home", "end": "End", "backspace": "Backspace"}


def human_key(key: str) -> str:
    """A key name for messages: ``"ctrl+n"`` -> ``"Ctrl+N"``, ``"f8"`` -> ``"F8"``, ``"slash"`` -> ``"/"``."""
    *mods, last = key.split("+")
    if last in _NAMED:
        last = _NAMED[last]
    elif last[:1] == "f" and last[1:].isdigit():
        last = last.upper()
    else:
        last = display_key(last)
        last = last.upper() if mods and len(last) == 1 else last
    return "+".join([*(m.capitalize() for m in mods), last])


@dataclass
class Keymap:
    """The validated ``[keys]`` entries (id -> key string) over the bindings' defaults."""

    overrides: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)

    def keys_for(self, binding_id: str) -> list[str]:
        """The key names bound to ``binding_id`` now."""
        return normalize_keys(self.overrides.get(binding_id, self.defaults.get(binding_id, "")))

    def describe(self, binding_id: str) -> str:
        """The keys of ``binding_id`` as the user types them: ``"F8 or C"``."""
        return " or ".join(human_key(k) for k in self.keys_for(binding_id)) or "(unbound)"


@dataclass
class KeymapCheck:
    """The entries to apply and a message per rejected entry."""

    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def check_keymap(raw: Mapping[str, object], scopes: Mapping[str, list[Binding]],
                 shared: Iterable[frozenset[str]] = ()) -> KeymapCheck:
    """Validate ``[keys]``: unknown ids, non-string values and clashes are dropped and reported.

    ``shared`` lists pairs of ids that share a default key on purpose (not a clash).
    """
    shared_pairs = set(shared)
    known = {b.id for bindings in scopes.values() for b in bindings if b.id}
    result = KeymapCheck()
    for binding_id, keys in raw.items():
        if binding_id not in known:
            result.problems.append(f"[keys] {binding_id}: unknown binding id (known: {', '.join(sorted(known))})")
        elif not isinstance(keys, str) or not normalize_keys(keys):
            result.problems.append(f"[keys] {binding_id}: must be a key string such as \"ctrl+o\" or \"f5,y\"")
        else:
            result.keymap[binding_id] = keys
    clashing: set[str] = set()
    for area, bindings in scopes.items():
        owner: dict[str, str] = {}
        for binding in bindings:
            assert binding.id is not None
            for key in normalize_keys(result.keymap.get(binding.id, binding.key)):
                other = owner.setdefault(key, binding.id)
                if other == binding.id or frozenset({other, binding.id}) in shared_pairs:
                    continue
                if other in result.keymap or binding.id in result.keymap:
                    first, second = sorted((other, binding.id))
                    if not any(f"{first!r} and {second!r}" in p for p in result.problems):
                        result.problems.append(f"[keys] {key!r} is bound to both {first!r} and {second!r} ({area}); ignored")
                    clashing.update(i for i in (first, second) if i in result.keymap)
    for binding_id in clashing:
        result.keymap.pop(binding_id, None)
    return result


def build_keymap(raw: Mapping[str, object] | None, scopes: Mapping[str, list[Binding]],
                 shared: Iterable[frozenset[str]] = ()) -> tuple[Keymap, list[str]]:
    """The app's keymap from ``[keys]`` and the problems to report."""
    defaults = {b.id: b.key for bindings in scopes.values() for b in bindings if b.id}
    if not raw:
        return Keymap({}, defaults), []
    checked = check_keymap(raw, scopes, shared)
    return Keymap(checked.keymap, defaults), checked.problems
