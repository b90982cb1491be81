"""The conversation engine end to end: a session against the loopback server, saving through the writer.

The request bodies are read at the server, so what the model receives is checked on the wire.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tui.chat.exchange import AnswerOpened, ExchangeEnded
from tui.chat.session import Session, SessionError
from tui.llm.client import ChatClient
from tui.store import HistoryStore
from tui.store.background import BackgroundWriter

try:
    from tests.helpers import endpoint_for
    from tests.loopback import Stream
except ImportError:  # tests/ itself on sys.path
    from helpers import endpoint_for  # type: ignore[no-redef]
    from loopback import Stream  # type: ignore[no-redef]


def answer(text: str, reasoning: str = "thinking") -> Stream:
    return Stream(content_chunks=["<think>", reasoning, "</think>", text])


@pytest.fixture
async def engine(azure_server, tmp_path: Path):
    client = ChatClient(endpoint_for(azure_server.base_url))
    writer = BackgroundWriter(tmp_path / "h.db", interval_s=0.05)
    store = HistoryStore.open(tmp_path / "h.db", read_only=True)
    session = Session(client=client, writer=writer, store=store)
    yield session, azure_server, tmp_path / "h.db"
    writer.close()
    store.close()
    await client.aclose()


def sent_messages(server, index: int = -1) -> list[dict]:
    return server.requests[index].json["messages"]


def stored_path(db: Path, conv_id: str) -> list[tuple[str, str]]:
    """(role, content) along the active path of the stored conversation, as a fresh session sees it."""
    with HistoryStore.open(db, read_only=True) as store:
        fresh = Session(client=None, store=store)
        tree = fresh.open(conv_id)
    return [(m.role, m.content) for m in tree.active_path()]


async def test_follow_ups_send_answers_never_reasoning(engine) -> None:
    session, server, db = engine
    server.enqueue(answer("391", reasoning="SECRET-REASONING"), answer("It is prime? No."))
    updates: list[object] = []
    first = session.send("What is 17 * 23?")
    await first.run(updates.append)
    assert isinstance(updates[0], AnswerOpened) and isinstance(updates[-1], ExchangeEnded)
    assert updates[-1].states == {0: "complete"}
    second = session.send("Is it prime?")
    await second.run()
    assert sent_messages(server) == [
        {"role": "user", "content": "What is 17 * 23?"}, {"role": "assistant", "content": "391"},
        {"role": "user", "content": "Is it prime?"}]
    assert "SECRET" not in str(server.requests[-1].json)
    session.writer.flush().result(5)
    assert stored_path(db, session.conversation_id) == [
        ("user", "What is 17 * 23?"), ("assistant", "391"), ("user", "Is it prime?"),
        ("assistant", "It is prime? No.")]


async def test_regenerate_asks_with_the_same_context_and_selects_the_new_answer(engine) -> None:
    session, server, db = engine
    server.enqueue(answer("A1"), answer("B1"), answer("B2"))
    await session.send("one").run()
    await session.send("two").run()
    prompt_two = session.tree.active_path()[2].id
    await session.regenerate(prompt_two).run()
    assert sent_messages(server, 1) == sent_messages(server, 2)  # the same context, asked again
    assert [a.content for a in session.tree.answers_to(prompt_two)] == ["B1", "B2"]
    assert [a.choice_index for a in session.tree.answers_to(prompt_two)] == [0, 1]
    assert session.tree.leaf().content == "B2"
    session.writer.flush().result(5)
    assert stored_path(db, session.conversation_id)[-1] == ("assistant", "B2")


async def test_edit_branches_from_the_prompt_and_the_branch_is_active_after_reopening(engine) -> None:
    session, server, db = engine
    server.enqueue(answer("A1"), answer("A2"), answer("A2 edited"), answer("A3"))
    await session.send("one").run()
    await session.send("two").run()
    prompt_two = session.tree.active_path()[2].id
    await session.edit(prompt_two, "two, better").run()
    assert sent_messages(server) == [
        {"role": "user", "content": "one"}, {"role": "assistant", "content": "A1"},
        {"role": "user", "content": "two, better"}]
    await session.send("three").run()
    assert [m["content"] for m in sent_messages(server)] == ["one", "A1", "two, better", "A2 edited", "three"]
    session.writer.flush().result(5)
    assert [c for _, c in stored_path(db, session.conversation_id)] == ["one", "A1", "two, better", "A2 edited",
                                                                        "three", "A3"]
    session.select(prompt_two)  # flip back to the first branch: its later turns come back
    session.writer.flush().result(5)
    assert [c for _, c in stored_path(db, session.conversation_id)] == ["one", "A1", "two", "A2"]


async def test_stopping_keeps_the_partial_answer_saved_as_stopped(engine) -> None:
    session, server, db = engine
    server.enqueue(Stream(content_chunks=["<think>", "slow"] + ["."] * 400, delay_s=0.02))
    exchange = session.send("take your time")
    seen = asyncio.Event()

    def on_update(update: object) -> None:
        if exchange.transcript.reasoning_chars > 5:
            seen.set()

    task = asyncio.create_task(exchange.run(on_update))
    await asyncio.wait_for(seen.wait(), 10)
    live_reasoning, _ = session.text_of(exchange.message_ids[0])
    assert live_reasoning.startswith("slow")  # the live text comes from the exchange's transcript
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    session.writer.flush().result(5)
    with HistoryStore.open(db, read_only=True) as store:
        saved = store.get_message(exchange.message_ids[0])
    assert saved.state == "stopped" and saved.reasoning.startswith("slow.")
    assert session.text_of(saved.id) == (saved.reasoning, saved.content)  # folded into the tree


async def test_one_exchange_at_a_time_and_no_endpoint_is_read_only(engine) -> None:
    session, server, _ = engine
    server.enqueue(Stream(content_chunks=["a"] * 50, delay_s=0.01))
    exchange = session.send("q")
    task = asyncio.create_task(exchange.run())
    await asyncio.sleep(0)
    with pytest.raises(SessionError, match="streaming"):
        session.send("again")
    await task
    with pytest.raises(SessionError, match="no endpoint"):
        Session(client=None).send("q")


async def test_without_a_writer_nothing_is_saved_but_the_tree_works(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(answer("x"), answer("y"))
    client = ChatClient(endpoint_for(azure_server.base_url))
    try:
        session = Session(client=client)
        first = await session.send("q1").run()
        assert first.choice(0).answer == "x"
        await session.send("q2").run()
        assert [m["content"] for m in sent_messages(azure_server)] == ["q1", "x", "q2"]
        assert session.conversation_id is not None and session.exchange.conversation_id is None
    finally:
        await client.aclose()
    assert not (tmp_path / "data").exists()


async def test_context_window_leaves_out_old_turns_with_a_plan(engine) -> None:
    session, server, _ = engine
    session.context_window = 120  # 90 %: 108 tokens; one earlier pair alone is ~110
    server.enqueue(answer("a" * 400), answer("b" * 400), answer("c"))
    await session.send("first").run()
    await session.send("second").run()
    exchange = session.send("third")
    await exchange.run()
    assert exchange.plan is not None and exchange.plan.turns_left_out == 2
    assert exchange.plan.notice == "2 earlier turns not sent: context"
    assert sent_messages(server) == [{"role": "user", "content": "third"}]


async def test_every_answer_is_saved_with_its_timeline(engine) -> None:
    from tui.trace.timeline import decode

    session, server, db = engine
    server.enqueue(Stream(content_chunks=["<think>", "step one. ", "step two. ", "</think>", "done"], delay_s=0.01))
    exchange = session.send("q")
    await exchange.run()
    session.writer.flush().result(5)
    with HistoryStore.open(db, read_only=True) as store:
        stored = store.get_timeline(exchange.message_ids[0])
    assert stored is not None
    timeline = decode(stored)
    last = timeline.samples[-1]
    assert (last.reasoning, last.answer) == (len("step one. step two."), len("done"))
    assert timeline.first_token_s is not None and timeline.first_token_s <= last.t


async def test_fork_copies_the_active_path_into_a_new_conversation(engine) -> None:
    session, server, db = engine
    server.enqueue(answer("A1"), answer("A1 again"), answer("A2"), answer("after the fork"))
    await session.send("one").run()
    first_prompt = session.tree.active_path()[0].id
    await session.regenerate(first_prompt).run()  # two alternatives; the second is active
    await session.send("two").run()
    original = session.conversation_id
    assert session.branch_position(session.tree.active_path()[1].id) == (2, 2)
    forked = session.fork()
    assert forked.conversation_id != original
    assert [m.content for m in forked.active_path()] == ["one", "A1 again", "two", "A2"]
    await session.send("three").run()
    assert [m["content"] for m in sent_messages(server)] == ["one", "A1 again", "two", "A2", "three"]
    session.writer.flush().result(5)
    assert [c for _, c in stored_path(db, forked.conversation_id)] == ["one", "A1 again", "two", "A2", "three",
                                                                       "after the fork"]
    assert [c for _, c in stored_path(db, original)] == ["one", "A1 again", "two", "A2"]  # untouched


async def test_recent_and_matching_prompts_for_recall(engine) -> None:
    session, server, db = engine
    for text in ("alpha question", "beta question", "alpha question", "gamma"):
        server.enqueue(answer("x"))
        await session.send(text).run()
    session.writer.flush().result(5)
    with HistoryStore.open(db, read_only=True) as store:
        assert store.recent_prompts() == ["gamma", "alpha question", "beta question"]
        assert store.recent_prompts(limit=1, offset=1) == ["alpha question"]
        assert store.matching_prompts("ques") == ["alpha question", "beta question"]
        assert store.matching_prompts("   ") == []
