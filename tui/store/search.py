"""Full-text search over messages (and the notes on them) via FTS5 external-content indexes.

User text never reaches FTS5 syntax: control characters become spaces, every word
becomes a quoted "phrase" (inner quotes doubled), words without letters or digits
are dropped, and the last word gets a prefix ``*`` unless the query ends in
whitespace (as-you-type search). Words are ANDed. So quotes, parentheses,
AND/OR/NOT/NEAR, ``:``, ``^`` and ``*`` are all just text.

Ranking is bm25, best first. Ranking every match of a word found in nearly every
message costs ~2-4 µs per match (~200 ms at 100k messages), so when a query matches
more than RANK_WINDOW messages, only the newest RANK_WINDOW matches are ranked
(found with a cheap rowid-ordered scan). Rarer queries are ranked exactly.
"""

from __future__ import annotations

import re
import sqlite3

from .rows import as_text
from .models import SearchHit

OPEN, CLOSE, ELLIPSIS = "\u00ab", "\u00bb", "\u2026"
SNIPPET_TOKENS = 16
RANK_WINDOW = 2000
_CONTROL = re.compile("[\x00-\x1f\x7f]")
# Private-use markers tell which column matched; they become « » afterwards.
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"


def build_match(query: str) -> str | None:
    """FTS5 MATCH expression for ``query``; None when it has nothing searchable."""
    query = _CONTROL.sub(" ", query)  # NUL etc. would end the FTS5 string early
    words = [w for w in query.split() if any(ch.isalnum() for ch in w)]
    if not words:
        return None
    phrases = ['"' + w.replace('"', '""') + '"' for w in words]
    if query and not query[-1].isspace():
        phrases[-1] += "*"
    return " ".join(phrases)


def _clean(snippet: object) -> str:
    return " ".join(_clean_lines(snippet).split())


def _clean_lines(snippet: object) -> str:
    """The snippet with « » markers; its line breaks kept, other whitespace collapsed."""
    text = as_text(snippet).replace(_MARK_OPEN, OPEN).replace(_MARK_CLOSE, CLOSE)
    lines = (" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def search_messages(conn: sqlite3.Connection, query: str, limit: int = 50) -> list[SearchHit]:
    """Best matches first (bm25); one hit per (message, field) that matched."""
    expr = build_match(query)
    if expr is None or limit <= 0:  # pragma: no mutate (0 ends empty anyway: this saves the queries)
        return []
    floor = conn.execute(
        "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? "
        "ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        (expr, RANK_WINDOW - 1),
    ).fetchone()
    where = "messages_fts MATCH ?" + (" AND messages_fts.rowid >= ?" if floor else "")
    params: tuple = (expr, floor[0]) if floor else (expr,)
    snip = f"?, ?, ?, {SNIPPET_TOKENS}"
    rows = conn.execute(
        "SELECT m.id, m.conversation_id, m.role, c.title, s.content_snip, s.reasoning_snip FROM ("
        f"  SELECT rowid AS seq, rank, snippet(messages_fts, 0, {snip}) AS content_snip,"
        f"         snippet(messages_fts, 1, {snip}) AS reasoning_snip"
        f"  FROM messages_fts WHERE {where} ORDER BY rank LIMIT ?) AS s "
        "JOIN messages m ON m.seq = s.seq JOIN conversations c ON c.id = m.conversation_id "
        "ORDER BY s.rank, s.seq",
        (_MARK_OPEN, _MARK_CLOSE, ELLIPSIS) * 2 + params + (limit,),
    ).fetchall()
    hits: list[SearchHit] = []
    for row in rows:
        mid, conv_id, role, title = (as_text(v) for v in row[:4])  # a tampered row: any type
        content_snip, reasoning_snip = (as_text(v) for v in row[4:])  # NULL (no reasoning) reads ""
        in_content = _MARK_OPEN in content_snip
        in_reasoning = _MARK_OPEN in reasoning_snip
        if in_content or not in_reasoning:
            hits.append(SearchHit(conv_id, mid, title, "prompt" if role == "user" else "answer",
                                  _clean(content_snip), _clean_lines(content_snip)))
        if in_reasoning:
            hits.append(SearchHit(conv_id, mid, title, "reasoning", _clean(reasoning_snip), _clean_lines(reasoning_snip)))
    return (_note_hits(conn, expr, limit) + hits)[:limit]


def _note_hits(conn: sqlite3.Connection, expr: str, limit: int) -> list[SearchHit]:
    """Matching notes (the user's own words come first); the hit names the annotated message."""
    rows = conn.execute(
        "SELECT n.message_id, m.conversation_id, c.title, "
        f"snippet(notes_fts, 0, ?, ?, ?, {SNIPPET_TOKENS}) FROM notes_fts "
        "JOIN message_notes n ON n.seq = notes_fts.rowid JOIN messages m ON m.id = n.message_id "
        "JOIN conversations c ON c.id = m.conversation_id "
        "WHERE notes_fts MATCH ? ORDER BY notes_fts.rank, n.seq LIMIT ?",
        (_MARK_OPEN, _MARK_CLOSE, ELLIPSIS, expr, limit),
    ).fetchall()
    return [SearchHit(conv_id, mid, title, "note", _clean(snip)) for mid, conv_id, title, snip in rows]
