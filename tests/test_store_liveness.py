"""Writer liveness: a lock file per writer tells a running writer from one that is gone."""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path

import pytest

from tui.store import liveness
from tui.store.liveness import WriterLock, writer_alive, writers_dir


def test_the_lock_files_live_beside_the_history(tmp_path: Path) -> None:
    assert writers_dir(tmp_path / "history.db") == tmp_path / "history.db.writers"


def test_a_running_writer_is_alive_and_gone_once_released(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    lock = WriterLock(db)
    assert len(lock.token) == 12 and lock.token.isalnum()
    lock_file = writers_dir(db) / f"{lock.token}.lock"
    assert lock_file.exists() and stat.S_IMODE(writers_dir(db).stat().st_mode) == 0o700
    assert stat.S_IMODE(lock_file.stat().st_mode) == 0o600
    assert writer_alive(db, lock.token) is True
    assert writer_alive(db, lock.token) is True  # asking does not take the lock away
    lock.release()
    assert not lock_file.exists()
    assert writer_alive(db, lock.token) is False
    lock.release()  # idempotent


def test_a_dead_writers_file_is_tidied_up(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    writers_dir(db).mkdir()
    stale = writers_dir(db) / "abc123.lock"
    stale.write_text("")
    assert writer_alive(db, "abc123") is False
    assert not stale.exists()


@pytest.mark.parametrize("token", [None, "", "../h", "a.b", "with space"])
def test_an_unusable_token_cannot_tell(tmp_path: Path, token: str | None) -> None:
    assert writer_alive(tmp_path / "h.db", token) is None


def test_an_unreadable_lock_path_cannot_tell(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    (writers_dir(db) / "abc.lock").mkdir(parents=True)  # a folder where the file should be
    assert writer_alive(db, "abc") is None


def test_no_lock_where_the_folder_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "h.db.writers").write_text("a file, not a folder")
    lock = WriterLock(tmp_path / "h.db")
    assert lock.token and writer_alive(tmp_path / "h.db", lock.token) is None  # liveness unknown
    lock.release()


def test_a_token_whose_lock_is_taken_holds_no_lock(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "h.db"
    writers_dir(db).mkdir()
    path = writers_dir(db) / "taken1.lock"
    holder = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
    monkeypatch.setattr(liveness, "new_id", lambda: "taken1")
    before = len(os.listdir("/proc/self/fd"))
    lock = WriterLock(db)
    assert len(os.listdir("/proc/self/fd")) == before  # its descriptor was closed
    lock.release()  # holds nothing: the other writer's file stays
    assert path.exists() and writer_alive(db, "taken1") is True
    os.close(holder)
    assert writer_alive(db, "taken1") is False
