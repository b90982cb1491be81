"""Migrations 0008 (answer timelines) and 0009 (message notes + FTS): store API, search, export/import."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui.store import HistoryStore, Note, StoreError
from tui.store.schema import KNOWN, MIGRATIONS, migrate


@pytest.fixture
def store(tmp_path: Path):
    with HistoryStore.open(tmp_path / "h.db") as s:
        yield s


def conversation(store: HistoryStore) -> tuple[str, str, str]:
    cid = store.create_conversation("Zebras")
    uid = store.add_user_message(cid, "Why stripes?")
    aid = store.begin_answer(cid, uid, model="m", deployment="d", endpoint_host="h")
    store.update_answer(aid, answer="Flies.", reasoning="Hmm.", state="complete")
    return cid, uid, aid


def test_migrations_are_named_and_applied(store: HistoryStore) -> None:
    assert "0008_answer_timeline" in KNOWN and "0009_message_notes" in KNOWN
    tables = {r[0] for r in store._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"answer_timelines", "message_notes", "notes_fts"} <= tables


def test_timeline_save_load_replace(store: HistoryStore) -> None:
    cid, uid, aid = conversation(store)
    assert store.get_timeline(aid) is None  # answers saved without one have none
    store.save_timeline(aid, "tl1:abc")
    store.save_timeline(aid, "tl1:def")
    assert store.get_timeline(aid) == "tl1:def"
    assert store.timelines_for(cid) == {aid: "tl1:def"}
    with pytest.raises(StoreError):
        store.save_timeline(uid, "tl1:x")  # a prompt has no timeline
    with pytest.raises(StoreError):
        store.save_timeline("missing", "tl1:x")


def test_notes_crud_and_search(store: HistoryStore) -> None:
    cid, uid, aid = conversation(store)
    n1 = store.add_note(aid, "Check the horsefly study")
    n2 = store.add_note(uid, "prompt wording was vague")
    assert [n.body for n in store.get_notes(aid)] == ["Check the horsefly study"]
    assert set(store.notes_for(cid)) == {aid, uid}
    hits = store.search("horsefly")
    assert [(h.field, h.message_id, h.conversation_id) for h in hits] == [("note", aid, cid)]
    assert "«horsefly»" in hits[0].snippet
    store.edit_note(n1, "Check the tsetse study")
    assert store.search("horsefly") == [] and store.search("tsetse")[0].field == "note"
    assert store.get_note(n1).body == "Check the tsetse study"
    store.delete_note(n2)
    assert store.get_note(n2) is None and store.search("vague") == []
    for bad in ("", "   "):
        with pytest.raises(StoreError):
            store.add_note(aid, bad)
    with pytest.raises(StoreError):
        store.add_note("missing", "x")
    with pytest.raises(StoreError):
        store.edit_note("missing", "x")
    with pytest.raises(StoreError):
        store.delete_note("missing")


def test_deleting_a_conversation_takes_its_notes_and_timelines(store: HistoryStore) -> None:
    cid, _, aid = conversation(store)
    store.add_note(aid, "zanzibar")
    store.save_timeline(aid, "tl1:x")
    store.delete_conversation(cid)
    assert store.search("zanzibar") == []
    assert store._conn.execute("SELECT count(*) FROM message_notes").fetchone()[0] == 0
    assert store._conn.execute("SELECT count(*) FROM answer_timelines").fetchone()[0] == 0


def test_export_import_round_trip_keeps_notes_and_timeline(tmp_path: Path, store: HistoryStore) -> None:
    cid, _, aid = conversation(store)
    store.add_note(aid, "a note")
    store.save_timeline(aid, "tl1:abc")
    data = store.export_conversation(cid)
    answer = data["messages"][1]
    assert answer["timeline"] == "tl1:abc" and [n["body"] for n in answer["notes"]] == ["a note"]
    assert data["messages"][0]["notes"] == [] and data["messages"][0]["timeline"] is None
    with HistoryStore.open(tmp_path / "other.db") as other:
        other.import_conversation(data)
        assert other.export_conversation(cid) == data
        assert other.search("note")[0].field == "note"


@pytest.mark.parametrize("change,problem", [
    (lambda a, u: a.update(timeline=5), "timeline"),
    (lambda a, u: u.update(timeline="tl1:x"), "timeline"),
    (lambda a, u: a.update(notes="x"), "notes"),
    (lambda a, u: a.update(notes=[{"id": "n", "body": "", "created_at": "2026-01-01T00:00:00Z"}]), "body"),
    (lambda a, u: a.update(notes=[{"id": "n", "body": "b", "created_at": "2026-01-01T00:00:00Z"}] * 2), "duplicate"),
], ids=["timeline-type", "timeline-on-prompt", "notes-type", "empty-body", "duplicate-note"])
def test_import_rejects_bad_annotations(tmp_path: Path, store: HistoryStore, change, problem: str) -> None:
    cid, _, _ = conversation(store)
    data = store.export_conversation(cid)
    change(data["messages"][1], data["messages"][0])
    with HistoryStore.open(tmp_path / "other.db") as other:
        with pytest.raises(StoreError, match=problem):
            other.import_conversation(data)
        assert other.list_conversations() == []


def test_read_only_open_of_an_older_file_has_no_timelines(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, path, upto=4)  # a file from before 0008/0009
    conn.execute("INSERT INTO conversations(id, title, created_at, updated_at) VALUES ('c', 't', 'x', 'x')")
    conn.execute("INSERT INTO messages(id, conversation_id, role, content, created_at, updated_at) "
                 "VALUES ('m', 'c', 'assistant', 'a', 'x', 'x')")
    conn.close()
    with HistoryStore.open(path, read_only=True) as ro:
        assert ro.get_timeline("m") is None and ro.get_notes("m") == []
    assert len(MIGRATIONS) >= 6


def test_markdown_export_shows_notes(store: HistoryStore) -> None:
    from tui.formats.markdown import to_markdown

    cid, _, aid = conversation(store)
    store.add_note(aid, "remember\nthis")
    assert "> **Note:** remember\n> this" in to_markdown(store.export_conversation(cid))


def test_a_note_and_a_timeline_are_refused_word_for_word(store: HistoryStore) -> None:
    from tui.store.annotations import MAX_NOTE_CHARS, MAX_TIMELINE_CHARS

    _, uid, aid = conversation(store)
    for body in ("", " \n\t"):
        with pytest.raises(StoreError) as info:
            store.add_note(uid, body)
        assert str(info.value) == "a note needs some text"
    longest = store.add_note(uid, "n" * MAX_NOTE_CHARS)  # the limit itself
    assert (store.get_note(longest) or Note("", "", "", "", "")).body == "n" * MAX_NOTE_CHARS
    with pytest.raises(StoreError) as info:
        store.add_note(uid, "n" * (MAX_NOTE_CHARS + 1))
    assert str(info.value) == "a note is limited to 100000 characters"
    with pytest.raises(StoreError) as info:
        store.add_note("nope", "text")
    assert str(info.value) == "no message with id 'nope'"
    with pytest.raises(StoreError) as info:
        store.edit_note("nope", "text")
    assert str(info.value) == "no note with id 'nope'"
    with pytest.raises(StoreError) as info:
        store.delete_note("gone")
    assert str(info.value) == "no note with id 'gone'"
    store.save_timeline(aid, "t" * MAX_TIMELINE_CHARS)  # the limit itself
    assert len(store.get_timeline(aid) or "") == MAX_TIMELINE_CHARS
    for data in ("t" * (MAX_TIMELINE_CHARS + 1), b"bytes", None):
        with pytest.raises(StoreError) as info:
            store.save_timeline(aid, data)  # type: ignore[arg-type]
        assert str(info.value) == "a timeline must be text of at most 16 MiB"
    for target in (uid, "nope"):  # a prompt has no timeline; an unknown id neither
        with pytest.raises(StoreError) as info:
            store.save_timeline(target, "tl1:x")
        assert str(info.value) == f"no answer with id {target!r}"


def test_a_note_id_that_is_taken_is_drawn_again_eight_times_at_most(store: HistoryStore, monkeypatch) -> None:
    from tui.store import annotations

    _, uid, aid = conversation(store)
    taken = store.add_note(uid, "first")
    draws = iter([taken, taken, "FRESHNOTEID"])
    monkeypatch.setattr(annotations, "new_id", lambda: next(draws))
    assert store.add_note(aid, "second") == "FRESHNOTEID"
    assert [n.body for n in store.get_notes(aid)] == ["second"]
    calls: list[int] = []
    monkeypatch.setattr(annotations, "new_id", lambda: calls.append(1) or taken)
    with pytest.raises(StoreError) as info:
        store.add_note(aid, "third")
    assert str(info.value) == "could not allocate a unique id" and len(calls) == 8
    assert [n.body for n in store.get_notes(aid)] == ["second"]


def test_another_integrity_failure_is_reported_not_retried(store: HistoryStore, monkeypatch) -> None:
    from tui.store import annotations

    _, uid, _ = conversation(store)
    store._conn.execute("CREATE TEMP TRIGGER refuse BEFORE INSERT ON message_notes "
                        "BEGIN SELECT RAISE(ABORT, 'notes are closed'); END")
    calls: list[int] = []
    monkeypatch.setattr(annotations, "new_id", lambda: calls.append(1) or f"ID{len(calls)}")
    with pytest.raises(StoreError) as info:
        store.add_note(uid, "text")
    assert str(info.value) == "notes are closed" and len(calls) == 1


def test_notes_of_a_conversation_by_message_oldest_first(store: HistoryStore) -> None:
    cid, uid, aid = conversation(store)
    other = store.create_conversation("Other")
    other_uid = store.add_user_message(other, "elsewhere")
    n1, n2, n3 = store.add_note(aid, "a1"), store.add_note(uid, "u1"), store.add_note(aid, "a2")
    store.add_note(other_uid, "not this conversation's")
    notes = store.notes_for(cid)
    assert {k: [n.id for n in v] for k, v in notes.items()} == {aid: [n1, n3], uid: [n2]}
    first = notes[aid][0]
    assert (first.message_id, first.body) == (aid, "a1") and first.created_at == first.updated_at
