"""Checks on the fields of a streamed chunk, at the edge, before anything downstream sees them.

A hostile or broken server can send any JSON: a string where an index belongs, counts
beyond any real request (``2**63`` would overflow SQLite), lone UTF-16 surrogate escapes
(``"\\ud83d"`` cannot be encoded as UTF-8, so it would crash a print or an insert). Here:

- :class:`ProtocolError`: a chunk that cannot be read as a chat-completion chunk (the
  stream ends with a clean failure);
- :func:`count`: a token count, or None when it is not a plausible one;
- :func:`clean`: a whole string with each lone surrogate replaced by U+FFFD;
- :class:`SurrogateJoiner`: streamed text whose surrogate pairs may be split across chunks
  (``"\\ud83d"`` then ``"\\ude00"`` is one emoji); a lone one becomes U+FFFD.
"""

from __future__ import annotations

import re
from typing import Any

MAX_COUNT = 2**53 - 1  # the largest integer every JSON reader keeps exactly
MAX_LABEL_CHARS = 200  # model names, finish reasons: short labels, not text
_SURROGATE = re.compile("[\ud800-\udfff]")
_UTF16 = "utf-16-le"  # surrogates pass through it in pairs (a codec name: any case names the same codec)


class ProtocolError(Exception):
    """The server sent a chunk that is not a chat-completion chunk; the message says which field."""


def count(value: Any) -> int | None:
    """``value`` if it is a whole number between 0 and :data:`MAX_COUNT`, else None."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        return None
    return value


def clean(text: str) -> str:
    """``text`` with surrogate pairs joined and every lone surrogate replaced by U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return text.encode(_UTF16, "surrogatepass").decode(_UTF16, "replace")


def label(value: Any) -> str | None:
    """A short string field (model, finish_reason): cleaned and bounded, or None if not a string."""
    if not isinstance(value, str) or not value:
        return None
    return clean(value[:MAX_LABEL_CHARS])


def describe(value: Any) -> str:
    """A short, printable description of an unexpected value (never the whole of a huge one)."""
    text = repr(value)
    shown = text if len(text) <= 40 else text[:39] + "\u2026"
    return f"{type(value).__name__} {clean(shown)}"


class SurrogateJoiner:
    """Joins surrogate pairs split across the deltas of one text stream."""

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        self._pending = ""  # a high surrogate waiting for its low half

    def feed(self, text: str) -> str:
        """The text that can be emitted now (a trailing high surrogate is held back)."""
        if self._pending:
            text, self._pending = self._pending + text, ""
        if not _SURROGATE.search(text):
            return text
        if "\ud800" <= text[-1] <= "\udbff":
            text, self._pending = text[:-1], text[-1]
        return clean(text)

    def finish(self) -> str:
        """What is left at the end of the stream: U+FFFD for a high surrogate that never got its pair."""
        pending, self._pending = self._pending, ""
        return "\ufffd" if pending else ""
