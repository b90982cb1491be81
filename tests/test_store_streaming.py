"""Streaming answers on disk: parts appended in order, read back joined, folded into the row when the
answer ends; abandoned answers told from live ones by their writer's lock (or, without one, by age)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui.store import streaming
from tui.store.ids import now_iso
from tui.store.liveness import WriterLock
from tui.store.opening import memory_db

try:
    from tests.helpers import message
except ImportError:  # pragma: no cover - run from tests/
    from helpers import message  # type: ignore[no-redef]


@pytest.fixture
def conn():  # type: ignore[no-untyped-def]
    c = memory_db()
    c.execute("INSERT INTO conversations(id, title, created_at, updated_at) VALUES ('c', 't', 'x', 'x')")
    for mid, role, content, reasoning in [("u", "user", "q", None), ("a", "assistant", "A:", None),
                                          ("b", "assistant", "B:", "r:")]:
        c.execute("INSERT INTO messages(id, conversation_id, role, content, reasoning, state, created_at, updated_at) "
                  "VALUES (?, 'c', ?, ?, ?, 'streaming', 'x', 'x')", (mid, role, content, reasoning))
    yield c
    c.close()


def row(conn: sqlite3.Connection, mid: str) -> tuple[str, str | None]:
    return conn.execute("SELECT content, reasoning FROM messages WHERE id = ?", (mid,)).fetchone()


def test_parts_are_numbered_in_order_and_read_back_joined(conn: sqlite3.Connection) -> None:
    streaming.append_part(conn, "a", "think ", "one ")
    streaming.append_part(conn, "b", "", "other")
    streaming.append_part(conn, "a", "more", "two")
    streaming.append_part(conn, "a", "", "!")
    assert conn.execute("SELECT part FROM message_parts WHERE message_id = 'a' ORDER BY part").fetchall() == [
        (0,), (1,), (2,)]
    assert streaming.parts_of(conn, ["a", "b", "u"]) == {"a": ("think more", "one two!"), "b": ("", "other")}
    assert streaming.parts_of(conn, []) == {}
    assert row(conn, "a") == ("A:", None)  # the row itself is not rewritten while streaming


def test_dropping_parts_forgets_one_answers_only(conn: sqlite3.Connection) -> None:
    streaming.append_part(conn, "a", "r", "x")
    streaming.append_part(conn, "b", "r", "y")
    streaming.drop_parts(conn, "a")
    assert streaming.parts_of(conn, ["a", "b"]) == {"b": ("r", "y")}
    streaming.append_part(conn, "a", "", "again")  # numbering starts over
    assert conn.execute("SELECT part FROM message_parts WHERE message_id = 'a'").fetchall() == [(0,)]


def test_folding_moves_the_parts_into_the_row(conn: sqlite3.Connection) -> None:
    streaming.append_part(conn, "a", "why", " answer")
    streaming.append_part(conn, "b", " more", " text")
    streaming.fold_parts(conn, "a")
    streaming.fold_parts(conn, "b")
    assert row(conn, "a") == ("A: answer", "why") and row(conn, "b") == ("B: text", "r: more")
    assert streaming.parts_of(conn, ["a", "b"]) == {}
    streaming.fold_parts(conn, "a")  # nothing appended: nothing changes
    assert row(conn, "a") == ("A: answer", "why")
    streaming.fold_parts(conn, "u")
    assert row(conn, "u") == ("q", None)


def test_records_of_streaming_answers_include_their_parts(conn: sqlite3.Connection) -> None:
    streaming.append_part(conn, "a", "r1", "x1")
    streaming.append_part(conn, "b", "r2", "x2")
    records = [message("u", "user", "q", state="streaming"), message("a", "assistant", "A:", state="streaming"),
               message("b", "assistant", "B:", state="complete", reasoning="R:")]
    out = streaming.with_parts(conn, records)
    assert [(m.content, m.reasoning) for m in out] == [("q", None), ("A:x1", "r1"), ("B:", "R:")]
    assert out[0] is records[0] and out[2] is records[2]
    done = [records[2]]
    assert streaming.with_parts(conn, done) is done  # nothing streams: the same list


def test_abandoned_answers_by_writer_then_by_age(conn: sqlite3.Connection, tmp_path: Path) -> None:
    db_path = tmp_path / "h.db"
    live = WriterLock(db_path)
    gone = WriterLock(db_path)
    gone_token = gone.token
    gone.release()
    old, recent = now_iso(-60), now_iso(-2)
    conn.execute("UPDATE messages SET writer = ?, updated_at = ? WHERE id = 'a'", (live.token, old))
    conn.execute("UPDATE messages SET writer = ?, updated_at = ? WHERE id = 'b'", (gone_token, recent))
    conn.execute("UPDATE messages SET updated_at = ? WHERE id = 'u'", (old,))  # a prompt never counts
    for mid, updated in [("n1", old), ("n2", recent)]:  # written before writer tokens
        conn.execute("INSERT INTO messages(id, conversation_id, role, state, created_at, updated_at) "
                     "VALUES (?, 'c', 'assistant', 'streaming', 'x', ?)", (mid, updated))
    conn.execute("INSERT INTO messages(id, conversation_id, role, state, created_at, updated_at) "
                 "VALUES ('done', 'c', 'assistant', 'complete', 'x', ?)", (old,))
    assert sorted(streaming.abandoned_answers(conn, db_path)) == ["b", "n1"]
    assert sorted(streaming.abandoned_answers(conn, db_path, older_than_s=1)) == ["b", "n1", "n2"]
    assert sorted(streaming.abandoned_answers(conn, db_path, older_than_s=120)) == ["b"]
    live.release()
    assert sorted(streaming.abandoned_answers(conn, db_path)) == ["a", "b", "n1"]
