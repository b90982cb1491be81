"""Regenerate, alternatives (n > 1 too), interrupted / filtered answers and an unreachable endpoint."""

from __future__ import annotations

import select
import socket
import socketserver
import threading
from pathlib import Path

import pytest

from tui.llm.request import RequestDefaults
from tui.store import HistoryStore
from tui.ui.app import R1App
from tui.ui.factory import build_app
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.prompt import PromptInput

try:
    from tests.loopback import Stream
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream  # type: ignore

try:
    from tests.uihelpers import assistants, generation_over, make_app, opened, reasoning_text, wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import assistants, generation_over, make_app, opened, reasoning_text, wait_for  # type: ignore[no-redef]


def think(reasoning: str, answer: str, **kw) -> Stream:
    return Stream(content_chunks=["<think>", reasoning, "</think>", answer], **kw)


def header(block) -> str:
    return str(block.query_one(".answer-header").render())


def marker(group: AnswerGroup) -> str:
    return str(group.query_one(".alt-marker").render()) if group.has_class("-several") else ""


async def press_and_wait(pilot, app: R1App, *keys: str) -> None:
    """Press ``keys``; wait until a new answer block exists and its generation is over."""
    before = len(app.main_screen.panes.answers.all_answers())
    await pilot.press(*keys)
    await wait_for(pilot, lambda: len(app.main_screen.panes.answers.all_answers()) > before)
    await generation_over(pilot, app)


async def send(pilot, app: R1App, text: str) -> None:
    app.query_one(PromptInput).focus()
    app.query_one(PromptInput).insert(text)
    await press_and_wait(pilot, app, "enter")


async def test_regenerate_adds_an_alternative_and_cycling_follows_it(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(think("first thoughts", "Answer one."), think("second thoughts", "Answer two."))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, app, "question")
        group = app.query_one(AnswerGroup)
        assert marker(group) == ""
        app.main_screen.panes.answers.answers()[0].focus()
        await press_and_wait(pilot, app, "r")  # ask again from the focused answer
        assert len(group.blocks) == 2 and "2/2" in marker(group)
        assert [b.answer for b in app.main_screen.panes.answers.answers()] == ["Answer two."]
        assert "second thoughts" in reasoning_text(app)
        app.main_screen.panes.answers.answers()[0].focus()
        await pilot.press("less_than_sign")
        await wait_for(pilot, lambda: "1/2" in marker(group) and "first thoughts" in reasoning_text(app))
        assert [b.answer for b in app.main_screen.panes.answers.answers()] == ["Answer one."]
        assert "first thoughts" in reasoning_text(app) and "second" not in reasoning_text(app)
        await pilot.press("alt+right")
        await wait_for(pilot, lambda: "2/2" in marker(group) and "second thoughts" in reasoning_text(app))
    first, second = azure_server.requests[-2].json, azure_server.requests[-1].json
    assert first["messages"] == second["messages"] == [{"role": "user", "content": "question"}]
    answers = assistants(store)
    assert [(a.content, a.choice_index, a.selected) for a in answers] == [("Answer one.", 0, False), ("Answer two.", 1, True)]
    assert answers[0].reply_to == answers[1].reply_to
    store.close()
    await client.aclose()


async def test_follow_up_sends_the_selected_alternative_and_reopen_shows_it(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(think("alpha r", "Alpha."), think("beta r", "Beta."), think("f r", "Follow."))
    db = tmp_path / "h.db"
    app, store, client = make_app(azure_server.base_url, db)
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, app, "pick one")
        await press_and_wait(pilot, app, "ctrl+g")  # from the prompt: the last answer
        group = app.query_one(AnswerGroup)
        group.shown_block.focus()
        await pilot.press("greater_than_sign")  # wraps around to alternative 1
        await wait_for(pilot, lambda: "1/2" in marker(group) and app.main_screen.panes.answers.answers()[0].answer == "Alpha.")
        await send(pilot, app, "and then?")
    body = azure_server.requests[-1].json
    assert body["messages"] == [
        {"role": "user", "content": "pick one"},
        {"role": "assistant", "content": "Alpha."},
        {"role": "user", "content": "and then?"},
    ]
    assert "alpha r" not in str(body) and "reasoning" not in str(body)
    store.close()
    await client.aclose()

    app2, store2, client2 = make_app(azure_server.base_url, db)
    async with app2.run_test(size=(120, 40)) as pilot:
        app2.main_screen.panes.listing.focus()
        await pilot.press("enter")
        await opened(pilot, app2)
        first = app2.query(AnswerGroup).first()
        assert len(first.blocks) == 2 and "1/2" in marker(first)
        assert [b.answer for b in app2.main_screen.panes.answers.answers()] == ["Alpha.", "Follow."]
        first.shown_block.focus()
        await pilot.press("greater_than_sign")
        await wait_for(pilot, lambda: "2/2" in marker(first) and "beta r" in reasoning_text(app2))
    assert [a.selected for a in assistants(store2)][:2] == [False, True]
    store2.close()
    await client2.aclose()


