"""Open a history file read-write (create, migrate) or read-only (never write it)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from . import db, schema
from .errors import ReadOnlyError, StoreError


def open_read_write(path: Path) -> sqlite3.Connection:
    """Create the file privately if needed, refuse corrupt/newer files, migrate.

    Raises ReadOnlyError when the file or its folder cannot be written or created.
    """
    db.check_header(path)
    try:
        db.ensure_private_file(path)
    except OSError as exc:
        where = path if path.parent.is_dir() else path.parent
        raise ReadOnlyError(f"cannot create {where}: {exc.strerror or exc}") from exc
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise ReadOnlyError(f"{path} cannot be written (a read-only file or folder)")
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
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # A WAL file in a read-only folder: SQLite cannot make its -shm index there. Nobody can
            # write it either, so read the file as immutable (what was checkpointed into it).
            conn.close()
            conn = db.connect(path, read_only=True, immutable=True)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if not schema.pending_migrations(conn, path):
            conn.execute("PRAGMA foreign_keys = ON")
            return conn
        mem = _memory_connection()
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
    mem = _memory_connection()
    schema.migrate(mem, ":memory:")  # pragma: no mutate (only a name for error messages)
    mem.execute("PRAGMA foreign_keys = ON")
    return mem


def _memory_connection() -> sqlite3.Connection:
    """An empty in-memory database, autocommit (transactions are explicit), usable from any thread."""
    return sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)


def translate(exc: BaseException, path: Path) -> BaseException:
    """Map sqlite errors to CorruptDatabaseError / StoreError naming ``path``."""
    if isinstance(exc, StoreError) or not isinstance(exc, sqlite3.Error):
        return exc
    if db.is_corruption(exc):
        return db.corrupt_error(path, str(exc))
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return ReadOnlyError(f"{path} cannot be written ({text})")
    if "disk is full" in text:
        return StoreError(f"{path}: database or disk is full: free some space (what did not fit is not saved)")
    return StoreError(f"{path}: {exc}")
