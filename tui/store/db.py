"""Opening the SQLite file safely: private permissions, corruption detection, pragmas."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from .errors import CorruptDatabaseError
from .ids import compact_stamp

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


def is_corruption(exc: BaseException) -> bool:
    """True if a sqlite error means "this file is damaged / not a database"."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _CORRUPT_CODES:
        return True
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def corrupt_error(path: Path, why: str) -> CorruptDatabaseError:
    """Build the user-facing error for a damaged file."""
    return CorruptDatabaseError(
        f"{path} is not a usable r1-tui history database ({why}); it was left untouched"
    )


def check_header(path: Path) -> None:
    """Refuse anything that is not an (empty or) SQLite 3 file, without modifying it."""
    if not path.exists():
        return
    if not path.is_file():
        raise corrupt_error(path, "not a regular file")
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise corrupt_error(path, f"cannot read it: {exc.strerror}") from exc
    if head and head != SQLITE_HEADER:
        raise corrupt_error(path, "not an SQLite database")


def ensure_private_file(path: Path) -> None:
    """Create the parent directory (0700) and the file (0600) if they are missing."""
    parent = path.parent
    if not parent.exists():
        # not mutated: the mode (chmod below sets it; this only closes the window before), exist_ok (a race)
        os.makedirs(parent, mode=0o700, exist_ok=True)  # pragma: no mutate
        os.chmod(parent, 0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def connect(path: Path, *, read_only: bool, immutable: bool = False) -> sqlite3.Connection:
    """Open a connection in autocommit mode; transactions are explicit (BEGIN IMMEDIATE).

    ``immutable`` (read-only media): no locks, no WAL index; only for a file nobody can write.
    """
    mode = "ro" if read_only else "rw"
    uri = f"file:{quote(str(path))}?mode={mode}" + ("&immutable=1" if immutable else "")
    # uri=True is needed where SQLite is not built to read "file:" names as URIs (Python's build is)
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)  # pragma: no mutate
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # the one busy timeout (connect's would be overridden)
    return conn


def configure_rw(conn: sqlite3.Connection) -> None:
    """Pragmas for a writable connection (the first write to the file happens here)."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")


def fresh_path_beside(path: Path) -> Path:
    """A new, unused file name next to ``path``: history.db -> history.fresh-20261126T162001Z.db."""
    path = Path(path)
    stem, suffix = path.stem, path.suffix or ".db"
    base = f"{stem}.fresh-{compact_stamp()}"
    candidate = path.with_name(base + suffix)
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{base}-{n}{suffix}")
        n += 1
    return candidate