async def test_n2_choices_are_alternatives(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(Stream(n=2, choice_content=[["<think>", "r0", "</think>", "A zero"], ["<think>", "r1", "</think>", "B one"]]))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    app.context.defaults = RequestDefaults(n=2)
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, app, "two")
        group = app.query_one(AnswerGroup)
        assert "1/2" in marker(group) and [b.answer for b in app.main_screen.panes.answers.answers()] == ["A zero"]
        group.shown_block.focus()
        await pilot.press("greater_than_sign")
        await wait_for(pilot, lambda: "2/2" in marker(group)
                       and [b.answer for b in app.main_screen.panes.answers.answers()] == ["B one"])
        assert "r1" in reasoning_text(app)
    answers = assistants(store)
    assert [(a.choice_index, a.selected) for a in answers] == [(0, False), (1, True)]
    assert answers[0].usage.total_tokens is not None and answers[1].usage.total_tokens is None  # usage once
    store.close()
    await client.aclose()


@pytest.mark.parametrize("script", [
    Stream(content_chunks=["<think>", "partial thought", "</think>", "Half an", " answer", " never"], cut_after=5),
    Stream(content_chunks=["<think>", "partial thought", "</think>", "Half an", " answer", " never"], error_event_after=5),
    Stream(content_chunks=["<think>", "partial thought", "</think>", "Half an", " answer"], no_finish_reason=True),
], ids=["cut", "sse-error", "no-finish-reason"])
async def test_broken_stream_is_kept_and_marked_interrupted(azure_server, tmp_path: Path, script: Stream) -> None:
    azure_server.enqueue(script)
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, app, "go")
        block = app.main_screen.panes.answers.answers()[0]
        assert block.state == "interrupted" and "interrupted" in header(block)
        assert block.answer == "Half an answer" and "partial thought" in reasoning_text(app)
        assert "interrupted" in app.main_screen.panes.status.build_text().plain
    [msg] = assistants(store)
    assert msg.state == "interrupted" and msg.content == "Half an answer" and msg.reasoning == "partial thought"
    store.close()
    await client.aclose()


async def test_content_filter_is_marked_filtered(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(think("hm", "Part", finish_reason="content_filter"))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, app, "go")
        block = app.main_screen.panes.answers.answers()[0]
        assert block.state == "filtered" and "filtered" in header(block)
        assert "content filter" in app.main_screen.panes.status.build_text().plain
    [msg] = assistants(store)
    assert msg.state == "filtered" and msg.content == "Part"
    store.close()
    await client.aclose()


class _Forwarder(socketserver.ThreadingTCPServer):
    """A TCP pipe from ``port`` to the loopback server: the endpoint "comes back"."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, target: int) -> None:
        self.target = target
        super().__init__(("127.0.0.1", port), _Pipe)


class _Pipe(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.server.target))  # type: ignore[attr-defined]
        ends = [self.request, upstream]
        try:
            while True:
                ready, _, _ = select.select(ends, [], [], 5)
                if not ready:
                    return
                for end in ready:
                    data = end.recv(65536)
                    if not data:
                        return
                    (upstream if end is self.request else self.request).sendall(data)
        finally:
            upstream.close()


async def test_unreachable_endpoint_then_back(azure_server, tmp_path: Path) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens here: connection refused
    app, store, client = make_app(f"http://127.0.0.1:{port}/openai/v1/", tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, app, "anyone there?")
        block = app.main_screen.panes.answers.answers()[0]
        assert block.state == "failed"
        text = app.main_screen.panes.status.build_text().plain
        assert "endpoint unreachable — history still browsable" in text
        assert app.main_screen.panes.listing.option_count == 1  # history still there
        forwarder = _Forwarder(port, azure_server.port)
        thread = threading.Thread(target=forwarder.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            azure_server.enqueue(think("back", "Hello again."))
            await press_and_wait(pilot, app, "ctrl+g")
            assert app.main_screen.panes.answers.answers()[0].answer == "Hello again."
            assert "unreachable" not in app.main_screen.panes.status.build_text().plain
        finally:
            forwarder.shutdown()
            forwarder.server_close()
    states = [a.state for a in assistants(store)]
    assert states == ["failed", "complete"]
    store.close()
    await client.aclose()


async def test_prompt_jump_focuses_the_displayed_alternative(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    conv = store.create_conversation("alts")
    user = store.add_user_message(conv, "question")
    for choice, text in enumerate(("Alt one.", "Alt two.")):
        msg = store.begin_answer(conv, user, model="m", deployment="dep", endpoint_host="h", choice_index=choice)
        store.update_answer(msg, answer=text, reasoning="r", state="complete", finish_reason="stop")
    app = build_app(client=None, store=store, defaults=RequestDefaults())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.query(AnswerGroup) and len(app.query_one(AnswerGroup).blocks) == 2)
        group = app.query_one(AnswerGroup)
        group.blocks[group.index].focus()
        if group.index == 0:
            await pilot.press(">")
            await wait_for(pilot, lambda: group.index == 1)
        assert not group.blocks[0].display  # the first alternative is hidden
        await pilot.press("{")
        await pilot.pause()
        assert app.focused is group.blocks[1] and app.focused.display
    store.close()
