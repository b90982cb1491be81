"""A stored conversation (its export dict) as a readable Markdown document."""

from __future__ import annotations

from typing import Any

from tui.formats.history_text import assistant_header, when
from tui.sanitize import for_display, one_line


def to_markdown(conv: dict[str, Any]) -> str:
    """A readable Markdown rendering; reasoning goes in a collapsed <details> block."""
    lines = [f"# {one_line(conv['title'], 200)}", "",
             f"_id {for_display(conv['id'])} · created {when(conv['created_at'])} UTC_", ""]
    for m in conv["messages"]:
        if m["role"] == "user":
            lines += ["## You", "", for_display(m["content"]), ""] + _notes(m)
            continue
        lines += [f"## {assistant_header(m)}", ""]
        if m["reasoning"]:
            lines += ["<details><summary>Reasoning</summary>", "", for_display(m["reasoning"]), "",
                      "</details>", ""]
        lines += [for_display(m["content"]), ""] + _notes(m)
    return "\n".join(lines)


def _notes(m: dict[str, Any]) -> list[str]:
    """The message's notes as quoted lines (exports made before notes existed have none)."""
    out: list[str] = []
    for note in m.get("notes", []):
        out += ["> **Note:** " + for_display(note["body"]).replace("\n", "\n> "), ""]
    return out
