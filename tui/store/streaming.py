"""Streaming answers on disk: appended parts while they stream, one row once they end.

While an answer streams, each batch of new text is a row of ``message_parts`` (an append:
the answer already written is never rewritten, and search does not index it yet). When the
answer ends, its parts are folded into the message row in the same transaction that sets
its final state, which is when the search index takes it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from .ids import now_iso
from .liveness import writer_alive
from .models import MessageRecord

STALE_WITHOUT_WRITER_S = 10.0  # an answer with no writer token (written before 0006) counts as abandoned after this


def append_part(conn: sqlite3.Connection, msg_id: str, reasoning: str, answer: str) -> None:
    """Append one batch of streamed text to answer ``msg_id``."""
    conn.execute(
        "INSERT INTO message_parts(message_id, part, reasoning, answer) VALUES "
        "(?, (SELECT coalesce(max(part), -1) + 1 FROM message_parts WHERE message_id = ?), ?, ?)",
        (msg_id, msg_id, reasoning, answer),
    )


def drop_parts(conn: sqlite3.Connection, msg_id: str) -> None:
    """Forget the appended parts of ``msg_id`` (its text was replaced as a whole)."""
    conn.execute("DELETE FROM message_parts WHERE message_id = ?", (msg_id,))


def parts_of(conn: sqlite3.Connection, msg_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The appended ``(reasoning, answer)`` text of each answer that has parts."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for msg_id in msg_ids:
        for reasoning, answer in conn.execute(
            "SELECT reasoning, answer FROM message_parts WHERE message_id = ? ORDER BY part", (msg_id,)
        ):
            r, a = out.setdefault(msg_id, ([], []))
            r.append(reasoning)
            a.append(answer)
    return {k: ("".join(r), "".join(a)) for k, (r, a) in out.items()}


def fold_parts(conn: sqlite3.Connection, msg_id: str) -> None:
    """Move the appended parts of ``msg_id`` into its row (inside the caller's transaction)."""
    appended = parts_of(conn, [msg_id]).get(msg_id)
    if appended is None:
        return
    reasoning, answer = appended
    conn.execute(
        "UPDATE messages SET content = content || ?, reasoning = coalesce(reasoning, '') || ? WHERE id = ?",
        (answer, reasoning, msg_id),
    )
    drop_parts(conn, msg_id)


def with_parts(conn: sqlite3.Connection, records: list[MessageRecord]) -> list[MessageRecord]:
    """``records`` with the appended text of streaming answers included."""
    live = [m.id for m in records if m.state == "streaming"]
    if not live:
        return records
    appended = parts_of(conn, live)
    out = []
    for m in records:
        extra = appended.get(m.id)
        if extra is not None:
            m = replace(m, reasoning=(m.reasoning or "") + extra[0], content=m.content + extra[1])
        out.append(m)
    return out


def abandoned_answers(conn: sqlite3.Connection, db_path: Path,
                      older_than_s: float = STALE_WITHOUT_WRITER_S) -> list[str]:
    """Streaming answers whose writer is gone (or, without a writer token, that went quiet)."""
    cutoff = now_iso(-older_than_s)
    found = []
    for msg_id, writer, updated in conn.execute(
        "SELECT id, writer, updated_at FROM messages WHERE state = 'streaming' AND role = 'assistant'"
    ):
        alive = writer_alive(db_path, writer)
        if alive is False or (alive is None and updated < cutoff):
            found.append(msg_id)
    return found
