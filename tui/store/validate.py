"""Small checks the repository applies before and after a write."""

from __future__ import annotations

import sqlite3

from .errors import StoreError


def one_conversation(cur: sqlite3.Cursor, conv_id: str) -> None:
    """StoreError when the statement touched no conversation (an unknown id)."""
    if cur.rowcount == 0:
        raise StoreError(f"no conversation with id {conv_id!r}")


def check_title(title: str) -> None:
    """Refuse a title with nothing visible in it."""
    if not isinstance(title, str) or not title.strip():
        raise StoreError("a title cannot be empty")
