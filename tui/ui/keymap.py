"""Configurable keys: the ``[keys]`` table of config.toml maps binding ids to key strings.

    [keys]
    copy_answer = "f5,y"
    new_conversation = "ctrl+o"

Every binding of the app has an id (``Binding(..., id="send")``). :func:`check_keymap`
drops and reports entries naming an unknown id, and entries that would put two ids on
one key where both are active (the app's keys count in every area); the rest is applied
with ``App.set_keymap``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from textual.binding import Binding

# Keys added by the keyboard-first feature (R1App.BINDINGS includes them). All work in a
# plain xterm, tmux and screen: function keys, Ctrl+letter not used by tmux/screen or the
# prompt editor, and printable keys that the prompt consumes while it has focus.
PALETTE_BINDING = Binding("ctrl+p", "command_palette", "Commands", priority=True, id="command_palette")  # early in the footer
KEYBOARD_BINDINGS = [
    Binding("f5,y", "copy_answer", "Copy answer", show=False, id="copy_answer"),
    Binding("f6,Y", "copy_reasoning", "Copy reasoning", show=False, id="copy_reasoning"),
    Binding("f7,c", "next_code_block", "Next code block", show=False, id="next_code_block"),
    Binding("f8,C", "copy_code_block", "Copy code block", show=False, id="copy_code_block"),
    Binding("{,alt+up", "prev_prompt", "Previous prompt", show=False, id="prev_prompt"),
    Binding("},alt+down", "next_prompt", "Next prompt", show=False, id="next_prompt"),
    Binding("j", "cursor_down", "Down (lists, panes)", show=False, id="cursor_down"),
    Binding("k", "cursor_up", "Up (lists, panes)", show=False, id="cursor_up"),
    Binding("f9", "settings", "Settings", show=False, id="settings"),
]


def _normalize(keys: str) -> list[str]:
    try:
        from textual.keys import _normalize_key_list
    except ImportError:  # pragma: no cover - a future Textual
        return [k.strip() for k in keys.split(",") if k.strip()]
    return [k for k in _normalize_key_list(keys).split(",") if k]


@dataclass
class KeymapCheck:
    """The entries to apply and a message per rejected entry."""

    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def binding_scopes() -> dict[str, list[Binding]]:
    """Bindings with ids, per area: the app's keys plus each widget's own."""
    from tui.ui.app import R1App
    from tui.ui.widgets.conversations import ConversationList
    from tui.ui.widgets.prompt import PromptInput
    from tui.ui.widgets.transcript import Transcript

    def ided(bindings: Iterable[object]) -> list[Binding]:
        return [b for b in bindings if isinstance(b, Binding) and b.id]

    app = ided(R1App.BINDINGS)
    return {
        "everywhere": app,
        "prompt": app + ided(PromptInput.BINDINGS),
        "conversation list": app + ided(ConversationList.BINDINGS),
        "answer pane": app + ided(Transcript.BINDINGS),
    }


def check_keymap(raw: Mapping[str, object], scopes: Mapping[str, list[Binding]] | None = None) -> KeymapCheck:
    """Validate ``[keys]``: unknown ids, non-string values and clashes are dropped and reported."""
    scopes = binding_scopes() if scopes is None else scopes
    known = {b.id for bindings in scopes.values() for b in bindings if b.id}
    result = KeymapCheck()
    for binding_id, keys in raw.items():
        if binding_id not in known:
            result.problems.append(f"[keys] {binding_id}: unknown binding id (known: {', '.join(sorted(known))})")
        elif not isinstance(keys, str) or not _normalize(keys):
            result.problems.append(f"[keys] {binding_id}: must be a key string such as \"ctrl+o\" or \"f5,y\"")
        else:
            result.keymap[binding_id] = keys
    clashing: set[str] = set()
    for area, bindings in scopes.items():
        owner: dict[str, str] = {}
        for binding in bindings:
            assert binding.id is not None
            keys = result.keymap.get(binding.id, binding.key)
            for key in _normalize(keys):
                other = owner.setdefault(key, binding.id)
                if other != binding.id and (other in result.keymap or binding.id in result.keymap):
                    pair = tuple(sorted((other, binding.id)))
                    message = f"[keys] {key!r} is bound to both {pair[0]!r} and {pair[1]!r} ({area}); ignored"
                    if message not in result.problems and not any(f"{pair[0]!r} and {pair[1]!r}" in p for p in result.problems):
                        result.problems.append(message)
                    clashing.update(i for i in pair if i in result.keymap)
    for binding_id in clashing:
        result.keymap.pop(binding_id, None)
    return result


def apply_keymap(app: object, raw: Mapping[str, object] | None) -> list[str]:
    """Apply the valid part of ``raw`` to ``app``; return the problems (already notified)."""
    if not raw:
        return []
    checked = check_keymap(raw)
    if checked.keymap:
        app.set_keymap(checked.keymap)  # type: ignore[attr-defined]
    for problem in checked.problems:
        app.notify(problem, title="Key configuration", severity="error", timeout=15, markup=False)  # type: ignore[attr-defined]
    return checked.problems
