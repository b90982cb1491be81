"""Reading a ``history import`` file: one record per conversation, a bad one never sinks the rest.

``json.loads`` alone fails on the whole file for a 5000-digit number (Python's digit limit)
or 100,000-deep nesting (RecursionError). Here numbers too long to be real become a
:class:`TooLarge` marker that validation refuses for *that* conversation, and a file too deep
to parse at once is split into its conversations (a small tokenizer that skips strings) so
each is parsed, and refused, on its own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .errors import StoreError
from .export import FORMAT

MAX_INT_DIGITS = 19  # anything longer cannot fit SQLite's 64-bit integers
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]')


@dataclass(frozen=True, slots=True)
class TooLarge:
    """A JSON integer with more than MAX_INT_DIGITS digits (kept as its first digits, for messages)."""

    digits: int
    head: str


@dataclass(frozen=True, slots=True)
class Record:
    """One conversation of the file: its data, or why it could not even be read."""

    number: int  # 1-based position in the file
    data: Any = None
    problem: str | None = None


def _int(text: str) -> int | TooLarge:
    digits = len(text.lstrip("-"))
    return TooLarge(digits, text[:12]) if digits > MAX_INT_DIGITS else int(text)


def _loads(text: str) -> Any:
    return json.loads(text, parse_int=_int)


def _conversation_texts(raw: str) -> list[str] | None:
    """The raw text of each element of a top-level ``"conversations": [...]`` array, or None."""
    depth, key, last_string = 0, None, None
    start: int | None = None
    pieces: list[str] = []
    for match in _TOKENS.finditer(raw):
        token = match.group()
        if start is None:
            if token.startswith('"'):
                last_string = token
            elif token == ":" and depth == 1:
                key = last_string
            elif token == "," and depth == 1:
                key = None
            elif token == "[" and depth == 1 and key == '"conversations"':
                depth, start = 2, match.end()
            elif token in "[{":
                depth += 1
            elif token in "]}":
                depth -= 1
            continue
        if token in "[{":
            depth += 1
        elif token == "]" and depth == 2:
            last = raw[start:match.start()].strip()
            return pieces + ([last] if last else [])
        elif token in "]}":
            depth -= 1
        elif token == "," and depth == 2:
            pieces.append(raw[start:match.start()].strip())
            start = match.end()
    return None


def read_records(raw: str, name: str) -> list[Record]:
    """The conversations in an export file (one, or ``{"format", "conversations": [...]}``).

    Raises StoreError when the file as a whole is not an export (not JSON, wrong format).
    """
    try:
        data = _loads(raw)
    except RecursionError:
        texts = _conversation_texts(raw)
        if texts is None:
            raise StoreError(f"{name} nests deeper than any r1-tui export: refused") from None
        records = []
        for number, text in enumerate(texts, 1):
            try:
                records.append(Record(number, _loads(text)))
            except RecursionError:
                records.append(Record(number, problem="nested deeper than any r1-tui export"))
            except ValueError as exc:
                records.append(Record(number, problem=f"not JSON: {exc}"))
        return records
    except ValueError as exc:
        raise StoreError(f"{name} is not a JSON export: {exc}") from None
    if isinstance(data, dict) and "conversations" in data:
        if data.get("format", FORMAT) != FORMAT:
            raise StoreError(f"{name}: unsupported format {str(data.get('format'))[:40]!r}")
        convs = data["conversations"]
        if not isinstance(convs, list):
            raise StoreError(f"{name}: 'conversations' must be a list")
        return [Record(number, conv) for number, conv in enumerate(convs, 1)]
    return [Record(1, data)]
