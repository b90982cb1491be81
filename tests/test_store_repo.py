"""Conversations and messages: CRUD, ordering, counts, ids, odd text."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest

from tui.store import HistoryStore, StoreError
from tui.metrics import Timing, Usage
from tui.store import repo as repo_module
from tui.store.ids import new_id, now_iso


@pytest.fixture
def store(tmp_path: Path):
    s = HistoryStore.open(tmp_path / "h.db")
    yield s
    s.close()


def test_ids_are_short_unique_and_time_sortable() -> None:
    ids = [new_id() for _ in range(20000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert all(re.fullmatch(r"[0-9a-z]{12}", i) for i in ids)


def test_timestamps_are_iso_utc_millis() -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", now_iso())


def test_conversation_round_trip(store: HistoryStore) -> None:
    cid = store.create_conversation("First")
    uid = store.add_user_message(cid, "Why is the sky blue?")
    aid = store.begin_answer(cid, uid, model="DeepSeek-R1", deployment="r1",
                             endpoint_host="x.services.ai.azure.com")
    store.update_answer(aid, reasoning="Rayleigh...", answer="Scattering.", state="complete",
                        finish_reason="stop", usage=Usage(5, 7, 12, 3, True),
                        timing=Timing(0.25, 1.5, 2.75))
    conv = store.get_conversation(cid)
    assert conv is not None and conv.title == "First" and not conv.archived
    user, answer = conv.messages
    assert (user.role, user.content, user.reasoning, user.state) == ("user", "Why is the sky blue?", None, "complete")
    assert answer.reasoning == "Rayleigh..." and answer.content == "Scattering."
    assert answer.reply_to == uid and answer.choice_index == 0 and answer.state == "complete"
    assert answer.usage == Usage(5, 7, 12, 3, True)
    assert answer.timing == Timing(0.25, 1.5, 2.75)
    assert (answer.model, answer.deployment, answer.endpoint_host) == ("DeepSeek-R1", "r1", "x.services.ai.azure.com")
    assert store.get_conversation("missing") is None


def test_several_answers_to_one_prompt(store: HistoryStore) -> None:
    cid = store.create_conversation("n")
    uid = store.add_user_message(cid, "q")
    ids = [store.begin_answer(cid, uid, model=None, deployment=None, endpoint_host=None, choice_index=i)
           for i in range(3)]
    msgs = store.get_conversation(cid).messages[1:]
    assert [m.id for m in msgs] == ids and [m.choice_index for m in msgs] == [0, 1, 2]
    assert {m.reply_to for m in msgs} == {uid} and all(m.state == "streaming" for m in msgs)


def test_list_newest_first_with_counts_without_reading_messages(store: HistoryStore,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = iter(range(1, 10_000))  # an injected clock: each stamp one second after the last
    monkeypatch.setattr(repo_module, "now_iso", lambda delta_s=0.0: f"2026-01-01T00:00:{next(ticks):02d}.000Z")
    a = store.create_conversation("a")
    b = store.create_conversation("b")
    c = store.create_conversation("c")
    store.add_user_message(a, "1")
    store.add_user_message(a, "2")  # a becomes the most recently updated
    store.set_archived(c, True)
    read: set[str] = set()

    def authorizer(action, arg1, arg2, dbname, source):
        if action == sqlite3.SQLITE_READ:
            read.add(arg1)
        return sqlite3.SQLITE_OK

    store._conn.set_authorizer(authorizer)
    rows = store.list_conversations()
    store._conn.set_authorizer(None)
    assert [(r.id, r.message_count) for r in rows] == [(a, 2), (b, 0)]
    assert read == {"conversations"}
    assert [r.id for r in store.list_conversations(archived=True)] == [c]
    assert [r.id for r in store.list_conversations(limit=1, offset=1)] == [b]


def test_rename_archive_delete(store: HistoryStore) -> None:
    cid = store.create_conversation("old")
    uid = store.add_user_message(cid, "hello")
    store.rename_conversation(cid, "new")
    assert store.get_conversation(cid).title == "new"
    store.set_archived(cid, True)
    assert store.get_conversation(cid).archived
    store.set_archived(cid, False)
    store.delete_conversation(cid)
    assert store.get_conversation(cid) is None and store.get_message(uid) is None
    assert store._conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    for call in (lambda: store.rename_conversation("zz", "t"), lambda: store.set_archived("zz", True),
                 lambda: store.delete_conversation("zz"), lambda: store.add_user_message("zz", "x"),
                 lambda: store.update_answer("zz", answer="x")):
        with pytest.raises(StoreError):
            call()
    with pytest.raises(StoreError):
        store.update_answer(store.add_user_message(store.create_conversation("t"), "x"), state="bogus")


def test_resolve_id(store: HistoryStore) -> None:
    one = store.create_conversation("one")
    two = store.create_conversation("two")
    assert store.resolve_id(one) == one
    common = next(i for i in range(12) if one[i] != two[i])
    assert store.resolve_id(two[: common + 1]) == two
    assert store.resolve_id(two[: common + 1].upper()) == two
    with pytest.raises(StoreError, match="ambiguous"):
        store.resolve_id(one[:common])
    for bad in ("", "   ", "zzzz", "%", "_"):
        with pytest.raises(StoreError):
            store.resolve_id(bad)


@pytest.mark.parametrize("text", ["a\x00b", "\x1b]52;c;AAAA\x07", "é" * 10, "x" * 2_000_000, "\ud7ff🙂"])
def test_odd_text_is_stored_exactly(store: HistoryStore, text: str) -> None:
    cid = store.create_conversation(text[:100])
    uid = store.add_user_message(cid, text)
    assert store.get_message(uid).content == text
    assert store.get_conversation(cid).title == text[:100]


def test_updated_at_moves_with_activity(store: HistoryStore) -> None:
    cid = store.create_conversation("t")
    before = store.list_conversations()[0].updated_at
    uid = store.add_user_message(cid, "x")
    aid = store.begin_answer(cid, uid, model=None, deployment=None, endpoint_host=None)
    store.update_answer(aid, answer="y", state="complete")
    after = store.list_conversations()[0].updated_at
    assert after >= before
    store.rename_conversation(cid, "renamed")
    assert store.list_conversations()[0].updated_at == after


def test_store_does_not_import_textual() -> None:
    import subprocess
    import sys

    code = "import sys, tui.store, tui.commands.history; assert 'textual' not in sys.modules, 'textual'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def test_streamed_parts_read_back_whole_and_fold_into_the_row(store: HistoryStore) -> None:
    cid = store.create_conversation("c")
    uid = store.add_user_message(cid, "q")
    aid = store.begin_answer(cid, uid, model=None, deployment=None, endpoint_host=None)
    for i in range(3):
        store.append_to_answer(aid, reasoning=f"r{i} ", answer=f"a{i}")
    streaming = store.get_message(aid)
    assert (streaming.reasoning, streaming.content, streaming.state) == ("r0 r1 r2 ", "a0a1a2", "streaming")
    [again] = [m for m in store.get_conversation(cid).messages if m.id == aid]
    assert (again.reasoning, again.content) == ("r0 r1 r2 ", "a0a1a2")
    store.update_answer(aid, state="complete")
    done = store.get_message(aid)
    assert (done.reasoning, done.content, done.state) == ("r0 r1 r2 ", "a0a1a2", "complete")
    assert store._conn.execute("SELECT count(*) FROM message_parts").fetchone()[0] == 0


def test_attachments_are_kept_in_order_with_their_prompt_and_searched(store: HistoryStore) -> None:
    from tui.store.models import Attachment

    cid = store.create_conversation("files")
    files = (Attachment("b.txt", "second file"), Attachment("a.txt", "first file with zanzibar inside"))
    uid = store.add_user_message(cid, "see files", attachments=files)
    aid = store.begin_answer(cid, uid, model=None, deployment=None, endpoint_host=None)
    store.update_answer(aid, answer="ok", state="complete")
    bare = store.add_user_message(cid, "no files")
    messages = {m.id: m for m in store.get_conversation(cid).messages}
    assert messages[uid].attachments == files and store.get_message(uid).attachments == files
    assert messages[aid].attachments == () and messages[bare].attachments == ()
    [hit] = store.search("zanzibar")
    assert (hit.conversation_id, hit.message_id, hit.title, hit.field) == (cid, uid, "files", "attachment")
    assert hit.snippet == "a.txt: first file with «zanzibar» inside"
    assert store.search("zanzibar", limit=0) == [] and len(store.search("file", limit=1)) == 1


def test_attachments_of_many_prompts_load_in_one_go(store: HistoryStore) -> None:
    from tui.store.models import Attachment

    cid = store.create_conversation("long")
    ids = [store.add_user_message(cid, f"q{i}", attachments=(Attachment(f"f{i}", f"text {i}"),)) for i in range(1002)]
    loaded = {m.id: m.attachments for m in store.get_conversation(cid).messages}
    assert all(loaded[msg_id] == (Attachment(f"f{i}", f"text {i}"),) for i, msg_id in enumerate(ids))


def _answer(store: HistoryStore) -> tuple[str, str]:
    cid = store.create_conversation("c")
    uid = store.add_user_message(cid, "q")
    return cid, store.begin_answer(cid, uid, model="first", deployment="d", endpoint_host="h")


def test_update_answer_sets_each_field_it_is_given_and_leaves_the_rest(store: HistoryStore) -> None:
    from tui.store import ErrorRecord

    cid, aid = _answer(store)
    store.update_answer(aid, answer="A", reasoning="R", finish_reason="length", model="second", cost=0.25,
                        usage=Usage(1, 2, 3, 4, True, False), timing=Timing(0.5, 1.5, 2.5),
                        error=ErrorRecord("server", "boom", "later"), state="interrupted")
    m = store.get_message(aid)
    assert (m.content, m.reasoning, m.finish_reason, m.model, m.cost, m.state) == ("A", "R", "length", "second", 0.25,
                                                                                    "interrupted")
    assert m.usage == Usage(1, 2, 3, 4, True, False) and m.timing == Timing(0.5, 1.5, 2.5)
    assert m.error == ErrorRecord("server", "boom", "later")
    store.update_answer(aid, usage=Usage(5, 6, 11, 0, False, True))
    m = store.get_message(aid)
    assert (m.content, m.reasoning, m.model, m.cost, m.finish_reason) == ("A", "R", "second", 0.25, "length")
    assert m.usage == Usage(5, 6, 11, 0, False, True) and m.timing == Timing(0.5, 1.5, 2.5)
    with pytest.raises(StoreError) as caught:
        store.update_answer(aid, state="pondering")
    assert str(caught.value) == "unknown message state 'pondering'"


def test_conversation_costs_sum_each_conversations_answers(store: HistoryStore) -> None:
    cid, aid = _answer(store)
    other, other_answer = _answer(store)
    free, _ = _answer(store)
    store.update_answer(aid, cost=0.5)
    uid = store.add_user_message(cid, "again")
    second = store.begin_answer(cid, uid, model=None, deployment=None, endpoint_host=None)
    store.update_answer(second, cost=0.25)
    store.update_answer(other_answer, cost=2.0)
    assert store.conversation_costs([cid, other, free, "missing"]) == {cid: 0.75, other: 2.0}
    many = [store.create_conversation(f"c{i}") for i in range(501)]
    assert store.conversation_costs(many + [cid]) == {cid: 0.75}


def test_resolve_id_by_exact_id_or_unique_prefix(store: HistoryStore) -> None:
    a = store.create_conversation("a")
    b = store.create_conversation("b")
    common = len(os.path.commonprefix([a, b]))
    assert store.resolve_id(f"  {a} ") == a and store.resolve_id(a[: common + 1]) == a
    assert store.resolve_id(a[: common + 1].upper()) == a  # ids are lower case; a typed prefix may not be
    for bad, message in (("  ", "empty conversation id"), ("zz", "no conversation id starts with 'zz'")):
        with pytest.raises(StoreError) as caught:
            store.resolve_id(bad)
        assert str(caught.value) == message
    if common:
        with pytest.raises(StoreError) as caught:
            store.resolve_id(a[:common])
        assert str(caught.value) == f"{a[:common]!r} is ambiguous: it matches {', '.join(sorted([a, b]))}"


def test_an_ambiguous_prefix_lists_five_matches_at_most(store: HistoryStore) -> None:
    ids = sorted(store.create_conversation(f"c{i}", conv_id=f"same{i}") for i in range(7))
    with pytest.raises(StoreError) as caught:
        store.resolve_id("same")
    assert str(caught.value) == f"'same' is ambiguous: it matches {', '.join(ids[:5])} ..."
    assert store.resolve_id("same1") == "same1"  # an exact id wins over the prefix it also is
    six = sorted(store.create_conversation(f"d{i}", conv_id=f"six{i}") for i in range(5))
    with pytest.raises(StoreError) as caught:
        store.resolve_id("six")
    assert str(caught.value) == f"'six' is ambiguous: it matches {', '.join(six)}"  # five: no "..."


def test_a_given_id_that_exists_is_an_error_a_fresh_one_is_retried(store: HistoryStore,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store.create_conversation("first", conv_id="taken")
    with pytest.raises(StoreError) as caught:
        store.create_conversation("second", conv_id="taken")
    assert str(caught.value) == "cannot store 'taken': UNIQUE constraint failed: conversations.id"
    drawn: list[str] = []

    def fake_new_id(queue: list[str] = ["taken", "taken", "fresh"]) -> str:
        drawn.append(queue.pop(0) if queue else "taken")
        return drawn[-1]

    monkeypatch.setattr(repo_module, "new_id", fake_new_id)
    assert store.create_conversation("third") == "fresh" and drawn == ["taken", "taken", "fresh"]
    drawn.clear()
    with pytest.raises(StoreError) as caught:
        store.create_conversation("fourth")
    assert str(caught.value) == "could not allocate a unique id" and len(drawn) == 8


def test_an_ending_answer_makes_its_conversation_the_newest(store: HistoryStore, monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = iter(range(1, 10_000))
    monkeypatch.setattr(repo_module, "now_iso", lambda delta_s=0.0: f"2026-01-01T00:{next(ticks):02d}:00.000Z")
    cid, aid = _answer(store)
    other = store.create_conversation("other")
    store.update_answer(aid, usage=Usage(1, 1, 2))  # not an end: the list order stays
    assert [c.id for c in store.list_conversations()] == [other, cid]
    store.update_answer(aid, state="complete")
    assert [c.id for c in store.list_conversations()] == [cid, other]


def test_archiving_moves_a_conversation_between_lists(store: HistoryStore) -> None:
    cid = store.create_conversation("c")
    store.set_archived(cid, True)
    assert [c.id for c in store.list_conversations(archived=True)] == [cid] and store.list_conversations() == []
    store.set_archived(cid, False)
    assert [c.id for c in store.list_conversations()] == [cid]
    with pytest.raises(StoreError) as caught:
        store.set_archived("zz", True)
    assert str(caught.value) == "no conversation with id 'zz'"
