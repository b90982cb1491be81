"""Open the app's history file, or explain why not (no Textual; used by ``tui.cli._run_app``).

A corrupt / non-SQLite file is never touched: on a terminal the user is offered a fresh
history beside it (``history.fresh-<stamp>.db``, or the newest such file already made
by an earlier answer); without a terminal, or with ``--offline``, the error is printed
and the caller exits 1. A file from a newer r1-tui is refused with its clear message.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from tui.store import CorruptDatabaseError, HistoryStore, ReadOnlyError, StoreError, fresh_path_beside

Report = Callable[[str], None]


def existing_fresh(path: Path) -> Path | None:
    """The newest fresh history already started beside ``path`` (from an earlier run), if any."""
    suffix = path.suffix or ".db"
    found = sorted(path.parent.glob(f"{path.stem}.fresh-*{suffix}"))
    return found[-1] if found else None


def history_for_commands(path: Path, report: Report) -> Path:
    """The history ``ask`` and ``history`` use: ``path``, or, when it is damaged and a fresh history
    was chosen beside it earlier (the app's offer), that fresh one, with a note saying so."""
    fresh = existing_fresh(path)
    if fresh is None:
        return path
    try:
        HistoryStore.open(path, read_only=True).close()
    except CorruptDatabaseError:
        report(f"{path} is damaged; using {fresh}, the fresh history chosen earlier.")
        return fresh
    except StoreError:
        pass
    return path


def ask_yes(question: str, stdin: TextIO, stderr: TextIO) -> bool:
    """Ask on the terminal; only "y"/"yes" is yes (Enter, EOF and anything else are no)."""
    stderr.write(question)
    stderr.flush()
    try:
        answer = stdin.readline()
    except (OSError, KeyboardInterrupt):
        return False
    return answer.strip().lower() in ("y", "yes")


def open_history(
    path: Path,
    *,
    read_only: bool,
    interactive: bool,
    report: Report,
    stdin: TextIO,
    stderr: TextIO,
    offer_fresh: bool | None = None,
) -> HistoryStore | None:
    """The store for the app, or None after reporting why it cannot be opened.

    ``offer_fresh`` (default: not ``read_only``) allows offering a fresh history for a
    corrupt file on a terminal; the app opens read-only with nothing configured but may
    still start a fresh history (read-write: the user said yes) for after setup.
    """
    if offer_fresh is None:
        offer_fresh = not read_only
    try:
        return HistoryStore.open(path, read_only=read_only)
    except ReadOnlyError as exc:  # a read-only folder or file system: browsing still works
        report(f"{exc}; history opened read-only: browsing works, new answers are not saved.")
        try:
            return HistoryStore.open(path, read_only=True)
        except StoreError as again:
            report(str(again))
            return None
    except CorruptDatabaseError as exc:
        report(str(exc))
        if not offer_fresh or not interactive:
            report(f"Move {path} aside (or run r1-tui in a terminal to start a fresh history beside it).")
            return None
        return _offer_fresh(path, report, stdin, stderr)
    except StoreError as exc:  # NewerSchemaError and other refusals: say why, never write
        report(str(exc))
        return None


def _offer_fresh(path: Path, report: Report, stdin: TextIO, stderr: TextIO) -> HistoryStore | None:
    earlier = existing_fresh(path)
    fresh = earlier or fresh_path_beside(path)
    verb = "Continue with the fresh history" if earlier else "Start a fresh history"
    if not ask_yes(f"{verb} at {fresh}? [y/N] ", stdin, stderr):
        return None
    try:
        store = HistoryStore.open(fresh)
    except StoreError as exc:
        report(str(exc))
        return None
    report(f"Using {fresh}; {path} was left untouched.")
    return store
