"""StreamingWriter batching and concurrent writers."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from tui.store import HistoryStore, StoreError, StreamingWriter, UsageRecord


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def answer(tmp_path: Path):
    store = HistoryStore.open(tmp_path / "h.db")
    cid = store.create_conversation("w")
    uid = store.add_user_message(cid, "q")
    aid = store.begin_answer(cid, uid, model="m", deployment=None, endpoint_host=None)
    yield store, aid
    store.close()


def test_batches_appends_and_flushes_on_interval(answer) -> None:
    store, aid = answer
    clock = FakeClock()
    w = StreamingWriter(store, aid, interval_s=0.5, clock=clock)
    for i in range(100):
        w.append_reasoning(f"r{i} ")
        clock.now += 0.01  # 100 deltas over one second
    assert w.writes == 1  # at 0.5 s
    stored = store.get_message(aid).reasoning
    assert stored and w.reasoning.startswith(stored) and stored != w.reasoning
    clock.now += 0.5
    assert w.maybe_flush() and w.writes == 2
    assert store.get_message(aid).reasoning == w.reasoning
    assert not w.maybe_flush()  # nothing new
    w.append_answer("A")
    assert w.writes == 2 and store.get_message(aid).content == ""
    w.finish("complete", "stop", UsageRecord(1, 2, 3, 4, False))
    m = store.get_message(aid)
    assert (m.content, m.state, m.finish_reason, m.usage.reasoning_tokens) == ("A", "complete", "stop", 4)
    assert w.writes == 3
    w.finish("failed")  # second finish is ignored
    assert store.get_message(aid).state == "complete"


def test_replace_and_flush(answer) -> None:
    store, aid = answer
    clock = FakeClock()
    w = StreamingWriter(store, aid, clock=clock)
    w.append_reasoning("this was really the answer")
    w.replace("", "this was really the answer")
    w.flush()
    m = store.get_message(aid)
    assert (m.reasoning, m.content) == ("", "this was really the answer")
    w.flush()
    assert w.writes == 1  # nothing pending, no write


def test_crash_loses_at_most_the_last_interval(answer) -> None:
    store, aid = answer
    clock = FakeClock()
    w = StreamingWriter(store, aid, clock=clock)
    for i in range(30):
        w.append_answer("x")
        clock.now += 0.1
    assert len(w.answer) - len(store.get_message(aid).content) <= 5  # <= 0.5 s worth


def test_unknown_message(answer) -> None:
    store, _ = answer
    with pytest.raises(StoreError):
        StreamingWriter(store, "nope")


def _writer_process(path: str, tag: str, n: int) -> None:
    store = HistoryStore.open(Path(path))
    cid = store.create_conversation(tag)
    for i in range(n):
        uid = store.add_user_message(cid, f"{tag} prompt {i}")
        aid = store.begin_answer(cid, uid, model=None, deployment=None, endpoint_host=None)
        w = StreamingWriter(store, aid, interval_s=0.0)
        for j in range(3):
            w.append_answer(f"{tag}-{i}-{j} ")
        w.finish("complete")
    store.close()


def test_two_processes_writing_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    HistoryStore.open(path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer_process, args=(str(path), tag, 40)) for tag in ("alpha", "beta")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with HistoryStore.open(path, read_only=True) as store:
        convs = store.list_conversations()
        assert sorted(c.title for c in convs) == ["alpha", "beta"]
        for c in convs:
            assert c.message_count == 80
            msgs = store.get_conversation(c.id).messages
            answers = [m for m in msgs if m.role == "assistant"]
            assert all(m.state == "complete" for m in answers)
            assert [m.content for m in answers] == [
                f"{c.title}-{i}-0 {c.title}-{i}-1 {c.title}-{i}-2 " for i in range(40)]
        assert len(store.search("alpha prompt")) == 40


def test_two_connections_in_threads(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    stores = [HistoryStore.open(path), HistoryStore.open(path)]
    errors: list[BaseException] = []

    def work(store: HistoryStore, tag: str) -> None:
        try:
            cid = store.create_conversation(tag)
            for i in range(100):
                store.add_user_message(cid, f"{tag} {i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s, t)) for s, t in zip(stores, "ab")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(c.message_count for c in stores[0].list_conversations()) == [100, 100]
    for s in stores:
        s.close()
