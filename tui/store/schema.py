"""Named, ordered schema migrations recorded in the ``_migrations`` table.

Each migration is a tuple of steps (SQL statements, or a function of the connection for a
data step) applied in one IMMEDIATE transaction
together with its ``_migrations`` row, so a crash never leaves half a migration and
two processes opening a fresh file at once do not both apply it. ``PRAGMA
user_version`` mirrors the number of applied migrations (informational only).
Never edit or reorder a released migration: append a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from .errors import NewerSchemaError
from .ids import now_iso
from .tree_backfill import backfill_parents

Step = str | Callable[[sqlite3.Connection], None]

_CREATE_TABLES = (
    """CREATE TABLE conversations (
        id          TEXT PRIMARY KEY,
        title       TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        archived    INTEGER NOT NULL DEFAULT 0
    )""",
    # seq is the stable integer rowid used by the FTS index; id is the public id.
    """CREATE TABLE messages (
        seq               INTEGER PRIMARY KEY,
        id                TEXT NOT NULL UNIQUE,
        conversation_id   TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        role              TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        content           TEXT NOT NULL DEFAULT '',
        reasoning         TEXT,
        state             TEXT NOT NULL DEFAULT 'complete',
        finish_reason     TEXT,
        model             TEXT,
        deployment        TEXT,
        endpoint_host     TEXT,
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        total_tokens      INTEGER,
        reasoning_tokens  INTEGER,
        usage_estimated   INTEGER NOT NULL DEFAULT 0,
        first_token_s     REAL,
        reasoning_s       REAL,
        total_s           REAL,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        reply_to          TEXT,
        choice_index      INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX messages_by_conversation ON messages(conversation_id, seq)",
    "CREATE INDEX conversations_by_recency ON conversations(archived, updated_at DESC)",
    "CREATE INDEX messages_streaming ON messages(updated_at) WHERE state = 'streaming'",
)

_MESSAGE_COUNT = (
    "ALTER TABLE conversations ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0",
    """UPDATE conversations SET message_count =
        (SELECT count(*) FROM messages WHERE messages.conversation_id = conversations.id)""",
    """CREATE TRIGGER messages_count_ins AFTER INSERT ON messages BEGIN
        UPDATE conversations SET message_count = message_count + 1 WHERE id = new.conversation_id;
    END""",
    """CREATE TRIGGER messages_count_del AFTER DELETE ON messages BEGIN
        UPDATE conversations SET message_count = message_count - 1 WHERE id = old.conversation_id;
    END""",
)

_FTS = (
    """CREATE VIRTUAL TABLE messages_fts USING fts5(
        content, reasoning, content='messages', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2', prefix='3')""",
    """CREATE TRIGGER messages_fts_ins AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts(rowid, content, reasoning) VALUES (new.seq, new.content, new.reasoning);
    END""",
    """CREATE TRIGGER messages_fts_del AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content, reasoning)
            VALUES ('delete', old.seq, old.content, old.reasoning);
    END""",
    # Only re-index when the indexed text changed (usage/state updates are free).
    """CREATE TRIGGER messages_fts_upd AFTER UPDATE OF content, reasoning ON messages
    WHEN old.content IS NOT new.content OR old.reasoning IS NOT new.reasoning BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content, reasoning)
            VALUES ('delete', old.seq, old.content, old.reasoning);
        INSERT INTO messages_fts(rowid, content, reasoning) VALUES (new.seq, new.content, new.reasoning);
    END""",
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
)

# Which of a prompt's alternative answers (regenerations, n > 1 choices) the user picked:
# at most one assistant message per reply_to has selected = 1; none means "the first usable".
_SELECTED = (
    "ALTER TABLE messages ADD COLUMN selected INTEGER NOT NULL DEFAULT 0",
)

# A conversation is a tree: every message has a parent (an answer: its prompt; a prompt: the
# answer it follows; the first prompt of a branch root: none). Among the children of one parent,
# ``selected`` marks the one on the active path (none selected: see tui/chat/tree.py).
_TREE: tuple[Step, ...] = (
    "ALTER TABLE messages ADD COLUMN parent_id TEXT",
    backfill_parents,
    "CREATE INDEX messages_by_parent ON messages(conversation_id, parent_id)",
)

