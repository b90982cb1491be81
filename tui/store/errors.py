"""Store exceptions. All are :class:`StoreError` so callers can catch one type."""

from __future__ import annotations


class StoreError(Exception):
    """A history-store operation failed (unknown id, invalid import, ...)."""


class CorruptDatabaseError(StoreError):
    """The history file is not a usable SQLite database; it was left untouched."""


class NewerSchemaError(StoreError):
    """The database was written by a newer r1-tui (unknown migrations recorded)."""


class ReadOnlyError(StoreError):
    """The history cannot be written (a read-only folder or file system, a folder that cannot be
    created); it can still be opened read-only."""
