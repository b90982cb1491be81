"""Open a history file read-write (create, migrate) or read-only (never write it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from . import db, schema
from .errors import StoreError


def open_read_write(path: Path) -> sqlite3.Connection:
    """Create the file privately if needed, refuse corrupt/newer files, migrate."""
    db.check_header(path)
    db.ensure_private_file(path)
    conn = db.connect(path, read_only=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        schema.check_not_newer(conn, path)  # before the first write to the file
        db.configure_rw(conn)
        schema.migrate(conn, path)
        return conn
    except BaseException as exc:
        conn.close()
        raise translate(exc, path) from exc


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes ``path``.

    A missing file gives an empty in-memory history; a file at an older schema is
    copied into memory (backup API) and migrated there.
    """
    if not path.exists():
        return memory_db()
    db.check_header(path)
    conn = db.connect(path, read_only=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if not schema.pending_migrations(conn, path):
            conn.execute("PRAGMA foreign_keys = ON")
            return conn
        mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        conn.backup(mem)
        conn.close()
        schema.migrate(mem, path)
        mem.execute("PRAGMA foreign_keys = ON")
        return mem
    except BaseException as exc:
        conn.close()
        raise translate(exc, path) from exc


def memory_db() -> sqlite3.Connection:
    """An empty, fully migrated in-memory history."""
    mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    schema.migrate(mem, ":memory:")
    mem.execute("PRAGMA foreign_keys = ON")
    return mem


def translate(exc: BaseException, path: Path) -> BaseException:
    """Map sqlite errors to CorruptDatabaseError / StoreError naming ``path``."""
    if isinstance(exc, StoreError) or not isinstance(exc, sqlite3.Error):
        return exc
    if db.is_corruption(exc):
        return db.corrupt_error(path, str(exc))
    return StoreError(f"{path}: {exc}")
