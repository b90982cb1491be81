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


# --- the session's own rules, without a server --------------------------------------------------

from dataclasses import replace as _replace  # noqa: E402

from tui.chat.context import estimate_tokens  # noqa: E402
from tui.chat.tree import ConversationTree  # noqa: E402
from tui.llm.request import RequestDefaults  # noqa: E402
from tui.store import StoreError  # noqa: E402
from tui.metrics import Usage  # noqa: E402

try:
    from tests.helpers import message
except ImportError:  # tests/ itself on sys.path
    from helpers import message  # type: ignore[no-redef]


def test_opening_needs_a_history_and_a_known_id(tmp_path: Path) -> None:
    with pytest.raises(SessionError) as caught:
        Session(client=None).open("c")
    assert str(caught.value) == "no history to open conversations from"
    with pytest.raises(SessionError) as caught:
        Session(client=None).open_latest()
    assert str(caught.value) == "no history to open conversations from"
    with HistoryStore.open(tmp_path / "h.db") as store:
        session = Session(client=None, store=store)
        with pytest.raises(SessionError) as caught:
            session.open_latest()
        assert str(caught.value) == "there is no conversation to continue yet"
        older = store.create_conversation("older")
        newer = store.create_conversation("newer")
        store.add_user_message(newer, "touch")
        with pytest.raises(StoreError, match="no conversation id starts with 'zz-no-such'"):
            session.open("zz-no-such")
        assert session.open_latest().conversation_id == newer and session.conversation_id == newer
        assert session.open(older).title == "older"
        session.start_new()
        assert session.tree is None and session.conversation_id is None


def test_asking_needs_an_endpoint_and_an_open_prompt() -> None:
    session = Session(client=None)
    for call, what in ((lambda: session.send("q"), "send a prompt"), (lambda: session.regenerate("p"), "ask again"),
                       (lambda: session.edit("p", "q"), "send an edited prompt")):
        with pytest.raises(SessionError) as caught:
            call()
        assert str(caught.value) == f"cannot {what}: no endpoint (read-only history)"


async def test_only_prompts_are_asked_again_or_edited(azure_server) -> None:
    client = ChatClient(endpoint_for(azure_server.base_url))
    try:
        session = Session(client=client)
        for call in (lambda: session.regenerate("p"), lambda: session.edit("p", "x"), lambda: session.select("p")):
            with pytest.raises(SessionError) as caught:
                call()
            assert str(caught.value) == "no conversation is open"
        session.tree = ConversationTree("c", "t", [message("q", "user", "q"), message("a", "assistant", "a", "q")])
        with pytest.raises(SessionError) as caught:
            session.regenerate("a")
        assert str(caught.value) == "only a prompt can be asked again"
        with pytest.raises(SessionError) as caught:
            session.edit("a", "x")
        assert str(caught.value) == "only a prompt can be edited"
    finally:
        await client.aclose()


async def test_a_streaming_answer_blocks_what_would_change_the_conversation(engine) -> None:
    session, server, _ = engine
    server.enqueue(Stream(content_chunks=["<think>", "r", "</think>", "live"] + ["."] * 40, delay_s=0.01))
    exchange = session.send("q")
    seen_text = asyncio.Event()

    def listen(update: object) -> None:
        if session.text_of(exchange.message_ids.get(0, "")) != ("", ""):
            seen_text.set()

    task = asyncio.create_task(exchange.run(listen))
    await asyncio.wait_for(seen_text.wait(), timeout=30)
    assert session.busy
    msg_id = exchange.message_ids[0]
    reasoning, answer_so_far = session.text_of(msg_id)
    assert reasoning == "r" or answer_so_far.startswith("live")  # live, from the transcript
    for call, what in ((lambda: session.open("x"), "open another conversation"),
                       (session.start_new, "start a new conversation"), (lambda: session.send("again"), "ask")):
        with pytest.raises(SessionError) as caught:
            call()
        assert str(caught.value) == f"an answer is streaming: stop it before you {what}"
    await task
    assert not session.busy
    assert session.text_of(msg_id) == ("r", "live" + "." * 40)  # stored in the tree now
    assert session.text_of("no-such-message") == ("", "")


