"""HistoryStore: conversations and messages in one SQLite file."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from . import attachments as attached
from . import opening, streaming
from .annotations import AnnotationsMixin
from .recall import RecallMixin
from .errors import StoreError
from .ids import new_id, now_iso
from .models import STATES, Attachment, Conversation, ConversationSummary, ErrorRecord, MessageRecord, SearchHit
from tui.metrics import Timing, Usage
from .rows import MESSAGE_COLUMNS, SUMMARY_COLUMNS, message_from_row, summary_from_row
from .validate import check_title, one_conversation

AFTER_NEWEST: object = object()  # add_user_message's default parent: the conversation's newest message


class HistoryStore(AnnotationsMixin, RecallMixin):
    """Chat history. Use :meth:`open`; thread-safe (one connection behind a lock).

    Timelines and notes: see tui/store/annotations.py.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, read_only: bool) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path
        self.read_only = read_only

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> "HistoryStore":
        """Open (creating and migrating unless ``read_only``) the history at ``path``.

        Read-only: a missing file gives an empty in-memory history; a file with
        pending migrations is copied into memory and migrated there (the file is
        never written). Raises CorruptDatabaseError / NewerSchemaError.
        """
        path = Path(path).expanduser()
        if read_only:
            return cls(opening.open_read_only(path), path, True)
        store = cls(opening.open_read_write(path), path, False)
        try:
            store.recover_abandoned_streaming()
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> "HistoryStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- internals
    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A short IMMEDIATE transaction (waits up to busy_timeout for other writers)."""
        if self.read_only:
            raise StoreError(f"{self.path} was opened read-only")
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                    self._conn.execute("COMMIT")
                except BaseException:
                    # SQLite may already have rolled back (a full disk does): a second ROLLBACK
                    # would replace the real error with "cannot rollback - no transaction is active".
                    if self._conn.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as exc:
                raise opening.translate(exc, self.path) from exc

    def _insert_with_new_id(self, work: Callable[[sqlite3.Connection, str], None],
                            ident: str | None = None) -> str:
        """Run ``work(conn, id)`` in a write transaction; a fresh id is retried on a collision.

        With ``ident`` given (ids made by the caller, e.g. the background writer's callers) a
        collision is an error.
        """
        if ident is not None:
            try:
                with self._write() as conn:
                    work(conn, ident)
            except sqlite3.IntegrityError as exc:
                raise StoreError(f"cannot store {ident!r}: {exc}") from exc
            return ident
        for _ in range(8):
            ident = new_id()
            try:
                with self._write() as conn:
                    work(conn, ident)
                return ident
            except sqlite3.IntegrityError as exc:
                if "UNIQUE" not in str(exc):
                    raise StoreError(str(exc)) from exc
        raise StoreError("could not allocate a unique id")

    def _require_conversation(self, conn: sqlite3.Connection, conv_id: str) -> None:
        if not conn.execute("SELECT 1 FROM conversations WHERE id = ?", (conv_id,)).fetchone():
            raise StoreError(f"no conversation with id {conv_id!r}")

    def _touch(self, conn: sqlite3.Connection, conv_id: str, stamp: str) -> None:
        conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (stamp, conv_id))

    # --------------------------------------------------------------- queries
    def list_conversations(
        self, *, archived: bool = False, limit: int = 500, offset: int = 0
    ) -> list[ConversationSummary]:
        """Newest first (updated_at desc); reads only the conversations table."""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {SUMMARY_COLUMNS} FROM conversations WHERE archived = ? "
                "ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?",
                (1 if archived else 0, limit, offset),
            ).fetchall()
        return [summary_from_row(r) for r in rows]

    def get_conversation(self, conv_id: str) -> Conversation | None:
        """The conversation with its messages in insertion order, or None."""
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {SUMMARY_COLUMNS} FROM conversations WHERE id = ?", (conv_id,)
            ).fetchone()
            if row is None:
                return None
            rows = conn.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? ORDER BY seq",
                (conv_id,),
            ).fetchall()
            messages = streaming.with_parts(conn, [message_from_row(r) for r in rows])
            messages = attached.with_attachments(conn, messages)
        s = summary_from_row(row)
        return Conversation(s.id, s.title, s.created_at, s.updated_at, s.archived, messages, s.damaged)

    def get_message(self, msg_id: str) -> MessageRecord | None:
        """One message by id, or None."""
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?", (msg_id,)
            ).fetchone()
            if row is None:
                return None
            return attached.with_attachments(conn, streaming.with_parts(conn, [message_from_row(row)]))[0]

    def conversation_costs(self, conv_ids: list[str]) -> dict[str, float]:
        """The summed price of each conversation's answers, for those that have any."""
        out: dict[str, float] = {}
        with self._read() as conn:
            for start in range(0, len(conv_ids), 500):
                chunk = conv_ids[start:start + 500]
                for conv_id, total in conn.execute(
                    f"SELECT conversation_id, sum(cost) FROM messages WHERE cost IS NOT NULL AND conversation_id IN "
                    f"({', '.join('?' * len(chunk))}) GROUP BY conversation_id", chunk,
                ):
                    out[conv_id] = total
        return out

    def resolve_id(self, prefix: str) -> str:
        """The conversation id that ``prefix`` uniquely starts (exact match wins)."""
        prefix = prefix.strip()
        if not prefix:
            raise StoreError("empty conversation id")
        with self._read() as conn:
            if conn.execute("SELECT 1 FROM conversations WHERE id = ?", (prefix,)).fetchone():
                return prefix
            rows = conn.execute(
                "SELECT id FROM conversations WHERE substr(id, 1, ?) IN (?, ?) ORDER BY id LIMIT 6",
                (len(prefix), prefix, prefix.lower()),
            ).fetchall()
        if not rows:
            raise StoreError(f"no conversation id starts with {prefix!r}")
        if len(rows) > 1:
            shown = ", ".join(r[0] for r in rows[:5])
            raise StoreError(f"{prefix!r} is ambiguous: it matches {shown}{' ...' if len(rows) > 5 else ''}")
        return rows[0][0]

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Full-text search over prompts, answers and reasoning; best match first."""
        from .search import search_messages

        with self._read() as conn:
            in_attachments = attached.search(conn, query, max(1, limit // 4))
            in_messages = search_messages(conn, query, limit)
        return (in_messages[: limit - len(in_attachments)] + in_attachments)[: max(limit, 0)]  # limit 0: none

    # ---------------------------------------------------------------- writes
    def create_conversation(self, title: str, *, conv_id: str | None = None) -> str:
        """A new, empty conversation; returns its id (``conv_id``, or a fresh one). StoreError for an empty title."""
        check_title(title)
        stamp = now_iso()

        def insert(conn: sqlite3.Connection, ident: str) -> None:
            conn.execute("INSERT INTO conversations(id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
                         (ident, title, stamp, stamp))

        return self._insert_with_new_id(insert, conv_id)

    def add_user_message(self, conv_id: str, content: str, *, parent_id: str | None | object = AFTER_NEWEST,
                         msg_id: str | None = None, attachments: tuple[Attachment, ...] = ()) -> str:
        """Store a prompt following ``parent_id`` (None: a first prompt; by default the conversation's
        newest message, i.e. appended to a linear conversation) with its attachments; returns its id."""
        return self._add_message(conv_id, "user", content, None, "complete", None, None, None, None, 0,
                                 parent_id=parent_id, msg_id=msg_id, attachments=attachments)

    def begin_answer(self, conv_id: str, reply_to: str, *, model: str | None,
                     deployment: str | None, endpoint_host: str | None,
                     choice_index: int = 0, msg_id: str | None = None, writer: str | None = None) -> str:
        """Start an assistant answer to prompt ``reply_to`` in state "streaming"; returns its id.

        ``writer`` is the token of the live writer's lock (tui/store/liveness.py).
        """
        return self._add_message(conv_id, "assistant", "", "", "streaming", reply_to,
                                 model, deployment, endpoint_host, choice_index,
                                 parent_id=reply_to, msg_id=msg_id, writer=writer)

    def _add_message(self, conv_id: str, role: str, content: str, reasoning: str | None,
                     state: str, reply_to: str | None, model: str | None,
                     deployment: str | None, host: str | None, choice_index: int, *,
                     parent_id: str | None | object, msg_id: str | None = None, writer: str | None = None,
                     attachments: tuple[Attachment, ...] = ()) -> str:
        stamp = now_iso()

        def insert(conn: sqlite3.Connection, ident: str) -> None:
            self._require_conversation(conn, conv_id)
            parent = parent_id
            if parent is AFTER_NEWEST:
                newest = conn.execute("SELECT id FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1",
                                      (conv_id,)).fetchone()
                parent = newest[0] if newest else None
            conn.execute(
                "INSERT INTO messages(id, conversation_id, role, content, reasoning, state, "
                "reply_to, model, deployment, endpoint_host, choice_index, created_at, updated_at, "
                "parent_id, writer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (ident, conv_id, role, content, reasoning, state, reply_to, model, deployment,
                 host, choice_index, stamp, stamp, parent, writer),
            )
            if attachments:
                attached.insert(conn, ident, attachments)
            self._touch(conn, conv_id, stamp)

        return self._insert_with_new_id(insert, msg_id)

    def update_answer(self, msg_id: str, *, answer: str | None = None,
                      reasoning: str | None = None, state: str | None = None,
                      finish_reason: str | None = None, usage: Usage | None = None,
                      timing: Timing | None = None, model: str | None = None,
                      cost: float | None = None, error: ErrorRecord | None = None) -> None:
        """Replace the given fields of an answer (None leaves a field unchanged).

        Replacing the text drops the parts appended while it streamed; setting a final state
        folds them into the row first (so search indexes the whole answer).
        """
        sets: dict[str, Any] = {}
        if error is not None:
            sets.update(error_kind=error.kind, error_message=error.message, error_hint=error.hint)
        if model is not None:
            sets["model"] = model
        if answer is not None:
            sets["content"] = answer
        if reasoning is not None:
            sets["reasoning"] = reasoning
        if state is not None:
            if state not in STATES:
                raise StoreError(f"unknown message state {state!r}")
            sets["state"] = state
            if state != "streaming":
                sets["writer"] = None
        if finish_reason is not None:
            sets["finish_reason"] = finish_reason
        if usage is not None:
            sets.update(prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens,
                        total_tokens=usage.total_tokens, reasoning_tokens=usage.reasoning_tokens,
                        usage_estimated=1 if usage.estimated else 0,
                        reasoning_estimated=1 if usage.reasoning_estimated else 0)
        if timing is not None:
            sets.update(first_token_s=timing.first_token_s, reasoning_s=timing.reasoning_s,
                        total_s=timing.total_s)
        if cost is not None:
            sets["cost"] = cost
        stamp = now_iso()
        sets["updated_at"] = stamp
        assignments = ", ".join(f"{col} = ?" for col in sets)
        with self._write() as conn:
            row = conn.execute("SELECT conversation_id FROM messages WHERE id = ?", (msg_id,)).fetchone()
            if row is None:
                raise StoreError(f"no message with id {msg_id!r}")
            if answer is not None or reasoning is not None:
                streaming.drop_parts(conn, msg_id)
            elif state is not None and state != "streaming":
                streaming.fold_parts(conn, msg_id)
            conn.execute(f"UPDATE messages SET {assignments} WHERE id = ?", (*sets.values(), msg_id))
            if state is not None:
                self._touch(conn, row[0], stamp)

    def append_to_answer(self, msg_id: str, *, reasoning: str = "", answer: str = "") -> None:
        """Append streamed text to an answer (one row of parts: nothing already written is rewritten)."""
        if not reasoning and not answer:
            return
        with self._write() as conn:
            streaming.append_part(conn, msg_id, reasoning, answer)

    def select(self, msg_id: str) -> None:
        """Put ``msg_id`` on the active path: it becomes the selected one among its siblings
        (the children of its parent: a prompt's alternative answers, or the branches after an answer)."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT conversation_id, parent_id FROM messages WHERE id = ?", (msg_id,)
            ).fetchone()
            if row is None:
                raise StoreError(f"no message with id {msg_id!r}")
            conv_id, parent_id = row
            conn.execute(
                "UPDATE messages SET selected = (id = ?) WHERE conversation_id = ? AND parent_id IS ?",
                (msg_id, conv_id, parent_id),
            )

    def select_alternative(self, msg_id: str) -> None:
        """Make answer ``msg_id`` the picked one among the answers to its prompt."""
        message = self.get_message(msg_id)
        if message is None or message.role != "assistant":
            raise StoreError(f"no answer with id {msg_id!r}")
        self.select(msg_id)

    def rename_conversation(self, conv_id: str, title: str) -> None:
        """Set the title (does not change updated_at, so the list order is kept); StoreError if empty."""
        check_title(title)
        self._update_conversation(conv_id, "title", title)

    def set_archived(self, conv_id: str, archived: bool) -> None:
        """Archive or unarchive (archived conversations are listed separately)."""
        self._update_conversation(conv_id, "archived", 1 if archived else 0)

    def _update_conversation(self, conv_id: str, column: str, value: Any) -> None:
        with self._write() as conn:
            one_conversation(conn.execute(f"UPDATE conversations SET {column} = ? WHERE id = ?", (value, conv_id)),
                              conv_id)

    def delete_conversation(self, conv_id: str) -> None:
        """Delete a conversation and (cascade) its messages and their index entries."""
        with self._write() as conn:
            one_conversation(conn.execute("DELETE FROM conversations WHERE id = ?", (conv_id,)), conv_id)

    def recover_abandoned_streaming(self, older_than_s: float = streaming.STALE_WITHOUT_WRITER_S) -> int:
        """Mark answers left "streaming" by a writer that is gone as "interrupted"; returns how many.

        An answer whose writer still runs (another r1-tui streaming now) is left alone, however
        long the model has been quiet.
        """
        with self._read() as conn:
            gone = streaming.abandoned_answers(conn, self.path, older_than_s)
        for msg_id in gone:
            self.update_answer(msg_id, state="interrupted")
        return len(gone)

    # ---------------------------------------------------------- import/export
    def export_conversation(self, conv_id: str) -> dict[str, Any]:
        """A JSON-ready dict (the ``history show --json`` shape plus lossless extras)."""
        from .export import export_conversation

        conv = self.get_conversation(conv_id)
        if conv is None:
            raise StoreError(f"no conversation with id {conv_id!r}")
        return export_conversation(conv, self.notes_for(conv_id), self.timelines_for(conv_id))

    def import_conversation(self, data: dict[str, Any]) -> str:
        """Insert an exported conversation keeping its ids; StoreError if invalid or present."""
        from .export import import_into

        with self._write() as conn:
            return import_into(conn, data)

