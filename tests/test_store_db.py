"""The history file's low level: the header check, private creation, connections and their pragmas,
corruption and error translation, fresh names beside a file, ids and timestamps."""

from __future__ import annotations

import sqlite3
import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tui.store import db, ids, opening
from tui.store.errors import CorruptDatabaseError, ReadOnlyError, StoreError


def _sqlite_error(text: str, code: int | None = None, kind: type[sqlite3.Error] = sqlite3.DatabaseError) -> sqlite3.Error:
    exc = kind(text)
    if code is not None:
        exc.sqlite_errorcode = code  # type: ignore[attr-defined]
    return exc


@pytest.mark.parametrize(("exc", "corrupt"), [
    (_sqlite_error("disk image is malformed"), True),
    (_sqlite_error("File Is Not A Database"), True),
    (_sqlite_error("something else", 11), True),  # SQLITE_CORRUPT
    (_sqlite_error("something else", 26), True),  # SQLITE_NOTADB
    (_sqlite_error("something else", 11 | 1 << 8), True),  # an extended code of SQLITE_CORRUPT
    (_sqlite_error("something else", 26 + 256 * 3), True),
    (_sqlite_error("database is locked", 5), False),
    (_sqlite_error("no such table: x"), False),
    (_sqlite_error("malformed", None, sqlite3.OperationalError), True),  # a subclass of DatabaseError
    (sqlite3.Warning("malformed"), False),  # not a DatabaseError
    (ValueError("malformed"), False),
])
def test_what_counts_as_corruption(exc: BaseException, corrupt: bool) -> None:
    assert db.is_corruption(exc) is corrupt


def test_a_real_garbage_file_is_corruption(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"\x00" * 4096)
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError) as info:
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    conn.close()
    assert db.is_corruption(info.value)


