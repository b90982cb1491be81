"""``history trace`` (JSON contract, text), ``history replay`` (pacing with an injected clock, Ctrl-C,
never writes history) and the [trace] pivots config key."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from tui.commands.history import add_history_parser, run_history
from tui.commands.history_trace import cmd_replay
from tui.store import HistoryStore
from tui.metrics import Timing, Usage
from tui.trace.replay import Piece, play, schedule
from tui.trace.timeline import Sample, Timeline, TimelineRecorder, encode

REASONING = "Okay, 17 * 23.\n\n17 * 20 = 340.\n\nWait, plus 17 * 3 = 51.\n\nSo 391."
ANSWER = "\\boxed{391}"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="r1-tui")
    add_history_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["history", *argv])


def run(db: Path, *argv: str) -> int:
    return run_history(parse(*argv), db)


def recorded_timeline() -> str:
    now = [0.0]
    rec = TimelineRecorder(clock=lambda: now[0])
    rec.start()
    now[0] = 1.0
    for chunk in (16, 16, 25, len(REASONING) - 57):  # one paragraph per second
        rec.reasoning(chunk)
        now[0] += 1.0
    rec.answer(len(ANSWER))
    now[0] += 0.5
    rec.finish()
    return encode(rec.timeline())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "history.db"
    with HistoryStore.open(path) as store:
        cid = store.create_conversation("Multiply")
        uid = store.add_user_message(cid, "What is 17 * 23?")
        for choice, timeline in ((0, True), (1, False)):
            aid = store.begin_answer(cid, uid, model="DeepSeek-R1", deployment="r1", endpoint_host="h",
                                     choice_index=choice)
            store.update_answer(aid, reasoning=REASONING, answer=ANSWER, state="complete", finish_reason="stop",
                                usage=Usage(10, 40, 50, 20, False), timing=Timing(1.0, 4.0, 5.5))
            if timeline:
                store.save_timeline(aid, recorded_timeline())
    return path


def ids(db: Path) -> tuple[str, list[str]]:
    with HistoryStore.open(db, read_only=True) as store:
        conv = store.list_conversations()[0]
        full = store.get_conversation(conv.id)
        assert full is not None
        return conv.id, [m.id for m in full.messages if m.role == "assistant"]


def test_trace_json_contract(db: Path, capsys) -> None:
    cid, (with_tl, without_tl) = ids(db)
    assert run(db, "trace", cid[:6], "--json") == 0
    obj = json.loads(capsys.readouterr().out)
    assert set(obj) == {"conversation_id", "message_id", "steps", "totals"}
    assert (obj["conversation_id"], obj["message_id"]) == (cid, with_tl)  # default: the last prompt's shown answer
    assert set(obj["totals"]) == {"steps", "pivots", "reasoning_tokens", "reasoning_s", "answer_s"}
    assert obj["totals"]["steps"] == 4 and obj["totals"]["pivots"] == 1 and obj["totals"]["reasoning_tokens"] == 20
    assert obj["totals"]["reasoning_s"] == 4.0 and obj["totals"]["answer_s"] == 0.5
    for step in obj["steps"]:
        assert set(step) == {"index", "start", "end", "tokens", "estimated", "seconds", "pivot", "text"}
        assert REASONING[step["start"]:step["end"]] == step["text"] and step["estimated"] is True
    assert [s["index"] for s in obj["steps"]] == [1, 2, 3, 4]
    assert [s["pivot"] for s in obj["steps"]] == [None, None, "Wait", None]
    assert [s["seconds"] for s in obj["steps"]] == [0.0, 1.0, 1.0, 1.0]
    assert sum(s["tokens"] for s in obj["steps"]) == 20

    common = next(i for i in range(len(with_tl)) if with_tl[i] != without_tl[i])
    assert run(db, "trace", cid, "--message", with_tl[:common], "--json") == 2
    assert "matches several answers" in capsys.readouterr().err
    assert run(db, "trace", cid, "--message", without_tl[:common + 1], "--json") == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["message_id"] == without_tl
    assert all(s["seconds"] is None for s in obj["steps"]) and obj["totals"]["answer_s"] is None


def test_trace_text(db: Path, capsys) -> None:
    cid, (_, without_tl) = ids(db)
    assert run(db, "trace", cid) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["#", "TIME", "TOKENS", "PIVOT", "FIRST", "WORDS"]
    assert lines[3].split()[:4] == ["3", "1.0s", "~8", "Wait"]
    assert "4 steps · 1 pivot · 20 reasoning tokens" in lines[-1] and "first answer token at 5.0 s" in lines[-1]
    assert run(db, "trace", cid, "--message", without_tl) == 0
    assert "no timeline" in capsys.readouterr().out
    assert run(db, "trace", cid, "--message", "nope") == 2
    assert "not an answer" in capsys.readouterr().err


def test_trace_uses_configured_pivots(db: Path, tmp_path: Path, capsys) -> None:
    config = tmp_path / "config" / "r1-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[trace]\npivots = ["So"]\n')
    cid, _ = ids(db)
    assert run(db, "trace", cid, "--json") == 0
    assert [s["pivot"] for s in json.loads(capsys.readouterr().out)["steps"]] == [None, None, None, "So"]
    config.write_text('[trace]\npivots = "Wait"\n')
    assert run(db, "trace", cid) == 2
    assert "pivots must be a list" in capsys.readouterr().err


class FakeTime:
    """A clock that only moves when the replay sleeps."""

    def __init__(self) -> None:
        self.now = 50.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.mark.parametrize("speed", [1.0, 2.0, 4.0, 16.0])
def test_play_paces_pieces_at_speed(speed: float) -> None:
    t = FakeTime()
    shown: list[tuple[float, str]] = []
    pieces = [Piece(0.0, "reasoning", "a"), Piece(1.0, "reasoning", "b"), Piece(3.0, "answer", "c")]
    play(pieces, lambda p: shown.append((t.now - 50.0, p.text)), speed, clock=t.clock, sleep=t.sleep)
    assert shown == [(0.0, "a"), (pytest.approx(1.0 / speed), "b"), (pytest.approx(3.0 / speed), "c")]


def test_schedule_from_timeline_starts_at_first_token_and_releases_text_in_order() -> None:
    tl = Timeline((Sample(2.0, 3, 0), Sample(2.5, 6, 0), Sample(3.0, 6, 2), Sample(3.2, 6, 4)))
    assert schedule("abcdef", "wxyz", tl) == [Piece(0.0, "reasoning", "abc"), Piece(0.5, "reasoning", "def"),
                                             Piece(1.0, "answer", "wx"), Piece(pytest.approx(1.2), "answer", "yz")]
    assert "".join(p.text for p in schedule("abcdefgh", "wxyz!", tl) if p.kind == "reasoning") == "abcdefgh"
    even = schedule("r" * 30, "a" * 10, None, reasoning_s=3.0, answer_s=1.0)
    assert even[-1].at == pytest.approx(4.0) and "".join(p.text for p in even) == "r" * 30 + "a" * 10


def test_replay_prints_like_ask_at_the_recorded_pace_and_never_writes(db: Path) -> None:
    cid, _ = ids(db)
    before = db.read_bytes()
    t = FakeTime()
    out, err = io.StringIO(), io.StringIO()
    with HistoryStore.open(db, read_only=True) as store:
        code = cmd_replay(store, parse("replay", cid, "--speed", "4"), out=out, err=err, clock=t.clock, sleep=t.sleep)
    assert code == 0
    assert out.getvalue() == ANSWER + "\n"
    assert REASONING in err.getvalue() and "×4 (recorded pace)" in err.getvalue()
    assert sum(t.sleeps) == pytest.approx(4.0 / 4)  # first token to first answer token: 4 s recorded
    assert db.read_bytes() == before


def test_replay_ctrl_c_ends_cleanly(db: Path) -> None:
    cid, _ = ids(db)
    t = FakeTime()

    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    out, err = io.StringIO(), io.StringIO()
    with HistoryStore.open(db, read_only=True) as store:
        code = cmd_replay(store, parse("replay", cid), out=out, err=err, clock=t.clock, sleep=interrupt)
    assert code == 130
    assert out.getvalue() == "" and err.getvalue().endswith("\n\nr1-tui: replay stopped\n")


def test_speed_must_be_positive(capsys) -> None:
    with pytest.raises(SystemExit):
        parse("replay", "x", "--speed", "0")
    assert "not a speed" in capsys.readouterr().err
    assert parse("replay", "x", "--speed", "x16").speed == 16.0


def test_default_answer_is_on_the_active_path(tmp_path: Path, capsys) -> None:
    path = tmp_path / "tree.db"
    with HistoryStore.open(path) as store:
        cid = store.create_conversation("Branches")
        u1 = store.add_user_message(cid, "Q1")
        a1 = store.begin_answer(cid, u1, model="m", deployment="d", endpoint_host="h")
        store.update_answer(a1, reasoning="r1", answer="A1", state="complete")
        later = store.add_user_message(cid, "Q2", parent_id=a1)
        a2 = store.begin_answer(cid, later, model="m", deployment="d", endpoint_host="h")
        store.update_answer(a2, reasoning="r2", answer="A2", state="complete")
        store.select(u1)  # back to the first prompt's branch... whose leaf is still a2
        edited = store.add_user_message(cid, "Q2 edited", parent_id=a1)
        a3 = store.begin_answer(cid, edited, model="m", deployment="d", endpoint_host="h")
        store.update_answer(a3, reasoning="r3", answer="A3", state="complete")
        store.select(later)  # the older branch is the active one
    assert run(path, "trace", cid, "--json") == 0
    assert json.loads(capsys.readouterr().out)["message_id"] == a2