# Streaming answers are appended as parts (never rewritten) and only indexed for search once
# they leave "streaming"; ``writer`` names the live writer's lock (tui/store/liveness.py), so
# another process can tell a live answer from one whose writer died.
_STREAMING_APPENDS: tuple[Step, ...] = (
    """CREATE TABLE message_parts (
        message_id  TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        part        INTEGER NOT NULL,
        reasoning   TEXT NOT NULL DEFAULT '',
        answer      TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (message_id, part)
    ) WITHOUT ROWID""",
    "ALTER TABLE messages ADD COLUMN writer TEXT",
    "ALTER TABLE messages ADD COLUMN reasoning_estimated INTEGER NOT NULL DEFAULT 0",
    """INSERT INTO messages_fts(messages_fts, rowid, content, reasoning)
        SELECT 'delete', seq, content, reasoning FROM messages WHERE state = 'streaming'""",
    "DROP TRIGGER messages_fts_ins",
    "DROP TRIGGER messages_fts_del",
    "DROP TRIGGER messages_fts_upd",
    """CREATE TRIGGER messages_fts_ins AFTER INSERT ON messages WHEN new.state != 'streaming' BEGIN
        INSERT INTO messages_fts(rowid, content, reasoning) VALUES (new.seq, new.content, new.reasoning);
    END""",
    """CREATE TRIGGER messages_fts_del AFTER DELETE ON messages WHEN old.state != 'streaming' BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content, reasoning)
            VALUES ('delete', old.seq, old.content, old.reasoning);
    END""",
    """CREATE TRIGGER messages_fts_upd AFTER UPDATE OF content, reasoning, state ON messages
    WHEN old.content IS NOT new.content OR old.reasoning IS NOT new.reasoning
      OR (old.state = 'streaming') != (new.state = 'streaming') BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, content, reasoning)
            SELECT 'delete', old.seq, old.content, old.reasoning WHERE old.state != 'streaming';
        INSERT INTO messages_fts(rowid, content, reasoning)
            SELECT new.seq, new.content, new.reasoning WHERE new.state != 'streaming';
    END""",
)

# Files attached to a prompt are kept apart from the typed text (sent before it as fenced
# blocks) and searchable on their own; ``cost`` is an answer's price, computed when it ended
# from the profile's price table (none built in).
_ATTACHMENTS_AND_COST: tuple[Step, ...] = (
    """CREATE TABLE attachments (
        seq         INTEGER PRIMARY KEY,
        message_id  TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        name        TEXT NOT NULL,
        content     TEXT NOT NULL,
        UNIQUE (message_id, position)
    )""",
    """CREATE VIRTUAL TABLE attachments_fts USING fts5(
        name, content, content='attachments', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2', prefix='3')""",
    """CREATE TRIGGER attachments_fts_ins AFTER INSERT ON attachments BEGIN
        INSERT INTO attachments_fts(rowid, name, content) VALUES (new.seq, new.name, new.content);
    END""",
    """CREATE TRIGGER attachments_fts_del AFTER DELETE ON attachments BEGIN
        INSERT INTO attachments_fts(attachments_fts, rowid, name, content)
            VALUES ('delete', old.seq, old.name, old.content);
    END""",
    "ALTER TABLE messages ADD COLUMN cost REAL",
)

# When each part of an answer arrived (tui/trace/timeline.py's "tl1:" text), one row per
# answer recorded with a timeline; answers saved before this migration have none.
_ANSWER_TIMELINE = (
    """CREATE TABLE answer_timelines (
        message_id  TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
        data        TEXT NOT NULL
    )""",
)

# Notes the user attaches to any message, searchable through their own FTS5 index.
_MESSAGE_NOTES = (
    """CREATE TABLE message_notes (
        seq         INTEGER PRIMARY KEY,
        id          TEXT NOT NULL UNIQUE,
        message_id  TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        body        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    )""",
    "CREATE INDEX message_notes_by_message ON message_notes(message_id, seq)",
    """CREATE VIRTUAL TABLE notes_fts USING fts5(
        body, content='message_notes', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2', prefix='3')""",
    """CREATE TRIGGER message_notes_fts_ins AFTER INSERT ON message_notes BEGIN
        INSERT INTO notes_fts(rowid, body) VALUES (new.seq, new.body);
    END""",
    """CREATE TRIGGER message_notes_fts_del AFTER DELETE ON message_notes BEGIN
        INSERT INTO notes_fts(notes_fts, rowid, body) VALUES ('delete', old.seq, old.body);
    END""",
    """CREATE TRIGGER message_notes_fts_upd AFTER UPDATE OF body ON message_notes
    WHEN old.body IS NOT new.body BEGIN
        INSERT INTO notes_fts(notes_fts, rowid, body) VALUES ('delete', old.seq, old.body);
        INSERT INTO notes_fts(rowid, body) VALUES (new.seq, new.body);
    END""",
)

