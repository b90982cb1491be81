"""Bad history files at app start (real subprocesses): corrupt, newer schema, fresh history offer."""

from __future__ import annotations

import hashlib
import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.store import HistoryStore

GARBAGE = b"this is not a database\x00" * 200


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI_", "OPENAI_", "TEXTUAL"))}
    env.update(XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"),
               HOME=str(tmp_path / "home"), TERM="xterm-256color")
    return env


def _db(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "r1-tui"
    folder.mkdir(parents=True)
    return folder / "history.db"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], env=_env(tmp_path), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args", [(), ("--offline",)])
def test_corrupt_file_without_a_terminal_exits_1_untouched(tmp_path: Path, args: tuple[str, ...]) -> None:
    db = _db(tmp_path)
    db.write_bytes(GARBAGE)
    before = _digest(db)
    done = _run(tmp_path, *args)
    assert done.returncode == 1
    assert str(db) in done.stderr and "not a usable r1-tui history database" in done.stderr
    assert "left untouched" in done.stderr
    assert _digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["history.db"]  # no fresh file made


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = _db(tmp_path)
    HistoryStore.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    before = _digest(db)
    done = _run(tmp_path)
    assert done.returncode == 1
    assert str(db) in done.stderr and "newer r1-tui" in done.stderr and "upgrade" in done.stderr
    assert _digest(db) == before


def _pty_run(tmp_path: Path, answer: bytes, *, quit_after: str | None) -> tuple[int, str]:
    """Run the app on a pty, answer the fresh-history question; return (exit code, output)."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        try:
            os.execve(sys.executable, [sys.executable, "-m", "tui"], _env(tmp_path))
        finally:
            os._exit(127)
    out = b""
    answered = False
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:  # until the child closes the pty (EOF / EIO)
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if not answered and b"[y/N]" in out:
                os.write(fd, answer)
                answered = True
            if quit_after and quit_after.encode() in out:
                os.write(fd, b"\x11")  # Ctrl+Q
                quit_after = None
        else:
            os.kill(pid, signal.SIGKILL)  # stuck: the test fails on the exit code
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


def test_corrupt_file_on_a_terminal_declined(tmp_path: Path) -> None:
    db = _db(tmp_path)
    db.write_bytes(GARBAGE)
    before = _digest(db)
    code, out = _pty_run(tmp_path, b"n\r", quit_after=None)
    assert code == 1
    assert "Start a fresh history at" in out and "history.fresh-" in out
    assert _digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["history.db"]


def test_corrupt_file_on_a_terminal_starts_a_fresh_history(tmp_path: Path) -> None:
    db = _db(tmp_path)
    db.write_bytes(GARBAGE)
    before = _digest(db)
    code, out = _pty_run(tmp_path, b"y\r", quit_after="Quit")
    assert code == 0, out[-2000:]
    assert "left untouched" in out
    assert _digest(db) == before
    fresh = [p for p in db.parent.iterdir() if p.name.startswith("history.fresh-") and p.suffix == ".db"]
    assert len(fresh) == 1
    with HistoryStore.open(fresh[0], read_only=True) as store:
        assert store.list_conversations() == []
