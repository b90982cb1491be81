"""Terminal key compatibility for the prompt input.

In a legacy (non-kitty) terminal Alt+Enter arrives as ESC CR, which Textual's parser
reports as a plain ``enter`` (the Alt is dropped because CR maps to a named key), so
Alt+Enter would send the prompt instead of inserting a newline. :func:`install`
teaches the parser that ESC CR is ``alt+enter``. It is called by the app, never at import.
"""

from __future__ import annotations

from types import SimpleNamespace


def install() -> bool:
    """Map ESC CR to the ``alt+enter`` key (idempotent); False if Textual's table moved."""
    try:
        from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
    except ImportError:  # pragma: no cover - a future Textual without the table
        return False
    ANSI_SEQUENCES_KEYS.setdefault("\x1b\r", (SimpleNamespace(value="alt+enter"),))  # type: ignore[arg-type]
    return True