def test_text_of_a_stored_prompt_has_no_reasoning() -> None:
    session = Session(client=None)
    assert session.text_of("q") == ("", "")
    session.tree = ConversationTree("c", "t", [message("q", "user", "the prompt")])
    assert session.text_of("q") == ("", "the prompt")


def test_next_context_tokens_counts_from_the_last_reported_prompt() -> None:
    assert Session(client=None).next_context_tokens() == 0
    assert Session(client=None, defaults=RequestDefaults(system="s" * 40)).next_context_tokens() == 14
    session = Session(client=None, defaults=RequestDefaults(system="s" * 40))
    counted = _replace(message("a1", "assistant", "a" * 40, "q1"), usage=Usage(prompt_tokens=500))
    session.tree = ConversationTree("c", "t", [
        message("q1", "user", "q" * 40), counted, message("q2", "user", "w" * 80, "a1"),
        message("a2", "assistant", "b" * 40, "q2")])
    assert session.next_context_tokens() == 500 + estimate_tokens("a" * 40) + estimate_tokens("w" * 80) + estimate_tokens("b" * 40)
    unreported = Session(client=None, defaults=RequestDefaults(system="s" * 40))
    unreported.tree = ConversationTree("c", "t", [message("q1", "user", "q" * 40), message("a1", "assistant", "a" * 40, "q1"),
                                                   message("q2", "user", "x" * 8, "a1")])
    assert unreported.next_context_tokens() == 14 + 14 + 14  # the system prompt and the one answered turn
    empty = Session(client=None)
    empty.tree = ConversationTree("c", "t")
    assert empty.next_context_tokens() == 0


# --- the recorder on its own: events in, rows out ------------------------------------------------

from tui.chat.recorder import Recorder  # noqa: E402
from tui.chat.transcript import Transcript  # noqa: E402
from tui.llm.endpoint import EndpointSettings  # noqa: E402
from tui.llm.events import AnswerDelta, Failed, Finished, ReasoningDelta, Reclassified, Started, Usage  # noqa: E402
from tui.metrics import Prices  # noqa: E402


class _Clock:
    def __init__(self) -> None:
        self.now = 10.0

    def __call__(self) -> float:
        self.now += 0.5
        return self.now


def record(tmp_path: Path, events: list[object], *, choices: tuple[int, ...] = (0, 1), base: int = 2,
           prices: Prices | None = Prices(1.0, 2.0)) -> tuple[dict[int, object], list[str]]:
    """Run ``events`` through a recorder into a fresh history; the stored answers by choice, and the ids."""
    db = tmp_path / "rec.db"
    writer = BackgroundWriter(db, interval_s=0.01)
    try:
        writer.create_conversation("conv1", "t").result(5)
        writer.add_prompt("conv1", "prompt1", "q", None, ()).result(5)
        endpoint = EndpointSettings("https://res.openai.azure.com/openai/v1/", "my-dep", "none")
        recorder = Recorder(writer, "conv1", "prompt1", endpoint, choice_base=base, prices=prices)
        transcript = Transcript(clock=_Clock())
        ids = [f"answer{c}" for c in choices]
        for choice, msg_id in zip(choices, ids):
            recorder.open(choice, msg_id)
        recorder.open(choices[0], "ignored-second-open")
        for event in events:
            transcript.apply(event)  # type: ignore[arg-type]
            recorder.on_event(event)  # type: ignore[arg-type]
        recorder.finish(transcript)
        writer.flush().result(5)
    finally:
        writer.close()
    with HistoryStore.open(db, read_only=True) as store:
        stored = {c: store.get_message(msg_id) for c, msg_id in zip(choices, ids)}
        timelines = [store.get_timeline(msg_id) for msg_id in ids]
    assert all(t is not None for t in timelines)
    return stored, ids


