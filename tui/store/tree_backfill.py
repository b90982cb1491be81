"""Migration 0005's data step: link every stored message into the conversation tree.

Before the tree, a conversation was a list of prompts, each with its alternative answers
(``reply_to``), and follow-ups were sent with each prompt's chosen answer. The same
conversation as a tree: an answer's parent is its prompt; a prompt's parent is the
chosen answer of the prompt before it (or that prompt itself when it had no answer; no
parent for the first). Every message then lies on one active path, as it was shown.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import NamedTuple


class _Row(NamedTuple):
    seq: int
    id: str
    conversation_id: str
    role: str
    reply_to: str | None
    choice_index: int
    created_at: str
    selected: int
    usable: int


def _chosen(answers: list[_Row]) -> _Row | None:
    """The answer follow-ups were sent with: the selected one, else the first usable, else the first."""
    if not answers:
        return None
    ordered = sorted(answers, key=lambda r: (r.choice_index, r.created_at, r.seq))
    for row in ordered:
        if row.selected:
            return row
    return next((r for r in ordered if r.usable), ordered[0])


def backfill_parents(conn: sqlite3.Connection, conversation_id: str | None = None) -> None:
    """Set ``parent_id`` on every message (of one conversation: an import of an export made before
    the tree). Runs inside the caller's transaction."""
    rows = [_Row(*r) for r in conn.execute(
        "SELECT seq, id, conversation_id, role, reply_to, choice_index, created_at, selected, "
        "state != 'failed' AND length(trim(content)) > 0 FROM messages "
        "WHERE ?1 IS NULL OR conversation_id = ?1 ORDER BY conversation_id, seq",
        (conversation_id,),
    )]
    answers: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.role == "assistant" and row.reply_to:
            answers[row.reply_to].append(row)
    updates: list[tuple[str | None, int]] = []
    previous: dict[str, _Row] = {}  # conversation -> its last prompt so far
    for row in rows:
        if row.role == "assistant":
            updates.append((row.reply_to, row.seq))
            continue
        before = previous.get(row.conversation_id)
        if before is None:
            parent = None
        else:
            chosen = _chosen(answers.get(before.id, []))
            parent = chosen.id if chosen is not None else before.id
        updates.append((parent, row.seq))
        previous[row.conversation_id] = row
    conn.executemany("UPDATE messages SET parent_id = ? WHERE seq = ?", updates)