# Failed and stopped answers: why an answer failed or was cut off (what `history show` prints;
# NULL when it ended well), and each conversation's newest answer state, kept by triggers so
# the list (`history list`, the app's list) still reads the conversations table only.
_FAILED_ANSWERS: tuple[Step, ...] = (
    "ALTER TABLE messages ADD COLUMN error_kind TEXT",
    "ALTER TABLE messages ADD COLUMN error_message TEXT",
    "ALTER TABLE messages ADD COLUMN error_hint TEXT",
    "ALTER TABLE conversations ADD COLUMN last_answer_state TEXT",
    """UPDATE conversations SET last_answer_state = (SELECT state FROM messages
        WHERE messages.conversation_id = conversations.id AND role = 'assistant' ORDER BY seq DESC LIMIT 1)""",
    """CREATE TRIGGER messages_last_state_ins AFTER INSERT ON messages WHEN new.role = 'assistant' BEGIN
        UPDATE conversations SET last_answer_state = new.state WHERE id = new.conversation_id;
    END""",
    """CREATE TRIGGER messages_last_state_upd AFTER UPDATE OF state ON messages
    WHEN new.role = 'assistant' AND old.state IS NOT new.state BEGIN
        UPDATE conversations SET last_answer_state = new.state WHERE id = new.conversation_id
            AND new.seq = (SELECT max(seq) FROM messages WHERE conversation_id = new.conversation_id
                           AND role = 'assistant');
    END""",
    """CREATE TRIGGER messages_last_state_del AFTER DELETE ON messages WHEN old.role = 'assistant' BEGIN
        UPDATE conversations SET last_answer_state = (SELECT state FROM messages
            WHERE conversation_id = old.conversation_id AND role = 'assistant' ORDER BY seq DESC LIMIT 1)
        WHERE id = old.conversation_id;
    END""",
)

MIGRATIONS: tuple[tuple[str, tuple[Step, ...]], ...] = (
    ("0001_create_tables", _CREATE_TABLES),
    ("0002_conversation_message_count", _MESSAGE_COUNT),
    ("0003_fts5_message_search", _FTS),
    ("0004_selected_alternative", _SELECTED),
    ("0005_message_tree", _TREE),
    ("0006_streaming_appends", _STREAMING_APPENDS),
    ("0007_attachments_and_cost", _ATTACHMENTS_AND_COST),
    ("0008_answer_timeline", _ANSWER_TIMELINE),
    ("0009_message_notes", _MESSAGE_NOTES),
    ("0011_failed_answers", _FAILED_ANSWERS),
)
KNOWN = tuple(name for name, _ in MIGRATIONS)


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """Names recorded in ``_migrations`` (empty for a fresh file)."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'"
    ).fetchone()
    if not exists:
        return []
    return [row[0] for row in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]


def check_not_newer(conn: sqlite3.Connection, path: Path | str) -> list[str]:
    """Raise NewerSchemaError if the file records migrations this code does not know."""
    applied = applied_migrations(conn)
    unknown = [name for name in applied if name not in KNOWN]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if unknown or version > len(MIGRATIONS):
        detail = ", ".join(unknown) if unknown else f"schema version {version}"
        raise NewerSchemaError(
            f"{path} was written by a newer r1-tui ({detail}); upgrade r1-tui to open it"
        )
    return applied


def pending_migrations(conn: sqlite3.Connection, path: Path | str) -> list[str]:
    """Names of known migrations not yet applied (after the newer-schema check)."""
    applied = set(check_not_newer(conn, path))
    return [name for name in KNOWN if name not in applied]


def migrate(conn: sqlite3.Connection, path: Path | str, *, upto: int | None = None) -> list[str]:
    """Apply pending migrations (the first ``upto`` only, for tests); return the names applied.

    ``conn`` must be in autocommit mode (isolation_level=None).
    """
    wanted = MIGRATIONS[:upto]  # upto None: all of them
    done: list[str] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        applied = set(check_not_newer(conn, path))
        for name, statements in wanted:
            if name in applied:
                continue
            for step in statements:
                if callable(step):
                    step(conn)
                else:
                    conn.execute(step)
            conn.execute("INSERT INTO _migrations(name, applied_at) VALUES (?, ?)", (name, now_iso()))
            applied.add(name)
            done.append(name)
        count = sum(1 for name in KNOWN if name in applied)
        conn.execute(f"PRAGMA user_version = {count:d}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return done
