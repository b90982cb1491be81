"""The background writer: timed appends, final rows, writer liveness, concurrent writers."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tui.store import HistoryStore, StoreError
from tui.metrics import Usage
from tui.store.background import BackgroundWriter
from tui.store.ids import new_id


def wait_until(condition, timeout: float = 10.0) -> None:
    """Poll ``condition`` until true (a readiness wait, not a sleep of a guessed length)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


@pytest.fixture
def writer(tmp_path: Path):
    w = BackgroundWriter(tmp_path / "h.db", interval_s=0.2)
    conv, prompt, answer = new_id(), new_id(), new_id()
    w.create_conversation(conv, "w")
    w.add_prompt(conv, prompt, "q", None)
    w.begin_answer(conv, answer, prompt, model="m", deployment=None, endpoint_host=None, choice_index=0).result(5)
    reader = HistoryStore.open(tmp_path / "h.db", read_only=True)
    yield w, reader, answer
    reader.close()
    w.close()


def parts(reader: HistoryStore, msg_id: str) -> int:
    with reader._read() as conn:
        return conn.execute("SELECT count(*) FROM message_parts WHERE message_id = ?", (msg_id,)).fetchone()[0]


def test_appends_are_batched_into_parts_on_a_timer(writer) -> None:
    w, reader, aid = writer
    for i in range(200):
        w.append(aid, reasoning=f"r{i} ")
    wait_until(lambda: reader.get_message(aid).reasoning == "".join(f"r{i} " for i in range(200)))
    assert parts(reader, aid) <= 2  # 200 deltas, one or two timed batches: never a write per delta
    assert reader.get_message(aid).state == "streaming"


def test_text_before_a_stall_is_saved_without_another_event(writer) -> None:
    """A model that goes quiet (or only sends keep-alives) loses nothing: the flush is timed (#15.4)."""
    w, reader, aid = writer
    w.append(aid, answer="the text before the stall")
    wait_until(lambda: reader.get_message(aid).content == "the text before the stall", timeout=5)


def test_finish_writes_one_row_and_search_indexes_it_only_then(writer) -> None:
    w, reader, aid = writer
    w.append(aid, reasoning="zebraic musings ", answer="stripes")
    w.flush().result(5)
    assert parts(reader, aid) == 1 and reader.search("zebraic") == []  # not indexed while streaming
    w.finish_answer(aid, reasoning="zebraic musings ", answer="stripes!", state="complete", finish_reason="stop",
                    usage=Usage(1, 2, 3, 4, False, True), timing=None, model="DeepSeek-R1").result(5)
    m = reader.get_message(aid)
    assert (m.content, m.reasoning, m.state, m.model) == ("stripes!", "zebraic musings ", "complete", "DeepSeek-R1")
    assert m.usage.reasoning_estimated and parts(reader, aid) == 0
    assert [h.message_id for h in reader.search("zebraic")] == [aid]


def test_replace_text_drops_what_was_appended(writer) -> None:
    w, reader, aid = writer
    w.append(aid, reasoning="this was really the answer")
    w.flush().result(5)
    w.replace_text(aid, "", "this was really the answer").result(5)
    m = reader.get_message(aid)
    assert (m.reasoning, m.content) == ("", "this was really the answer") and parts(reader, aid) == 0


def test_errors_reach_the_future_and_the_handler(tmp_path: Path) -> None:
    seen: list[BaseException] = []
    w = BackgroundWriter(tmp_path / "h.db", on_error=seen.append)
    try:
        future = w.add_prompt("no-such-conversation", new_id(), "q", None)
        with pytest.raises(StoreError):
            future.result(5)
        assert seen and isinstance(seen[0], StoreError)
        w.create_conversation(new_id(), "still working").result(5)  # the thread carries on
    finally:
        w.close()
    with pytest.raises(StoreError):
        w.create_conversation(new_id(), "closed").result(5)