def test_check_header_refuses_what_is_not_sqlite_word_for_word(tmp_path: Path, monkeypatch) -> None:
    db.check_header(tmp_path / "missing.db")  # nothing yet: fine
    (tmp_path / "empty.db").write_bytes(b"")
    db.check_header(tmp_path / "empty.db")  # empty: fine (SQLite fills it)
    (tmp_path / "ok.db").write_bytes(db.SQLITE_HEADER + b"rest")
    db.check_header(tmp_path / "ok.db")
    cases = {tmp_path / "text.db": b"hello, world, this is text", tmp_path / "short.db": b"SQLite format 3",
             tmp_path / "v2.db": b"SQLite format 2\x00" + b"x" * 100}
    for path, data in cases.items():
        path.write_bytes(data)
        with pytest.raises(CorruptDatabaseError) as info:
            db.check_header(path)
        assert str(info.value) == (f"{path} is not a usable r1-tui history database (not an SQLite database); "
                                   "it was left untouched")
        assert path.read_bytes() == data  # untouched
    with pytest.raises(CorruptDatabaseError) as info:
        db.check_header(tmp_path)
    assert str(info.value) == f"{tmp_path} is not a usable r1-tui history database (not a regular file); " \
                              "it was left untouched"

    def unreadable(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(db, "open", unreadable, raising=False)
    with pytest.raises(CorruptDatabaseError) as info:
        db.check_header(tmp_path / "ok.db")
    assert "(cannot read it: Permission denied)" in str(info.value)


def test_ensure_private_file_creates_folder_and_file_privately(tmp_path: Path) -> None:
    path = tmp_path / "new" / "history.db"
    db.ensure_private_file(path)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_bytes() == b""
    path.write_bytes(b"kept")
    path.chmod(0o644)
    db.ensure_private_file(path)  # an existing file is left as it is
    assert path.read_bytes() == b"kept" and stat.S_IMODE(path.stat().st_mode) == 0o644


def test_connections_read_only_or_read_write_with_their_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "odd ?#% name.db"
    db.ensure_private_file(path)
    rw = db.connect(path, read_only=False)
    assert rw.isolation_level is None  # autocommit: transactions are explicit
    assert rw.execute("PRAGMA busy_timeout").fetchone() == (5000,)
    db.configure_rw(rw)
    assert rw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert rw.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    assert rw.execute("PRAGMA foreign_keys").fetchone() == (1,)
    rw.execute("CREATE TABLE t(x)")
    rw.execute("INSERT INTO t VALUES (1)")
    worker = ThreadPoolExecutor(1)  # the background writer uses a connection made on another thread
    assert worker.submit(lambda: rw.execute("SELECT count(*) FROM t").fetchone()).result() == (1,)
    worker.shutdown()
    ro = db.connect(path, read_only=True)
    assert ro.execute("SELECT x FROM t").fetchall() == [(1,)]  # the same file, despite ?, # and %
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        ro.execute("INSERT INTO t VALUES (2)")
    ro.close()
    rw.close()
    frozen = db.connect(path, read_only=True, immutable=True)
    assert frozen.execute("SELECT x FROM t").fetchall() == [(1,)]
    frozen.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd ?#% name.db"]  # no file named after a cut URI
    with pytest.raises(sqlite3.OperationalError):
        db.connect(tmp_path / "missing.db", read_only=False)  # mode=rw never creates


def test_fresh_path_beside_never_reuses_a_name(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(db, "compact_stamp", lambda: "20261126T162001Z")
    first = db.fresh_path_beside(tmp_path / "history.db")
    assert first == tmp_path / "history.fresh-20261126T162001Z.db"
    first.touch()
    second = db.fresh_path_beside(tmp_path / "history.db")
    assert second == tmp_path / "history.fresh-20261126T162001Z-2.db"
    second.touch()
    assert db.fresh_path_beside(tmp_path / "history.db").name == "history.fresh-20261126T162001Z-3.db"
    assert db.fresh_path_beside(tmp_path / "hist").name == "hist.fresh-20261126T162001Z.db"  # no suffix: .db
    assert db.fresh_path_beside(str(tmp_path / "h.sqlite")).name == "h.fresh-20261126T162001Z.sqlite"  # type: ignore[arg-type]


@pytest.mark.parametrize(("exc", "kind", "message"), [
    (_sqlite_error("attempt to write a readonly database"), ReadOnlyError,
     "/h.db cannot be written (attempt to write a readonly database)"),
    (_sqlite_error("the file system is read-only"), ReadOnlyError, "/h.db cannot be written (the file system is read-only)"),
    (_sqlite_error("database or disk is full"), StoreError,
     "/h.db: database or disk is full: free some space (what did not fit is not saved)"),
    (_sqlite_error("no such table: x"), StoreError, "/h.db: no such table: x"),
    (_sqlite_error("database disk image is malformed"), CorruptDatabaseError,
     "/h.db is not a usable r1-tui history database (database disk image is malformed); it was left untouched"),
])
def test_sqlite_errors_are_translated_naming_the_file(exc: sqlite3.Error, kind: type, message: str) -> None:
    translated = opening.translate(exc, Path("/h.db"))
    assert type(translated) is kind and str(translated) == message


def test_other_errors_pass_through_translation_unchanged() -> None:
    for exc in (ValueError("x"), KeyboardInterrupt(), ReadOnlyError("already ours")):
        assert opening.translate(exc, Path("/h.db")) is exc


def test_a_folder_that_cannot_be_created_is_a_read_only_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(ReadOnlyError) as info:
        opening.open_read_write(tmp_path / "file" / "sub" / "h.db")
    assert str(info.value).startswith(f"cannot create {tmp_path / 'file' / 'sub'}: ")


def test_read_only_open_of_a_missing_file_is_an_empty_migrated_history(tmp_path: Path) -> None:
    conn = opening.open_read_only(tmp_path / "missing.db")
    assert conn.execute("SELECT count(*) FROM conversations").fetchone() == (0,)
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert not (tmp_path / "missing.db").exists()
    conn.close()
    mem = opening.memory_db()
    assert mem.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert mem.execute("SELECT count(*) FROM messages").fetchone() == (0,)


def test_a_current_file_opens_read_only_with_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    opening.open_read_write(path).close()
    conn = opening.open_read_only(path)
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("DELETE FROM conversations")
    conn.close()


def test_ids_are_twelve_sortable_characters_increasing_within_a_millisecond(monkeypatch) -> None:
    monkeypatch.setattr(ids, "_last", [0, 0])
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_000_000 * 1_700_000_000_000)
    monkeypatch.setattr(ids.secrets, "randbits", lambda bits: (1 << bits) - 3)  # near the top of 15 bits
    made = [ids.new_id() for _ in range(4)]
    assert made == sorted(made) and len(set(made)) == 4
    assert all(len(i) == 12 and set(i) <= set(ids._ALPHABET) for i in made)
    assert made[0] == ids._b32(1_700_000_000_000, 9) + ids._b32((1 << 15) - 3, 3)
    assert made[1][9:] == ids._b32((1 << 15) - 2, 3) and made[2][9:] == ids._b32((1 << 15) - 1, 3)
    assert made[3] == ids._b32(1_700_000_000_001, 9) + "000"  # the random part ran out: the next millisecond
    assert ids._b32(0, 3) == "000" and ids._b32(31, 2) == "0z" and ids._b32(32, 2) == "10"
    assert ids._b32(1024 + 32 + 17, 3) == "11h"


def test_a_later_millisecond_starts_from_its_own_random_part(monkeypatch) -> None:
    monkeypatch.setattr(ids, "_last", [0, 0])
    clock = [5_000_000_000]
    monkeypatch.setattr(ids.time, "time_ns", lambda: clock[0])
    monkeypatch.setattr(ids.secrets, "randbits", lambda bits: 7 if bits == 15 else -1)
    first = ids.new_id()
    clock[0] += 1_000_000
    second = ids.new_id()
    assert first == ids._b32(5000, 9) + ids._b32(7, 3) and second == ids._b32(5001, 9) + ids._b32(7, 3)


def test_timestamps(monkeypatch) -> None:
    stamp = ids.now_iso()
    parsed = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert len(stamp) == 24 and abs((datetime.now(timezone.utc) - parsed).total_seconds()) < 60
    later = datetime.strptime(ids.now_iso(3600), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert 3540 < (later - parsed).total_seconds() < 3660
    compact = ids.compact_stamp()
    assert len(compact) == 16 and datetime.strptime(compact, "%Y%m%dT%H%M%SZ")


class _FrozenClock(datetime):
    """datetime.now on an injected instant; asked for anything but UTC it answers a different (local) time."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def,override]
        utc = datetime(2026, 11, 26, 16, 20, 1, 999_000, tzinfo=timezone.utc)
        return utc if tz is timezone.utc else utc.replace(tzinfo=None, hour=8)


def test_timestamps_on_an_injected_clock(monkeypatch) -> None:
    monkeypatch.setattr(ids, "datetime", _FrozenClock)
    assert ids.now_iso() == "2026-11-26T16:20:01.999Z"
    assert ids.now_iso(0.5) == "2026-11-26T16:20:02.499Z"
    assert ids.now_iso(-2) == "2026-11-26T16:19:59.999Z"
    assert ids.compact_stamp() == "20261126T162001Z"


def test_a_file_or_folder_that_cannot_be_written_is_a_read_only_error(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "h.db"
    for unwritable in (path, tmp_path):
        monkeypatch.setattr(opening.os, "access", lambda p, mode, u=unwritable: Path(p) != u)
        with pytest.raises(ReadOnlyError) as info:
            opening.open_read_write(path)
        assert str(info.value) == f"{path} cannot be written (a read-only file or folder)"
    monkeypatch.undo()
    opening.open_read_write(path).close()  # the same file is fine once it can be written


def test_a_file_that_cannot_be_created_names_it(tmp_path: Path, monkeypatch) -> None:
    def refuse(_path: Path, error: OSError = PermissionError(13, "Permission denied")) -> None:
        raise error

    monkeypatch.setattr(opening.db, "ensure_private_file", refuse)
    with pytest.raises(ReadOnlyError) as info:
        opening.open_read_write(tmp_path / "h.db")
    assert str(info.value) == f"cannot create {tmp_path / 'h.db'}: Permission denied"
    monkeypatch.setattr(opening.db, "ensure_private_file", lambda p: refuse(p, OSError("no strerror")))
    with pytest.raises(ReadOnlyError) as info:
        opening.open_read_write(tmp_path / "h.db")
    assert str(info.value) == f"cannot create {tmp_path / 'h.db'}: no strerror"


@pytest.mark.parametrize("opener", [opening.open_read_write, opening.open_read_only])
def test_a_damaged_file_behind_a_good_header_is_refused_and_left_alone(tmp_path: Path, opener) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "h.db"
    data = db.SQLITE_HEADER + b"\xff" * 4000
    path.write_bytes(data)
    with pytest.raises(CorruptDatabaseError) as info:
        opener(path)
    assert str(info.value).startswith(f"{path} is not a usable r1-tui history database (")
    assert path.read_bytes() == data


def test_read_only_falls_back_to_an_immutable_read_when_sqlite_cannot_lock(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "h.db"
    rw = opening.open_read_write(path)
    rw.execute("INSERT INTO conversations(id, title, created_at, updated_at) VALUES ('c', 'kept', 'x', 'x')")
    rw.close()
    closed: list[bool] = []
    real_connect = opening.db.connect

    class NoShm:  # a WAL file in a read-only folder: the first read fails
        def execute(self, *_args: object) -> None:
            raise sqlite3.OperationalError("unable to open database file")

        def close(self) -> None:
            closed.append(True)

    monkeypatch.setattr(opening.db, "connect", lambda p, *, read_only, immutable=False:
                        real_connect(p, read_only=read_only, immutable=True) if immutable else NoShm())
    conn = opening.open_read_only(path)
    assert closed == [True] and conn.execute("SELECT title FROM conversations").fetchall() == [("kept",)]
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    conn.close()


@pytest.mark.parametrize("make", ["missing", "older"])
def test_in_memory_histories_are_autocommit_usable_from_any_thread_and_leave_no_file(
        tmp_path: Path, monkeypatch, make: str) -> None:
    monkeypatch.chdir(tmp_path)
    if make == "missing":
        conn = opening.open_read_only(tmp_path / "missing.db")
    else:  # a file at an older schema is copied into memory and migrated there
        path = tmp_path / "old.db"
        old = sqlite3.connect(path)
        old.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        old.commit()
        old.close()
        conn = opening.open_read_only(path)
    assert conn.isolation_level is None
    conn.execute("BEGIN")  # explicit transactions work (no implicit one is open)
    conn.execute("INSERT INTO conversations(id, title, created_at, updated_at) VALUES ('c', 't', 'x', 'x')")
    conn.execute("COMMIT")
    worker = ThreadPoolExecutor(1)
    assert worker.submit(lambda: conn.execute("SELECT count(*) FROM conversations").fetchone()).result() == (1,)
    worker.shutdown()
    conn.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if make == "missing" else ["old.db"])


def test_memory_db_leaves_no_file_and_is_usable_from_any_thread(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    mem = opening.memory_db()
    assert mem.isolation_level is None
    worker = ThreadPoolExecutor(1)
    assert worker.submit(lambda: mem.execute("SELECT count(*) FROM messages").fetchone()).result() == (0,)
    worker.shutdown()
    mem.close()
    assert list(tmp_path.iterdir()) == []


def test_read_only_sees_what_a_live_writer_has_not_checkpointed(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    rw = opening.open_read_write(path)
    rw.execute("PRAGMA wal_autocheckpoint = 0")
    rw.execute("INSERT INTO conversations(id, title, created_at, updated_at) VALUES ('c', 'in the WAL', 'x', 'x')")
    ro = opening.open_read_only(path)
    assert ro.execute("SELECT title FROM conversations").fetchall() == [("in the WAL",)]
    ro.close()
    rw.close()


def test_the_repository_refuses_empty_titles_and_unknown_conversations_word_for_word(tmp_path: Path) -> None:
    from tui.store import HistoryStore
    from tui.store.validate import check_title, one_conversation

    for bad in ("", " \n\t", None, 5):
        with pytest.raises(StoreError) as info:
            check_title(bad)  # type: ignore[arg-type]
        assert str(info.value) == "a title cannot be empty"
    check_title(" x ")
    with HistoryStore.open(tmp_path / "h.db") as store:
        cid = store.create_conversation("kept")
        with pytest.raises(StoreError) as info:
            store.delete_conversation("nope")
        assert str(info.value) == "no conversation with id 'nope'"
        cur = store._conn.execute("UPDATE conversations SET title = 'renamed' WHERE id = ?", (cid,))
        one_conversation(cur, cid)  # one row touched: fine
        cur = store._conn.execute("UPDATE conversations SET title = 'x' WHERE id = 'none'")
        with pytest.raises(StoreError) as info:
            one_conversation(cur, "none")
        assert str(info.value) == "no conversation with id 'none'"
