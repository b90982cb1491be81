"""Opening, migrations, schema refusal, corruption, permissions, crash recovery."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.helpers import STAMP, db_at_schema
from tui.store import (
    CorruptDatabaseError,
    HistoryStore,
    NewerSchemaError,
    StoreError,
    fresh_path_beside,
)
from tui.store import schema as schema_module
from tui.store.schema import KNOWN, MIGRATIONS, applied_migrations, check_not_newer, migrate, pending_migrations

def build_at(path: Path, upto: int) -> None:
    """A database at an older schema (the first ``upto`` migrations) holding one chat."""
    conn = db_at_schema(path, upto)
    if upto >= 1:
        conn.execute("INSERT INTO conversations(id, title, created_at, updated_at) VALUES "
                     "('c1', 'old chat', ?, ?)", (STAMP, STAMP))
        conn.execute("INSERT INTO messages(id, conversation_id, role, content, created_at, updated_at) "
                     "VALUES ('m1', 'c1', 'user', 'tell me about zebras', ?, ?)", (STAMP, STAMP))
        conn.execute("INSERT INTO messages(id, conversation_id, role, content, reasoning, state, "
                     "created_at, updated_at, reply_to) VALUES ('m2', 'c1', 'assistant', 'stripes', "
                     "'the user wants ungulates', 'complete', ?, ?, 'm1')", (STAMP, STAMP))
    conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_migrations_from_empty(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    with HistoryStore.open(path) as store:
        conn = store._conn
        assert applied_migrations(conn) == list(KNOWN)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        stamps = [r[0] for r in conn.execute("SELECT applied_at FROM _migrations")]
        assert all(s.endswith("Z") and len(s) == 24 for s in stamps)


@pytest.mark.parametrize("upto", range(0, len(MIGRATIONS)))
def test_migrations_from_every_older_version(tmp_path: Path, upto: int) -> None:
    path = tmp_path / "h.db"
    build_at(path, upto)
    with HistoryStore.open(path) as store:
        assert applied_migrations(store._conn) == list(KNOWN)
        if upto >= 1:
            [summary] = store.list_conversations()
            assert summary.message_count == 2
            hits = store.search("zebra")
            assert [(h.message_id, h.field) for h in hits] == [("m1", "prompt")]
            assert store.search("ungulates")[0].field == "reasoning"
            store.add_user_message("c1", "more")
            assert store.list_conversations()[0].message_count == 3


def test_reopen_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    with HistoryStore.open(path) as store:
        cid = store.create_conversation("x")
    for _ in range(3):
        with HistoryStore.open(path) as store:
            rows = store._conn.execute("SELECT name FROM _migrations").fetchall()
            assert [r[0] for r in rows] == list(KNOWN)
            assert [c.id for c in store.list_conversations()] == [cid]


def test_read_only_open_of_older_db_migrates_a_copy_only(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    build_at(path, 1)
    before = digest(path)
    with HistoryStore.open(path, read_only=True) as store:
        assert store.list_conversations()[0].message_count == 2
        assert store.search("zebras")
        with pytest.raises(StoreError, match="read-only"):
            store.create_conversation("nope")
    assert digest(path) == before


def test_read_only_missing_db_is_empty_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "none" / "h.db"
    with HistoryStore.open(path, read_only=True) as store:
        assert store.list_conversations() == []
        assert store.search("anything") == []
    assert not path.exists() and not path.parent.exists()


@pytest.mark.parametrize("how", ["unknown-migration", "user-version"])
def test_newer_schema_is_refused(tmp_path: Path, how: str) -> None:
    path = tmp_path / "h.db"
    HistoryStore.open(path).close()
    conn = sqlite3.connect(path)
    if how == "unknown-migration":
        conn.execute("INSERT INTO _migrations VALUES ('0099_from_the_future', ?)", (STAMP,))
    else:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.commit()
    conn.close()
    before = digest(path)
    for read_only in (False, True):
        with pytest.raises(NewerSchemaError, match="written by a newer r1-tui") as info:
            HistoryStore.open(path, read_only=read_only)
        detail = "0099_from_the_future" if how == "unknown-migration" else f"schema version {len(MIGRATIONS) + 1}"
        assert str(info.value) == f"{path} was written by a newer r1-tui ({detail}); upgrade r1-tui to open it"
    assert digest(path) == before


@pytest.mark.parametrize("content", [
    b"this is a text file, not a database\n" * 10,
    b"SQLite format 3\x00" + b"\xff" * 4000,
    random.Random(1234).randbytes(8192),  # seeded: every xdist worker must collect the same ids
], ids=["text", "bad-header", "random-bytes"])
def test_corrupt_file_is_reported_and_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "history.db"
    path.write_bytes(content)
    os.chmod(path, 0o644)
    for read_only in (False, True):
        with pytest.raises(CorruptDatabaseError) as info:
            HistoryStore.open(path, read_only=read_only)
        assert str(path) in str(info.value)
        assert isinstance(info.value, StoreError)
    assert path.read_bytes() == content
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.db"]


def test_directory_in_place_of_file_is_corrupt(tmp_path: Path) -> None:
    (tmp_path / "h.db").mkdir()
    with pytest.raises(CorruptDatabaseError):
        HistoryStore.open(tmp_path / "h.db")


def test_fresh_path_beside(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    fresh = fresh_path_beside(path)
    assert fresh.parent == tmp_path and fresh.suffix == ".db"
    assert fresh.name.startswith("history.fresh-") and not fresh.exists()
    fresh.write_bytes(b"")
    again = fresh_path_beside(path)
    assert again != fresh and not again.exists()


def test_file_and_directory_modes(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "a" / "b" / "history.db"
        with HistoryStore.open(path) as store:
            store.create_conversation("secret")
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        for p in path.parent.iterdir():  # the db and its -wal / -shm files
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    finally:
        os.umask(old)


def test_stale_streaming_becomes_interrupted_on_open(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    with HistoryStore.open(path) as store:
        cid = store.create_conversation("t")
        uid = store.add_user_message(cid, "q")
        stale = store.begin_answer(cid, uid, model="m", deployment=None, endpoint_host=None)
        fresh = store.begin_answer(cid, uid, model="m", deployment=None, endpoint_host=None,
                                   choice_index=1)
        store._conn.execute("UPDATE messages SET updated_at = ? WHERE id = ?", (STAMP, stale))
    with HistoryStore.open(path, read_only=True) as ro:  # read-only: no changes
        assert ro.get_message(stale).state == "streaming"
    with HistoryStore.open(path) as store:
        assert store.get_message(stale).state == "interrupted"
        assert store.get_message(fresh).state == "streaming"  # another live process may own it
        assert store.get_message(uid).state == "complete"


def test_two_unknown_migrations_are_both_named(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    HistoryStore.open(path).close()
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO _migrations VALUES (?, ?)", [("0098_a", STAMP), ("0099_b", STAMP)])
    conn.commit()
    with pytest.raises(NewerSchemaError, match=r"\(0098_a, 0099_b\)"):
        check_not_newer(conn, path)
    conn.close()


def test_pending_migrations_are_the_known_ones_not_yet_applied(tmp_path: Path) -> None:
    conn = db_at_schema(tmp_path / "h.db", 2)
    assert pending_migrations(conn, tmp_path / "h.db") == list(KNOWN[2:])
    assert migrate(conn, tmp_path / "h.db") == list(KNOWN[2:])
    assert pending_migrations(conn, tmp_path / "h.db") == [] and migrate(conn, tmp_path / "h.db") == []
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    conn.close()


def test_a_failing_migration_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "h.db"
    conn = db_at_schema(path, len(MIGRATIONS) - 1)

    def broken(c: sqlite3.Connection) -> None:
        c.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("disk gremlin")

    name = MIGRATIONS[-1][0]
    monkeypatch.setattr(schema_module, "MIGRATIONS", (*MIGRATIONS[:-1], (name, (broken,))))
    with pytest.raises(RuntimeError, match="disk gremlin"):
        migrate(conn, path)
    assert not conn.in_transaction
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0
    assert applied_migrations(conn) == list(KNOWN[:-1])
    conn.close()
