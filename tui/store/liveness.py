"""Is the process writing a streaming answer still alive? A lock file per writer answers it.

A writer (one per process) holds an exclusive ``flock`` on ``<history>.writers/<token>.lock``
for as long as it runs; the kernel drops the lock when the process dies, SIGKILL included.
A streaming answer records its writer's token, so any process that opens the history can
tell an answer still being written (lock held: leave it alone, however quiet the model is)
from one whose writer is gone (lock free: mark it interrupted). No clocks involved.

Where ``fcntl`` is missing (Windows) liveness is unknown and callers fall back to age.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from .ids import new_id


def writers_dir(db_path: Path) -> Path:
    """The folder of writer lock files beside the history file."""
    return db_path.with_name(db_path.name + ".writers")


class WriterLock:
    """This process's writer lock; ``token`` goes into the answers it streams."""

    def __init__(self, db_path: Path) -> None:
        self.token = new_id()
        self._fd: int | None = None
        self._path = writers_dir(db_path) / f"{self.token}.lock"
        if fcntl is None:
            return
        try:
            self._path.parent.mkdir(mode=0o700, exist_ok=True)
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return  # read-only or odd file system: liveness unknown, callers fall back to age
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return
        self._fd = fd

    def release(self) -> None:
        """Drop the lock and remove its file (idempotent)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            self._path.unlink()
        except OSError:
            pass
        os.close(fd)


def writer_alive(db_path: Path, token: str | None) -> bool | None:
    """True: the writer ``token`` still runs; False: it is gone; None: cannot tell."""
    if fcntl is None or not token or not token.isalnum():
        return None
    path = writers_dir(db_path) / f"{token}.lock"
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return None
    finally:
        os.close(fd)  # closing drops a lock we may have taken
    try:
        path.unlink()  # a dead writer's file: tidy up
    except OSError:
        pass
    return False