LIVE_WRITER = """
import sys
from pathlib import Path
from tui.store.background import BackgroundWriter
w = BackgroundWriter(Path(sys.argv[1]), interval_s=0.05)
conv, prompt, answer = sys.argv[2:5]
w.create_conversation(conv, "live")
w.add_prompt(conv, prompt, "q", None)
w.begin_answer(conv, answer, prompt, model=None, deployment=None, endpoint_host=None, choice_index=0)
w.append(answer, answer="partial text")
w.flush().result(5)
print("ready", flush=True)
sys.stdin.readline()  # a quiet model: nothing more arrives
"""


def test_a_quiet_live_answer_is_left_alone_until_its_writer_dies(tmp_path: Path) -> None:
    """Only a writer that is gone makes an answer "interrupted", however long it was quiet (#15.12)."""
    path = tmp_path / "h.db"
    HistoryStore.open(path).close()
    conv, prompt, answer = new_id(), new_id(), new_id()
    proc = subprocess.Popen([sys.executable, "-c", LIVE_WRITER, str(path), conv, prompt, answer],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        with HistoryStore.open(path) as store:  # quiet for an hour, as far as timestamps go
            store._conn.execute("UPDATE messages SET updated_at = '2000-01-01T00:00:00.000Z' WHERE id = ?", (answer,))
        with HistoryStore.open(path) as store:
            assert store.get_message(answer).state == "streaming"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        with HistoryStore.open(path) as store:
            m = store.get_message(answer)
            assert (m.state, m.content) == ("interrupted", "partial text")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def _writer_process(path: str, tag: str, n: int) -> None:
    w = BackgroundWriter(Path(path), interval_s=0.01)
    conv = new_id()
    w.create_conversation(conv, tag)
    for i in range(n):
        prompt, answer = new_id(), new_id()
        w.add_prompt(conv, prompt, f"{tag} prompt {i}", None)
        w.begin_answer(conv, answer, prompt, model=None, deployment=None, endpoint_host=None, choice_index=0)
        text = "".join(f"{tag}-{i}-{j} " for j in range(3))
        for j in range(3):
            w.append(answer, answer=f"{tag}-{i}-{j} ")
        w.finish_answer(answer, reasoning="", answer=text, state="complete", finish_reason="stop", usage=None,
                        timing=None, model=None)
    w.close()


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


def test_a_closed_writer_refuses_work_and_says_so(tmp_path: Path) -> None:
    w = BackgroundWriter(tmp_path / "h.db", interval_s=0.2)
    w.close()
    with pytest.raises(StoreError) as caught:
        w.create_conversation(new_id(), "late").result(5)
    assert str(caught.value) == "the history writer is closed"


def test_the_writer_stores_a_prompt_with_its_attachments_and_replaced_text(tmp_path: Path) -> None:
    from tui.store.models import Attachment

    w = BackgroundWriter(tmp_path / "h.db", interval_s=0.2)
    try:
        conv, prompt, answer = new_id(), new_id(), new_id()
        w.create_conversation(conv, "w")
        w.add_prompt(conv, prompt, "q", None, (Attachment("f.txt", "body"),))
        w.begin_answer(conv, answer, prompt, model="m", deployment="d", endpoint_host="h", choice_index=3)
        w.append(answer, reasoning="provisional ", answer="")
        w.replace_text(answer, "", "it was the answer").result(5)
        w.flush().result(5)
        with HistoryStore.open(tmp_path / "h.db", read_only=True) as reader:
            stored_prompt, stored_answer = reader.get_message(prompt), reader.get_message(answer)
    finally:
        w.close()
    assert stored_prompt.attachments == (Attachment("f.txt", "body"),)
    assert (stored_answer.reasoning or "", stored_answer.content) == ("", "it was the answer")
    assert (stored_answer.model, stored_answer.deployment, stored_answer.endpoint_host, stored_answer.choice_index) == (
        "m", "d", "h", 3)
