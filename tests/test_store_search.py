"""Full-text search: fields, snippets, ranking, hostile query strings, index sync."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.store import HistoryStore
from tui.store.search import build_match


@pytest.fixture
def store(tmp_path: Path):
    s = HistoryStore.open(tmp_path / "h.db")
    cid = s.create_conversation("Geography")
    uid = s.add_user_message(cid, "What is the capital of Australia?")
    aid = s.begin_answer(cid, uid, model="r1", deployment=None, endpoint_host=None)
    s.update_answer(aid, reasoning="People often guess Sydney, but the capital is Canberra. "
                    "Hmm (AND \"quoted\") NEAR café.", answer="Canberra is the capital.",
                    state="complete")
    other = s.create_conversation("Cooking")
    s.add_user_message(other, "How long to boil an egg? Not the capital question.")
    s.ids = {"conv": cid, "user": uid, "answer": aid, "other": other}  # type: ignore[attr-defined]
    yield s
    s.close()


def fields(hits):
    return {(h.message_id, h.field) for h in hits}


def test_hits_in_prompt_answer_and_reasoning(store) -> None:
    ids = store.ids
    assert fields(store.search("Australia")) == {(ids["user"], "prompt")}
    assert fields(store.search("Canberra")) == {(ids["answer"], "answer"), (ids["answer"], "reasoning")}
    [hit] = store.search("Sydney")
    assert hit.field == "reasoning" and hit.conversation_id == ids["conv"] and hit.title == "Geography"
    assert "«Sydney»" in hit.snippet and "\n" not in hit.snippet


def test_prefix_search_as_you_type(store) -> None:
    assert fields(store.search("Canb")) == fields(store.search("Canberra"))
    assert store.search("Canb ") == []  # a finished word is not a prefix


def test_words_are_anded(store) -> None:
    assert {h.conversation_id for h in store.search("capital egg")} == {store.ids["other"]}


def test_best_match_first(store) -> None:
    filler = store.create_conversation("filler")
    for i in range(20):  # bm25 needs the word to be rare enough to carry weight
        store.add_user_message(filler, f"unrelated message number {i}")
    cid = store.create_conversation("Many")
    store.add_user_message(cid, "capital capital capital capital")
    hits = store.search("capital")
    assert hits[0].conversation_id == cid
    assert len(store.search("capital", limit=2)) == 2


@pytest.mark.parametrize("query", [
    '"', '""', "'", "(", ")", "((", "a AND", "OR", "NOT capital", "capital NEAR(x", "NEAR/3",
    "*", "capital*", "-capital", "^capital", "content:capital", "{content}: x", "col : (", "\\",
    "café", "cafe", "日本語", "🙂", "\x00", "   ", "", "AND OR NOT", '"capital"', "a\"b", "x'); DROP TABLE messages; --",
])
def test_odd_queries_never_raise(store, query: str) -> None:
    hits = store.search(query)
    assert isinstance(hits, list)
    assert store.list_conversations()  # nothing was dropped


def test_operators_are_plain_words(store) -> None:
    assert fields(store.search('NEAR')) == {(store.ids["answer"], "reasoning")}
    assert fields(store.search('"quoted"')) == {(store.ids["answer"], "reasoning")}
    assert store.search("cafe")  # diacritics folded


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_valid_query(store, query: str) -> None:
    store.search(query)


def test_build_match_quotes_everything() -> None:
    assert build_match('say "hi" (now') == '"say" """hi""" "(now"*'
    assert build_match("done ") == '"done"'
    assert build_match("() * ") is None


def test_triggers_keep_index_in_sync(store) -> None:
    ids = store.ids
    store.update_answer(ids["answer"], answer="Perth, actually", reasoning="reconsidered")
    assert fields(store.search("Canberra")) == set()
    assert fields(store.search("Perth")) == {(ids["answer"], "answer")}
    assert fields(store.search("reconsidered")) == {(ids["answer"], "reasoning")}
    store.update_answer(ids["answer"], state="stopped")  # non-text update keeps the index
    assert fields(store.search("Perth")) == {(ids["answer"], "answer")}
    store.delete_conversation(ids["conv"])
    assert store.search("Perth") == [] and store.search("Australia") == []
    conn = store._conn
    conn.execute("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)")
    assert conn.execute("SELECT count(*) FROM messages_fts").fetchone()[0] == 1


def test_search_includes_archived(store) -> None:
    store.set_archived(store.ids["conv"], True)
    assert store.search("Sydney")


def test_very_common_queries_rank_only_the_newest_window(store, monkeypatch) -> None:
    from tui.store import search as search_mod

    monkeypatch.setattr(search_mod, "RANK_WINDOW", 5)
    cid = store.create_conversation("window")
    oldest_best = store.add_user_message(cid, "kiwi kiwi kiwi kiwi kiwi kiwi")
    for i in range(8):
        store.add_user_message(cid, f"kiwi and {i} other words to dilute the score")
    newest_best = store.add_user_message(cid, "kiwi kiwi")
    hits = store.search("kiwi")
    assert len(hits) == 5 and hits[0].message_id == newest_best
    assert oldest_best not in {h.message_id for h in hits}
    monkeypatch.setattr(search_mod, "RANK_WINDOW", 1000)
    assert store.search("kiwi")[0].message_id == oldest_best


def test_snippets_mark_the_match_in_one_line_of_words(store) -> None:
    [hit] = store.search("Australia")
    assert hit.snippet == "What is the capital of «Australia»?"
    [prompt] = store.search("egg")
    assert prompt.snippet == "How long to boil an «egg»? Not the capital question."


def test_control_characters_in_a_query_separate_words(store) -> None:
    assert fields(store.search("Canberra\x00capital\x1f")) == {(store.ids["answer"], "answer"),
                                                              (store.ids["answer"], "reasoning")}


def test_the_limit_counts_hits(store) -> None:
    assert store.search("capital", limit=0) == [] and store.search("capital", limit=-1) == []
    assert len(store.search("capital", limit=1)) == 1


def test_a_note_hit_comes_first_with_its_marked_snippet(store) -> None:
    store.add_note(store.ids["answer"], "remember the  koala\nfacts")
    hits = store.search("koala")
    assert [(h.message_id, h.field, h.title, h.snippet) for h in hits] == [
        (store.ids["answer"], "note", "Geography", "remember the «koala» facts")]
    store.add_note(store.ids["user"], "capital notes")
    assert store.search("capital")[0].field == "note"  # the user's own words first


def test_the_default_limit_is_fifty(store) -> None:
    conv = store.create_conversation("Many")
    for i in range(60):
        store.add_user_message(conv, f"wombat {i}")
    assert len(store.search("wombat")) == 50