def test_the_recorder_saves_each_choice_with_its_own_text_and_the_request_usage_once(tmp_path: Path) -> None:
    stored, _ = record(tmp_path, [Started("model-x"), ReasoningDelta("r0", 0), AnswerDelta("a0", 0),
                                  ReasoningDelta("r1", 1), AnswerDelta("a1", 1), ReasoningDelta("x", 7),
                                  Usage(1_000_000, 1_000_000, 2_000_000, 5), Finished("stop", 0), Finished("length", 1)])
    first, second = stored[0], stored[1]
    assert (first.reasoning, first.content, first.state, first.finish_reason) == ("r0", "a0", "complete", "stop")
    assert (second.reasoning, second.content, second.finish_reason) == ("r1", "a1", "length")
    assert (first.choice_index, second.choice_index) == (2, 3)
    assert (first.model, first.deployment, first.endpoint_host) == ("model-x", "my-dep", "res.openai.azure.com")
    assert first.usage.prompt_tokens == 1_000_000 and second.usage.prompt_tokens is None
    assert first.cost == 3.0 and second.cost is None
    assert first.error is None and first.timing.total_s is not None


def test_the_recorder_keeps_a_reclassification_and_a_failure(tmp_path: Path) -> None:
    stored, _ = record(tmp_path, [ReasoningDelta("Hello", 0, True), Reclassified("", "Hello", 0), AnswerDelta("!", 0),
                                  Failed("server", "boom", "try later")], choices=(0,), base=0, prices=None)
    answer = stored[0]
    assert (answer.reasoning, answer.content, answer.state) == ("", "Hello!", "interrupted")
    assert answer.error is not None and (answer.error.kind, answer.error.message, answer.error.hint) == (
        "server", "boom", "try later")
    assert answer.cost is None and answer.choice_index == 0
    failed, _ = record(tmp_path / "f", [Failed("auth", "401")], choices=(0,), base=0)
    assert failed[0].state == "failed" and failed[0].error.hint is None and failed[0].cost is None
    assert failed[0].model is None


def test_the_model_named_first_is_kept(tmp_path: Path) -> None:
    stored, _ = record(tmp_path, [Started("first"), Started(None), AnswerDelta("a", 0), Finished("stop", 0)],
                       choices=(0,), base=0)
    assert stored[0].model == "first"


# --- the exchange with a scripted client ---------------------------------------------------------

from tui.chat.exchange import Exchange  # noqa: E402
from tui.llm.request import ChatRequest, Turn  # noqa: E402


class ScriptedClient:
    """Stands in for ChatClient.stream: yields the given events, then raises ``error`` if set."""

    def __init__(self, events: list[object], error: Exception | None = None) -> None:
        self.events, self.error = events, error
        self.endpoint = EndpointSettings("https://h.example/v1/", "d", "none")

    async def stream(self, request: ChatRequest):  # type: ignore[no-untyped-def]
        for event in self.events:
            yield event
        if self.error is not None:
            raise self.error


def exchange_for(client: ScriptedClient) -> Exchange:
    return Exchange(client, ChatRequest((Turn("user", "q"),)), prompt_id="p")  # type: ignore[arg-type]


async def test_an_async_listener_is_awaited_and_each_choice_opens_once() -> None:
    updates: list[object] = []

    async def listener(update: object) -> None:
        await asyncio.sleep(0)
        updates.append(update)

    exchange = exchange_for(ScriptedClient([AnswerDelta("a", 0), AnswerDelta("b", 1), AnswerDelta("c", 1),
                                            Finished("stop", 0), Finished("stop", 1)]))
    transcript = await exchange.run(listener)
    opened = [u for u in updates if isinstance(u, AnswerOpened)]
    assert [o.choice for o in opened] == [0, 1] and set(exchange.message_ids) == {0, 1}
    assert updates[-1] == ExchangeEnded({0: "complete", 1: "complete"})
    assert transcript.state == "complete" and exchange.ended


async def test_an_unexpected_error_ends_the_exchange_as_failed_with_the_text_kept() -> None:
    updates: list[object] = []
    exchange = exchange_for(ScriptedClient([AnswerDelta("partial", 0)], ValueError("bad chunk")))
    transcript = await exchange.run(updates.append)
    assert transcript.failure == Failed("server", "unexpected error: ValueError: bad chunk")
    assert transcript.choice(0).answer == "partial" and transcript.state == "interrupted"
    assert updates[-2] == transcript.failure and updates[-1] == ExchangeEnded({0: "interrupted"})


