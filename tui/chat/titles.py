"""Conversation titles."""

from __future__ import annotations

TITLE_CHARS = 60


def title_for(prompt: str, limit: int = TITLE_CHARS) -> str:
    """A conversation title from its first prompt: one line, at most ``limit`` characters.

    Stored as the user typed it; like all text it is sanitised when displayed.
    """
    flat = " ".join(prompt.split())
    if len(flat) <= limit:
        return flat or "untitled"
    return flat[: limit - 1].rstrip() + "\u2026"
