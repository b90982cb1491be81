"""Attachments of prompts: stored apart from the typed text, loaded with their messages, searched."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace

from .models import Attachment, MessageRecord, SearchHit
from .search import ELLIPSIS, SNIPPET_TOKENS, _clean, _MARK_CLOSE, _MARK_OPEN, build_match


def insert(conn: sqlite3.Connection, msg_id: str, attachments: Sequence[Attachment]) -> None:
    """Store ``attachments`` of prompt ``msg_id`` in order (inside the caller's transaction)."""
    conn.executemany(
        "INSERT INTO attachments(message_id, position, name, content) VALUES (?, ?, ?, ?)",
        [(msg_id, i, a.name, a.content) for i, a in enumerate(attachments)],
    )


def with_attachments(conn: sqlite3.Connection, records: list[MessageRecord]) -> list[MessageRecord]:
    """``records`` with each prompt's attachments loaded (one query)."""
    prompts = [m.id for m in records if m.role == "user"]
    if not prompts:
        return records
    found: dict[str, list[Attachment]] = {}
    for start in range(0, len(prompts), 500):  # stay under SQLite's bound-parameter limit
        chunk = prompts[start:start + 500]
        for msg_id, name, content in conn.execute(
            f"SELECT message_id, name, content FROM attachments WHERE message_id IN ({', '.join('?' * len(chunk))}) "
            "ORDER BY message_id, position", chunk,
        ):
            found.setdefault(msg_id, []).append(Attachment(name, content))
    if not found:
        return records
    return [replace(m, attachments=tuple(found[m.id])) if m.id in found else m for m in records]


def search(conn: sqlite3.Connection, query: str, limit: int) -> list[SearchHit]:
    """Attachments whose name or text match ``query``, best first (field "attachment")."""
    expr = build_match(query)
    if expr is None or limit <= 0:  # pragma: no mutate (0 ends empty anyway: this saves the queries)
        return []
    snip = f"?, ?, ?, {SNIPPET_TOKENS}"
    rows = conn.execute(
        "SELECT m.id, m.conversation_id, c.title, a.name, s.snip FROM ("
        f"  SELECT rowid AS seq, rank, snippet(attachments_fts, 1, {snip}) AS snip"
        "   FROM attachments_fts WHERE attachments_fts MATCH ? ORDER BY rank LIMIT ?) AS s "
        "JOIN attachments a ON a.seq = s.seq JOIN messages m ON m.id = a.message_id "
        "JOIN conversations c ON c.id = m.conversation_id ORDER BY s.rank, s.seq",
        (_MARK_OPEN, _MARK_CLOSE, ELLIPSIS, expr, limit),
    ).fetchall()
    return [SearchHit(conv_id, mid, title, "attachment", f"{name}: {_clean(snippet)}")
            for mid, conv_id, title, name, snippet in rows]