def test_a_fork_stores_every_field_of_the_copied_path(tmp_path: Path) -> None:
    from tui.metrics import Timing as TimingRecord
    from tui.metrics import Usage as UsageRecord
    from tui.store import Attachment

    path = tmp_path / "fork.db"
    with HistoryStore.open(path) as seed:
        cid = seed.create_conversation("Original")
        files = (Attachment("notes.txt", "some notes"),)
        uid = seed.add_user_message(cid, "question", attachments=files)
        aid = seed.begin_answer(cid, uid, model="R1", deployment="dep", endpoint_host="host.example", choice_index=2)
        seed.update_answer(aid, answer="answer", reasoning="why", state="stopped", finish_reason="length",
                           usage=UsageRecord(1, 2, 3, 4, False, True), timing=TimingRecord(0.5, 1.5, 2.5), cost=0.25)
        u2 = seed.add_user_message(cid, "follow-up", parent_id=aid)
        live = seed.begin_answer(cid, u2, model=None, deployment=None, endpoint_host=None)
        seed.update_answer(live, answer="partial", reasoning="", state="streaming")
    store = HistoryStore.open(path)
    writer = BackgroundWriter(path, interval_s=3600)
    try:
        session = Session(client=None, store=store, writer=writer)
        session.open(cid)
        forked = session.fork()
        writer.flush().result(5)
        original = {m.content: m for m in store.get_conversation(cid).messages}
        copied = {m.content: m for m in store.get_conversation(forked.conversation_id).messages}
        assert store.get_conversation(forked.conversation_id).title == "Original (fork)"
        assert sorted(copied) == sorted(original) == ["answer", "follow-up", "partial", "question"]
        q, a = copied["question"], copied["answer"]
        assert q.attachments == files and q.parent_id is None and q.id != uid
        assert (a.model, a.deployment, a.endpoint_host, a.choice_index) == ("R1", "dep", "host.example", 2)
        assert (a.reasoning, a.state, a.finish_reason, a.cost) == ("why", "stopped", "length", 0.25)
        assert a.usage == UsageRecord(1, 2, 3, 4, False, True) and a.timing == TimingRecord(0.5, 1.5, 2.5)
        assert a.parent_id == q.id == a.reply_to and copied["follow-up"].parent_id == a.id
        assert copied["partial"].state == "interrupted"  # a copy never claims to be streaming
        assert copied["partial"].reasoning == ""
    finally:
        writer.close()
        store.close()


def test_next_context_tokens_from_the_last_answer_and_with_attachments() -> None:
    from tui.chat.attachments import compose
    from tui.metrics import Usage as UsageRecord
    from tui.store import Attachment

    counted = _replace(message("a1", "assistant", "a" * 40, "q1"), usage=UsageRecord(prompt_tokens=500))
    last = Session(client=None)
    last.tree = ConversationTree("c", "t", [message("q1", "user", "q" * 40), counted])
    assert last.next_context_tokens() == 500 + estimate_tokens("a" * 40)  # the counted answer ends the path
    files = (Attachment("f.txt", "x" * 400),)
    with_files = _replace(message("q2", "user", "w" * 8, "a1"), attachments=files)
    longer = Session(client=None)
    longer.tree = ConversationTree("c", "t", [message("q1", "user", "q" * 40), counted, with_files,
                                              message("a2", "assistant", "b" * 4, "q2"),
                                              message("q3", "user", "z" * 4, "a2")])
    assert longer.next_context_tokens() == (500 + estimate_tokens("a" * 40) + estimate_tokens(compose("w" * 8, files))
                                            + estimate_tokens("b" * 4) + estimate_tokens("z" * 4))


def test_opening_a_conversation_that_vanished_says_so(tmp_path: Path, monkeypatch) -> None:
    with HistoryStore.open(tmp_path / "h.db") as store:
        cid = store.create_conversation("soon gone")
        monkeypatch.setattr(store, "get_conversation", lambda conv_id: None)  # deleted between the two reads
        with pytest.raises(SessionError) as info:
            Session(client=None, store=store).open(cid)
        assert str(info.value) == f"no conversation with id {cid!r}"


