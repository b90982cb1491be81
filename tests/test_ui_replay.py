"""Replay in the app (issue 14, key id ``replay``): the stored reasoning and answer stream again into
the panes at the recorded pace, on an injected clock; + / - change the speed, Esc ends it and the
answer is shown as stored; the history is never written; no timeline means an even pace, said so."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui.store import HistoryStore
from tui.trace.timeline import Sample, Timeline, encode
from tui.ui.widgets.answer_block import AnswerBlock

try:
    from tests.loopback import Stream
    from tests.uihelpers import make_app, seed, wait_for
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream  # type: ignore[no-redef]
    from uihelpers import make_app, seed, wait_for  # type: ignore[no-redef]

NOWHERE = "http://127.0.0.1:9/openai/v1/"
REASONING = "abcdefghij" * 2  # 20 characters
ANSWER = "The answer is **391**."  # 22 characters
# first token at 1.0 s: replay second 0 shows 10 reasoning characters, 1 s all 20, 2 s 5 answer ones, 3 s the rest
TIMELINE = Timeline((Sample(0.5, 0, 0), Sample(1.0, 10, 0), Sample(2.0, 20, 0), Sample(3.0, 20, 5),
                     Sample(4.0, 20, len(ANSWER))))


class FakeClock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def seeded(db: Path, *, timeline: bool = True) -> str:
    store = HistoryStore.open(db)
    conv = seed(store, "replayed", [("what is 17*23?", REASONING, ANSWER)])
    answer = next(m for m in store.get_conversation(conv).messages if m.role == "assistant")  # type: ignore[union-attr]
    if timeline:
        store.save_timeline(answer.id, encode(TIMELINE))
    store.close()
    return conv


def rows(db: Path) -> list[str]:
    """Every row of the history, as SQL (a second connection: what is on disk)."""
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def footer_text(app) -> str:  # type: ignore[no-untyped-def]
    return "  ".join(f"{k.key_display} {k.description}" for k in app.screen.query_one(Footer).query(FooterKey))


def notes(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(n.message) for n in app._notifications)


async def test_replay_follows_the_timeline_changes_speed_and_esc_restores(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    conv = seeded(db)
    app, store, client = make_app(NOWHERE, db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.main_screen
        await screen.history.open(conv)
        await pilot.pause()
        before = rows(db)
        replay = screen.review.replay
        clock = replay.clock = FakeClock()
        block = screen.panes.answers.answers()[0]
        assert "Faster" not in footer_text(app) and "End replay" not in footer_text(app)
        screen.set_focus(block)
        await pilot.press("p")
        await pilot.pause()
        assert replay.block is block and block.replay_label.startswith("replay ×1 · + - speed · Esc ends")
        assert block.reasoning == REASONING[:10] and block.answer == ""
        assert screen.panes.status.model.activity == "replay ×1 · 0.0/3.0 s"
        assert "recorded pace" in notes(app)
        await wait_for(pilot, lambda: "End replay" in footer_text(app) and "Faster" in footer_text(app))

        clock.now += 1.0
        replay.tick()
        assert block.reasoning == REASONING and block.answer == ""
        await pilot.press("plus")  # ×2 from replay second 1.0
        clock.now += 0.5
        replay.tick()
        assert block.answer == ANSWER[:5] and screen.panes.status.model.activity == "replay ×2 · 2.0/3.0 s"
        await pilot.press("plus", "plus", "plus")  # ×4, ×16, and no further
        assert replay.speed == 16 and block.replay_label.startswith("replay ×16 ·")
        await pilot.press("minus")
        assert replay.speed == 4
        await pilot.pause()  # the frame clock shows what was released
        assert "replay ×4" in str(block.query_one(".answer-header").render())

        await pilot.press("escape")  # ends the replay (and does not leave the answer)
        await pilot.pause()
        assert replay.block is None and app.focused is block
        assert block.answer == ANSWER and block.reasoning == REASONING and block.replay_label == ""
        assert block.state == "" and screen.panes.status.model.activity == ""
        await wait_for(pilot, lambda: "End replay" not in footer_text(app))
        assert rows(db) == before  # nothing was written

        await pilot.press("escape")  # no replay: Esc goes back to the prompt as before
        await pilot.pause()
        assert app.focused is screen.panes.prompt
    store.close()
    await client.aclose()


async def test_replay_runs_to_its_end_without_a_timeline_at_an_even_pace(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    conv = seeded(db, timeline=False)
    app, store, client = make_app(NOWHERE, db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.main_screen
        await screen.history.open(conv)
        await pilot.pause()
        before = rows(db)
        replay = screen.review.replay
        clock = replay.clock = FakeClock()
        screen.set_focus(screen.panes.prompt)  # from the prompt: the palette command, on the last answer
        await screen.run_command("trace('replay')")
        await pilot.pause()
        block = replay.block
        assert isinstance(block, AnswerBlock) and block.answer == "" and block.reasoning == ""
        assert "even pace" in notes(app) and screen.panes.status.model.activity.endswith("even pace")
        assert app.focused is block  # so the speed keys and Esc reach the screen, not the prompt
        # TIMING: reasoning 1.5 s, answer 2.0 - 0.1 - 1.5 = 0.4 s
        clock.now += 1.5
        replay.tick()
        assert block.reasoning == REASONING and block.answer == ""
        clock.now += 0.2
        replay.tick()
        assert 0 < len(block.answer) < len(ANSWER)
        clock.now += 10
        replay.tick()  # all shown: the replay ends by itself
        await pilot.pause()
        assert replay.block is None and block.answer == ANSWER and "Replay ended" in notes(app)
        assert screen.panes.reasoning.trace.text.replace("\n", "") == REASONING
        assert rows(db) == before
    store.close()
    await client.aclose()


async def test_replay_is_refused_with_nothing_to_replay_and_works_read_only(tmp_path: Path) -> None:
    from tui.ui.factory import build_app

    app, store, client = make_app(NOWHERE, tmp_path / "empty.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.main_screen.run_command("trace('replay')")
        await pilot.pause()
        assert "there is no answer yet" in notes(app)
        assert app.main_screen.review.replay.block is None
    store.close()
    await client.aclose()

    db = tmp_path / "h.db"
    conv = seeded(db)
    read_only = HistoryStore.open(db, read_only=True)
    app = build_app(client=None, store=read_only, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.main_screen
        await screen.history.open(conv)
        await pilot.pause()
        screen.review.replay.clock = FakeClock()
        screen.set_focus(screen.panes.answers.answers()[0])
        await pilot.press("p")
        await pilot.pause()
        assert screen.review.replay.block is not None  # replay only reads
        await pilot.press("escape")
        await pilot.pause()
        assert screen.review.replay.block is None
    read_only.close()


async def test_sending_a_prompt_ends_the_replay_and_the_stream_keeps_the_status(azure_server, tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    conv = seeded(db)
    azure_server.enqueue(Stream(reasoning_chunks=[f"r{i} " for i in range(40)], content_chunks=["new"], delay_s=0.02))
    app, store, client = make_app(azure_server.base_url, db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.main_screen
        await screen.history.open(conv)
        await pilot.pause()
        replay = screen.review.replay
        replay.clock = FakeClock()
        replayed = screen.panes.answers.answers()[0]
        screen.set_focus(replayed)
        await pilot.press("p")
        await pilot.pause()
        assert replay.block is replayed
        screen.set_focus(screen.panes.prompt)
        screen.panes.prompt.insert("go on")
        await pilot.press("enter")
        await wait_for(pilot, lambda: replay.block is None)  # the next frame of the replay sees the stream
        assert replayed.answer == ANSWER and replayed.reasoning == REASONING
        assert screen.panes.status.model.activity in ("waiting", "thinking", "answering")  # the stream's, kept
        await wait_for(pilot, lambda: not screen.exchanges.running)
        assert screen.panes.answers.answers()[-1].answer == "new"
    store.close()
    await client.aclose()
