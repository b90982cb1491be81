"""The background writer on an injected clock: when buffered text is appended (the interval, a flush,
close), what is buffered per answer, and what is dropped. No sleeps: each check waits on a future or
on the history showing the expected state."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tui.store import HistoryStore, StoreError
from tui.store.background import BackgroundWriter
from tui.store.ids import new_id


def wait_until(condition, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.005)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def begin(w: BackgroundWriter) -> str:
    conv, prompt, answer = new_id(), new_id(), new_id()
    w.create_conversation(conv, "c")
    w.add_prompt(conv, prompt, "q", None)
    w.begin_answer(conv, answer, prompt, model="m", deployment=None, endpoint_host=None, choice_index=0).result(5)
    return answer


def parts(path: Path, msg_id: str) -> list[tuple[str, str]]:
    with HistoryStore.open(path, read_only=True) as reader, reader._read() as conn:
        return conn.execute("SELECT reasoning, answer FROM message_parts WHERE message_id = ? ORDER BY part",
                            (msg_id,)).fetchall()


def settle(w: BackgroundWriter) -> None:
    """Wait until the writer thread has handled everything queued so far (a no-op goes through it)."""
    w.submit(lambda store: None).result(5)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_nothing_is_appended_before_the_interval_and_all_of_it_after(tmp_path: Path, clock: Clock) -> None:
    w = BackgroundWriter(tmp_path / "h.db", interval_s=30.0, clock=clock)
    try:
        aid = begin(w)
        w.append(aid, reasoning="a")
        w.append(aid, answer="b")
        w.append(aid, reasoning="c", answer="d")
        clock.now = 29.9
        settle(w)
        assert parts(tmp_path / "h.db", aid) == []  # not due yet
        clock.now = 30.0  # due exactly at the interval
        settle(w)
        wait_until(lambda: parts(tmp_path / "h.db", aid) == [("ac", "bd")])  # one part for the batch
    finally:
        w.close()


def test_the_answers_it_begins_carry_its_token(tmp_path: Path, clock: Clock) -> None:
    w = BackgroundWriter(tmp_path / "h.db", clock=clock)
    try:
        aid = begin(w)
        with HistoryStore.open(tmp_path / "h.db", read_only=True) as reader, reader._read() as conn:
            assert conn.execute("SELECT writer FROM messages WHERE id = ?", (aid,)).fetchone() == (w.token,)
    finally:
        w.close()


def test_an_interval_of_zero_appends_at_once(tmp_path: Path, clock: Clock) -> None:
    w = BackgroundWriter(tmp_path / "h.db", interval_s=0.0, clock=clock)
    try:
        aid = begin(w)
        w.append(aid, answer="now")
        wait_until(lambda: parts(tmp_path / "h.db", aid) == [("", "now")])
    finally:
        w.close()


def test_empty_appends_are_ignored_and_flush_writes_what_is_buffered(tmp_path: Path, clock: Clock) -> None:
    w = BackgroundWriter(tmp_path / "h.db", interval_s=3600.0, clock=clock)
    try:
        aid, other = begin(w), begin(w)
        w.append(aid)
        w.append(aid, reasoning="", answer="")
        w.flush().result(5)
        assert parts(tmp_path / "h.db", aid) == []
        w.append(aid, answer="x")
        w.append(other, reasoning="y")
        w.flush().result(5)  # resolved once it is on disk
        assert parts(tmp_path / "h.db", aid) == [("", "x")] and parts(tmp_path / "h.db", other) == [("y", "")]
        w.flush().result(5)  # nothing new: no empty part
        assert parts(tmp_path / "h.db", aid) == [("", "x")]
    finally:
        w.close()


def test_text_of_an_answer_this_writer_did_not_begin_is_not_appended(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "h.db"
    with HistoryStore.open(path) as store:
        cid = store.create_conversation("elsewhere")
        uid = store.add_user_message(cid, "q")
        foreign = store.begin_answer(cid, uid, model=None, deployment=None, endpoint_host=None)
    w = BackgroundWriter(path, interval_s=3600.0, clock=clock)
    try:
        w.append(foreign, answer="not mine")
        w.flush().result(5)
        assert parts(path, foreign) == []
    finally:
        w.close()


def test_finishing_or_replacing_drops_what_is_buffered(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "h.db"
    w = BackgroundWriter(path, interval_s=3600.0, clock=clock)
    try:
        done, replaced = begin(w), begin(w)
        w.append(done, answer="buffered")
        w.finish_answer(done, reasoning="", answer="final", state="complete", finish_reason="stop", usage=None,
                        timing=None, model=None).result(5)
        w.append(replaced, answer="buffered")
        w.replace_text(replaced, "r", "whole").result(5)
        w.flush().result(5)
        with HistoryStore.open(path, read_only=True) as reader:
            assert reader.get_message(done).content == "final" and reader.get_message(done).state == "complete"
            assert (reader.get_message(replaced).content, reader.get_message(replaced).reasoning) == ("whole", "r")
        assert parts(path, done) == [] and parts(path, replaced) == []
        w.append(done, answer="late")  # a finished answer is no longer this writer's to append to
        w.flush().result(5)
        assert parts(path, done) == []
    finally:
        w.close()


def test_close_writes_what_is_left_and_is_idempotent(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "h.db"
    w = BackgroundWriter(path, interval_s=3600.0, clock=clock)
    aid = begin(w)
    w.append(aid, reasoning="last words")
    w.close()
    w.close()
    assert parts(path, aid) == [("last words", "")]
    with pytest.raises(StoreError) as info:
        w.flush().result(5)
    assert str(info.value) == "the history writer is closed"


def test_a_failing_error_handler_does_not_stop_the_writer(tmp_path: Path, clock: Clock) -> None:
    seen: list[BaseException] = []

    def handler(exc: BaseException) -> None:
        seen.append(exc)
        raise RuntimeError("the handler itself fails")

    w = BackgroundWriter(tmp_path / "h.db", on_error=handler, clock=clock)
    try:
        with pytest.raises(StoreError):
            w.add_prompt("no-such-conversation", new_id(), "q", None).result(5)
        assert len(seen) == 1
        assert begin(w)  # still writing
    finally:
        w.close()