def test_a_fork_is_refused_while_an_answer_streams_and_copies_are_not_selected() -> None:
    session = Session(client=None)
    session.tree = ConversationTree("c", "t", [message("q1", "user", "q"),
                                               message("a1", "assistant", "a", "q1", selected=True)])
    forked = session.fork()
    assert [m.selected for m in forked.active_path()] == [False, False]
    assert [m.parent_id for m in forked.active_path()] == [None, forked.active_path()[0].id]

    class Streaming:
        ended = False

    session.exchange = Streaming()  # type: ignore[assignment]
    with pytest.raises(SessionError) as info:
        session.fork()
    assert str(info.value) == "an answer is streaming: stop it before you fork the conversation"


async def test_prompts_keep_their_attachments_and_an_edit_keeps_or_replaces_them(engine) -> None:
    from tui.chat.attachments import MAX_PROMPT_CHARS, AttachmentError
    from tui.store import Attachment

    session, server, db = engine
    server.enqueue(answer("A1"), answer("A2"), answer("A3"))
    files = (Attachment("f.txt", "FILE-TEXT"),)
    first = session.send("question", files)
    await first.run(lambda update: None)
    edited = session.edit(first.prompt_id, "edited")
    await edited.run(lambda update: None)
    assert "FILE-TEXT" in sent_messages(server)[-1]["content"]
    bare = session.edit(first.prompt_id, "bare", attachments=())
    await bare.run(lambda update: None)
    assert "FILE-TEXT" not in str(sent_messages(server)[-1])
    with pytest.raises(AttachmentError):
        session.edit(first.prompt_id, "too big", attachments=(Attachment("big.txt", "x" * MAX_PROMPT_CHARS),))
    session.writer.flush().result(5)
    with HistoryStore.open(db, read_only=True) as store:
        stored = {m.content: m.attachments for m in store.get_conversation(session.conversation_id).messages
                  if m.role == "user"}
    assert stored == {"question": files, "edited": files, "bare": ()}


async def test_answers_fold_into_the_tree_as_they_are_stored(azure_server, tmp_path: Path) -> None:
    """Two choices, then a regeneration: each answer's deployment, host, choice index, usage and cost
    (the request's, on its first choice only) are the same in the open tree and in the history."""
    db = tmp_path / "fold.db"
    client = ChatClient(endpoint_for(azure_server.base_url))
    writer = BackgroundWriter(db, interval_s=0.05)
    store = HistoryStore.open(db, read_only=True)
    session = Session(client=client, writer=writer, store=store, prices=Prices(1.0, 2.0),
                      defaults=RequestDefaults(system="be brief", max_tokens=50, n=2), context_window=10_000)
    usage = {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500}
    try:
        azure_server.enqueue(Stream(n=2, choice_content=[["first"], ["second"]], usage=usage),
                             Stream(content_chunks=["third"], usage=usage))
        exchange = session.send("question")
        await exchange.run(lambda update: None)
        assert exchange.plan.estimated_tokens == estimate_tokens("question") + estimate_tokens("be brief")
        again = session.regenerate(exchange.prompt_id)
        await again.run(lambda update: None)
        writer.flush().result(5)
        endpoint = client.endpoint
        in_tree = {m.content: m for m in session.tree.answers_to(exchange.prompt_id)}
        stored = {m.content: m for m in store.get_conversation(session.conversation_id).messages
                  if m.role == "assistant"}
        assert sorted(in_tree) == sorted(stored) == ["first", "second", "third"]
        for text, index, cost in [("first", 0, 0.002), ("second", 1, None), ("third", 2, 0.002)]:
            for m in (in_tree[text], stored[text]):
                assert (m.deployment, m.endpoint_host, m.choice_index, m.cost) == (
                    endpoint.deployment, endpoint.label, index, cost), (text, m)
                assert (m.usage.prompt_tokens is not None) == (cost is not None)
        assert session.tree.active_path()[-1].content == "third"  # a regeneration is selected
    finally:
        writer.close()
        store.close()
        await client.aclose()


