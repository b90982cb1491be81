"""Earlier prompts for the composer: walk back through them (Up) or search them (reverse search).

Mixed into :class:`~tui.store.repo.HistoryStore` (it uses the store's ``_read``). Prompts of
every conversation, newest first, each text once.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager

from .search import build_match


class RecallMixin:
    """Recent and matching prompts; needs ``_read()`` from the store."""

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:  # provided by HistoryStore
        raise NotImplementedError

    def recent_prompts(self, limit: int = 100, offset: int = 0) -> list[str]:
        """Prompt texts, newest first, without repeats (``offset`` counts distinct texts)."""
        out: list[str] = []
        seen: set[str] = set()
        with self._read() as conn:
            for (text,) in conn.execute("SELECT content FROM messages WHERE role = 'user' ORDER BY seq DESC"):
                if text in seen or not text.strip():
                    continue
                seen.add(text)
                if len(seen) > offset:
                    out.append(text)
                if len(out) >= limit:
                    break
        return out

    def matching_prompts(self, query: str, limit: int = 20) -> list[str]:
        """Prompts containing the words of ``query`` (the last one as a prefix), newest first."""
        expr = build_match(query)
        if expr is None:
            return []
        out: list[str] = []
        with self._read() as conn:
            rows = conn.execute(
                "SELECT m.content FROM messages_fts f JOIN messages m ON m.seq = f.rowid "
                "WHERE messages_fts MATCH ? AND m.role = 'user' ORDER BY m.seq DESC LIMIT ?",
                (f"content : ({expr})", limit * 4),  # pragma: no mutate (a scan window for repeats)
            )
            for (text,) in rows:
                if text not in out:
                    out.append(text)
                if len(out) >= limit:
                    break
        return out
