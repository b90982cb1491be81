"""What the store keeps beside a message: its arrival timeline and the user's notes.

Mixed into :class:`~tui.store.repo.HistoryStore` (it uses the store's ``_read``/``_write``).
A timeline is opaque text here (tui/trace/timeline.py encodes and decodes it); answers
saved before migration 0008 have none (``get_timeline`` returns None). Notes are
indexed for search (migration 0009) and exported with their message.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

from .errors import StoreError
from .ids import new_id, now_iso
from .models import Note

NOTE_COLUMNS = "id, message_id, body, created_at, updated_at"
MAX_TIMELINE_CHARS = 16 * 1024 * 1024
MAX_NOTE_CHARS = 100_000


def _note(row: tuple[Any, ...]) -> Note:
    return Note(*row)


class AnnotationsMixin:
    """Timelines and notes; needs ``_read()`` / ``_write()`` context managers from the store."""

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:  # provided by HistoryStore
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:  # provided by HistoryStore
        raise NotImplementedError

    # --------------------------------------------------------------- timelines
    def save_timeline(self, msg_id: str, data: str) -> None:
        """Store (or replace) the timeline of answer ``msg_id``."""
        if not isinstance(data, str) or len(data) > MAX_TIMELINE_CHARS:
            raise StoreError("a timeline must be text of at most 16 MiB")
        with self._write() as conn:
            row = conn.execute("SELECT role FROM messages WHERE id = ?", (msg_id,)).fetchone()
            if row is None or row[0] != "assistant":
                raise StoreError(f"no answer with id {msg_id!r}")
            conn.execute("INSERT INTO answer_timelines(message_id, data) VALUES (?, ?) "
                         "ON CONFLICT(message_id) DO UPDATE SET data = excluded.data", (msg_id, data))

    def get_timeline(self, msg_id: str) -> str | None:
        """The stored timeline of ``msg_id``, or None (none was recorded)."""
        with self._read() as conn:
            row = conn.execute("SELECT data FROM answer_timelines WHERE message_id = ?", (msg_id,)).fetchone()
        return row[0] if row else None

    def timelines_for(self, conv_id: str) -> dict[str, str]:
        """Every stored timeline of a conversation's answers, by message id."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT t.message_id, t.data FROM answer_timelines t JOIN messages m ON m.id = t.message_id "
                "WHERE m.conversation_id = ?", (conv_id,)).fetchall()
        return dict(rows)

    # ------------------------------------------------------------------- notes
    def add_note(self, msg_id: str, body: str) -> str:
        """Attach a note to message ``msg_id``; returns the note's id."""
        body = _check_body(body)
        stamp = now_iso()
        for _ in range(8):
            ident = new_id()
            try:
                with self._write() as conn:
                    if not conn.execute("SELECT 1 FROM messages WHERE id = ?", (msg_id,)).fetchone():
                        raise StoreError(f"no message with id {msg_id!r}")
                    conn.execute("INSERT INTO message_notes(id, message_id, body, created_at, updated_at) "
                                 "VALUES (?, ?, ?, ?, ?)", (ident, msg_id, body, stamp, stamp))
                return ident
            except sqlite3.IntegrityError as exc:
                if "UNIQUE" not in str(exc):
                    raise StoreError(str(exc)) from exc
        raise StoreError("could not allocate a unique id")

    def edit_note(self, note_id: str, body: str) -> None:
        """Replace a note's text."""
        body = _check_body(body)
        with self._write() as conn:
            cur = conn.execute("UPDATE message_notes SET body = ?, updated_at = ? WHERE id = ?",
                               (body, now_iso(), note_id))
            if cur.rowcount == 0:
                raise StoreError(f"no note with id {note_id!r}")

    def delete_note(self, note_id: str) -> None:
        """Delete a note (and its index entry)."""
        with self._write() as conn:
            if conn.execute("DELETE FROM message_notes WHERE id = ?", (note_id,)).rowcount == 0:
                raise StoreError(f"no note with id {note_id!r}")

    def get_note(self, note_id: str) -> Note | None:
        """One note by id, or None."""
        with self._read() as conn:
            row = conn.execute(f"SELECT {NOTE_COLUMNS} FROM message_notes WHERE id = ?", (note_id,)).fetchone()
        return _note(row) if row else None

    def get_notes(self, msg_id: str) -> list[Note]:
        """The notes of message ``msg_id``, oldest first."""
        with self._read() as conn:
            rows = conn.execute(f"SELECT {NOTE_COLUMNS} FROM message_notes WHERE message_id = ? ORDER BY seq",
                                (msg_id,)).fetchall()
        return [_note(r) for r in rows]

    def notes_for(self, conv_id: str) -> dict[str, list[Note]]:
        """Every note of a conversation's messages, by message id, oldest first."""
        out: dict[str, list[Note]] = {}
        for note in self._conversation_notes(conv_id):
            out.setdefault(note.message_id, []).append(note)
        return out

    def _conversation_notes(self, conv_id: str) -> Iterator[Note]:
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {NOTE_COLUMNS} FROM message_notes "
                "WHERE message_id IN (SELECT id FROM messages WHERE conversation_id = ?) ORDER BY seq",
                (conv_id,)).fetchall()
        return (_note(r) for r in rows)


def _check_body(body: str) -> str:
    if not isinstance(body, str) or not body.strip():
        raise StoreError("a note needs some text")
    if len(body) > MAX_NOTE_CHARS:
        raise StoreError(f"a note is limited to {MAX_NOTE_CHARS} characters")
    return body
