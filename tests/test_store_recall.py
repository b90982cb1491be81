"""Earlier prompts for the composer: newest first, each text once, blank ones skipped; paged by
distinct texts; found by words with the last one as a prefix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.store import HistoryStore


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    with HistoryStore.open(tmp_path / "h.db") as s:
        first = s.create_conversation("one")
        second = s.create_conversation("two")
        for conv, text in [(first, "alpha question"), (second, "beta question"), (first, "   "),
                           (first, "alpha question"), (second, "gamma reply"), (first, "delta")]:
            uid = s.add_user_message(conv, text)
            aid = s.begin_answer(conv, uid, model="m", deployment="d", endpoint_host="h")
            s.update_answer(aid, answer=f"answer about {text} question", state="complete")
        yield s


def test_recent_prompts_newest_first_each_once_without_blanks(store: HistoryStore) -> None:
    assert store.recent_prompts() == ["delta", "gamma reply", "alpha question", "beta question"]


def test_recent_prompts_are_paged_by_distinct_texts(store: HistoryStore) -> None:
    assert store.recent_prompts(limit=2) == ["delta", "gamma reply"]
    assert store.recent_prompts(limit=2, offset=2) == ["alpha question", "beta question"]
    assert store.recent_prompts(limit=1, offset=1) == ["gamma reply"]
    assert store.recent_prompts(offset=4) == []


def test_matching_prompts_by_words_only_prompts_newest_first(store: HistoryStore) -> None:
    assert store.matching_prompts("question") == ["alpha question", "beta question"]  # not the answers' text
    assert store.matching_prompts("ques") == ["alpha question", "beta question"]  # the last word as a prefix
    assert store.matching_prompts("alpha quest") == ["alpha question"]
    assert store.matching_prompts("question", limit=1) == ["alpha question"]
    assert store.matching_prompts("answer") == []
    assert store.matching_prompts("") == [] and store.matching_prompts("  ") == []


def test_matching_prompts_scan_past_repeats_up_to_the_limit(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "r.db") as s:
        conv = s.create_conversation("c")
        s.add_user_message(conv, "needle old")
        for _ in range(7):
            s.add_user_message(conv, "needle repeated")
        assert s.matching_prompts("needle", limit=2) == ["needle repeated", "needle old"]
        assert s.matching_prompts("needle", limit=1) == ["needle repeated"]


def test_the_default_limits(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "many.db") as s:
        conv = s.create_conversation("c")
        for i in range(105):
            s.add_user_message(conv, f"topic number {i}")
        assert len(s.recent_prompts()) == 100 and s.recent_prompts()[0] == "topic number 104"
        assert len(s.matching_prompts("topic")) == 20