def test_a_prompt_too_large_with_its_attachments_is_refused_before_sending() -> None:
    from tui.chat.attachments import MAX_PROMPT_CHARS, AttachmentError
    from tui.store import Attachment

    session = Session(client=ChatClient(endpoint_for("http://127.0.0.1:9/v1")))
    with pytest.raises(AttachmentError):
        session.send("q", (Attachment("big.txt", "x" * MAX_PROMPT_CHARS),))
    assert session.tree is None


def test_while_streaming_the_history_holds_the_text_so_far(tmp_path: Path) -> None:
    """Before the answer ends (a kill -9 would leave this): the streamed text, the model named first,
    a reclassification's replaced text; choices the recorder did not open are not written."""
    db = tmp_path / "live.db"
    writer = BackgroundWriter(db, interval_s=3600)
    try:
        writer.create_conversation("conv1", "t").result(5)
        writer.add_prompt("conv1", "prompt1", "q", None, ()).result(5)
        endpoint = EndpointSettings("https://res.openai.azure.com/openai/v1/", "my-dep", "none")
        recorder = Recorder(writer, "conv1", "prompt1", endpoint)
        recorder.on_event(Started("model-x"))
        recorder.on_event(Started(None))
        recorder.open(0, "a0")
        recorder.open(1, "a1")
        for event in [ReasoningDelta("think ", 0), ReasoningDelta("more", 0), AnswerDelta("answer", 0),
                      AnswerDelta("wrong", 1), Reclassified("", "all answer", 1), AnswerDelta("!", 1),
                      AnswerDelta("nobody's", 5), ReasoningDelta("nobody's", 5), Reclassified("x", "y", 5)]:
            recorder.on_event(event)  # type: ignore[arg-type]
        writer.flush().result(5)
        with HistoryStore.open(db, read_only=True) as store:
            a0, a1 = store.get_message("a0"), store.get_message("a1")
            assert (a0.state, a0.reasoning, a0.content, a0.model) == ("streaming", "think more", "answer", "model-x")
            assert (a1.reasoning, a1.content, a1.model) == ("", "all answer!", "model-x")
            assert len(store.get_conversation("conv1").messages) == 3
    finally:
        writer.close()


def test_a_choice_that_ended_before_the_request_failed_keeps_no_error(tmp_path: Path) -> None:
    stored, _ = record(tmp_path, [AnswerDelta("done", 0), Finished("stop", 0), AnswerDelta("cut", 1),
                                  Failed("server", "boom", "try later")], choices=(0, 1), base=0, prices=None)
    assert stored[0].state == "complete" and stored[0].error is None
    assert stored[1].state in ("interrupted", "failed") and stored[1].error is not None


def test_recall_and_title_through_the_session(tmp_path: Path) -> None:
    assert Session(client=None).recent_prompts() == [] and Session(client=None).matching_prompts("x") == []
    assert Session(client=None).title == ""
    with HistoryStore.open(tmp_path / "r.db") as store:
        conv = store.create_conversation("Recall")
        for i in range(110):
            store.add_user_message(conv, f"prompt {i}")
        session = Session(client=None, store=store)
        assert session.recent_prompts()[:2] == ["prompt 109", "prompt 108"] and len(session.recent_prompts()) == 100
        assert session.recent_prompts(2, 1) == ["prompt 108", "prompt 107"]
        assert len(session.matching_prompts("prompt")) == 20 and session.matching_prompts("prompt 5 ", 1) == ["prompt 5"]
        session.open(conv)
        assert session.title == "Recall"


def test_a_prompt_of_attachments_alone_is_named_after_them() -> None:
    from tui.store import Attachment

    session = Session(client=ChatClient(endpoint_for("http://127.0.0.1:9/v1")))
    session.send("  ", (Attachment("a.txt", "x"), Attachment("b.md", "y")))
    assert session.title == "a.txt, b.md"
    named = Session(client=ChatClient(endpoint_for("http://127.0.0.1:9/v1")))
    named.send("the question", (Attachment("a.txt", "x"),))
    assert named.title == "the question"
