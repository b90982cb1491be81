"""Streaming edge cases: reclassification, n > 1, failures, retries, notices, long traces, quitting."""

from __future__ import annotations

import time
from pathlib import Path

from tui.llm.request import RequestDefaults
from tui.ui.widgets.prompt import PromptInput
from tui.ui.widgets.reasoning_log import MARGIN, ReasoningLog

try:
    from tests.loopback import AZURE_401_BODY, ErrorResponse, Stream
except ImportError:  # tests/ itself on sys.path
    from loopback import AZURE_401_BODY, ErrorResponse, Stream  # type: ignore

try:
    from tests.uihelpers import generating, generation_over, make_app, reasoning_text, send_and_wait, wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import (  # type: ignore[no-redef]
        generating, generation_over, make_app, reasoning_text, send_and_wait, wait_for)


async def test_reclassified_moves_provisional_reasoning_to_the_answer(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(Stream(content_chunks=["Just", " a plain", " answer."]))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_wait(pilot, app, "hi")
        block = app.main_screen.panes.answers.answers()[0]
        assert block.answer == "Just a plain answer."
        assert "Just a plain answer." in block.markdown.text
        assert reasoning_text(app) == ""
    msg = store.get_conversation(store.list_conversations()[0].id).messages[1]
    assert msg.content == "Just a plain answer." and not msg.reasoning
    store.close()
    await client.aclose()


async def test_n2_saves_each_choice(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(
        Stream(n=2, choice_content=[["<think>", "r0", "</think>", "A zero"], ["<think>", "r1", "</think>", "B one"]])
    )
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    app.context.defaults = RequestDefaults(n=2)
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_wait(pilot, app, "two please")
        answers = app.main_screen.panes.answers.all_answers()  # n > 1: alternatives, one displayed at a time
        assert [a.answer for a in answers] == ["A zero", "B one"]
        assert [a.answer for a in app.main_screen.panes.answers.answers()] == ["A zero"]
        assert "r0" in reasoning_text(app)
    messages = store.get_conversation(store.list_conversations()[0].id).messages
    got = sorted((m.choice_index, m.content, m.reasoning, m.state) for m in messages if m.role == "assistant")
    assert got == [(0, "A zero", "r0", "complete"), (1, "B one", "r1", "complete")]
    assert azure_server.requests[-1].json["n"] == 2
    store.close()
    await client.aclose()


async def test_failure_before_output_keeps_prompt_and_shows_hint(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(ErrorResponse(401, AZURE_401_BODY))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_wait(pilot, app, "hello?")
        block = app.main_screen.panes.answers.answers()[0]
        assert block.state == "failed"
        status = app.main_screen.panes.status.build_text().plain
        assert "auth:" in status
        assert "failed" in str(block.query_one(".answer-header").render())
    messages = store.get_conversation(store.list_conversations()[0].id).messages
    assert messages[0].content == "hello?" and messages[1].state == "failed"
    store.close()
    await client.aclose()


async def test_long_reasoning_without_blank_lines_stays_in_small_blocks(azure_server, tmp_path: Path) -> None:
    words = [f"word{i} " + ("and so. " if i % 7 == 0 else "") for i in range(6000)]
    azure_server.enqueue(Stream(reasoning_chunks=words, content_chunks=["done"]))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db", low_bandwidth=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_wait(pilot, app, "think long")
        log = app.query_one(ReasoningLog)
        width = log.scrollable_content_region.width
        assert len(log.rows) > 100 and all(len(row.rstrip("\n ")) <= width for row in log.rows)
        text = reasoning_text(app)
        assert "word0 " in text and "word5999" in text
        await wait_for(pilot, lambda: "word5999" in "".join(log.render_line(y).text for y in range(log.size.height)))
        assert app.main_screen.panes.answers.answers()[0].answer == "done"
    store.close()
    await client.aclose()


async def test_escape_cancels_a_retry_wait(azure_server, tmp_path: Path) -> None:
    try:
        from tests.loopback import azure_429_body, rate_limit_headers
    except ImportError:
        from loopback import azure_429_body, rate_limit_headers  # type: ignore
    azure_server.enqueue(ErrorResponse(429, azure_429_body(), headers=rate_limit_headers(retry_after_ms=30_000)))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one(PromptInput).insert("hi")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "retry 2/2 in" in str(app.main_screen.panes.status.render()))
        started = time.monotonic()
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.main_screen.exchanges.running)
        assert time.monotonic() - started < 5
        await generation_over(pilot, app)  # the stopped answer's worker finished: the status bar has its final figures
        assert "retry" not in str(app.main_screen.panes.status.render())
        assert app.main_screen.panes.answers.answers()[0].state == "stopped"
    messages = store.get_conversation(store.list_conversations()[0].id).messages
    assert messages[0].content == "hi" and messages[1].state == "stopped"
    store.close()
    await client.aclose()


async def test_notice_toast_and_filtered_answer(azure_server, tmp_path: Path) -> None:
    try:
        from tests.loopback import STREAM_OPTIONS_400_BODY
    except ImportError:
        from loopback import STREAM_OPTIONS_400_BODY  # type: ignore
    azure_server.enqueue(
        ErrorResponse(400, STREAM_OPTIONS_400_BODY),
        Stream(content_chunks=["<think>", "hmm", "</think>", "Part"], finish_reason="content_filter"),
    )
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_wait(pilot, app, "hi")
        assert any("stream_options" in str(n.message) for n in app._notifications)
        block = app.main_screen.panes.answers.answers()[0]
        assert block.state == "filtered" and block.answer == "Part"
        assert "filtered" in str(block.query_one(".answer-header").render())
    msg = store.get_conversation(store.list_conversations()[0].id).messages[1]
    assert msg.state == "filtered" and msg.finish_reason == "content_filter"
    store.close()
    await client.aclose()


async def test_second_answer_reasoning_reads_from_the_top(azure_server, tmp_path: Path) -> None:
    long = [f"Thought number {i} is here.\n\n" for i in range(80)]
    azure_server.enqueue(
        Stream(reasoning_chunks=long, content_chunks=["one"]),
        Stream(reasoning_chunks=["short ", "thought"], content_chunks=["two"], delay_s=0.3),
    )
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_wait(pilot, app, "first")
        log = app.query_one(ReasoningLog)
        # Followed the long trace (the last frame of the shared clock may land just after the end).
        await wait_for(pilot, lambda: log.following and log.scroll_y == log.max_scroll_y > 0)
        assert "Thought number 79 is here." in "".join(log.render_line(y).text for y in range(log.size.height))
        app.query_one(PromptInput).insert("second")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "short" in reasoning_text(app))
        await wait_for(pilot, lambda: log.render_line(0).text[MARGIN:].startswith("short"))  # the new trace is drawn
        assert log.scroll_y == 0 and log.max_scroll_y == 0  # the short trace reads from its first line
        await wait_for(pilot, lambda: not app.main_screen.exchanges.running)
    store.close()
    await client.aclose()


async def test_quit_while_streaming_saves_stopped(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(Stream(reasoning_chunks=[f"r{i} " for i in range(100)], content_chunks=["x"], delay_s=0.05))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db", low_bandwidth=True)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one(PromptInput).insert("hi")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "r2" in reasoning_text(app))
        await pilot.press("ctrl+q")
        # the quit stopped the answer and saved it (its worker finished); leaving the block shuts the app down
        await wait_for(pilot, lambda: not generating(app))
    msg = store.get_conversation(store.list_conversations()[0].id).messages[1]
    assert msg.state == "stopped" and msg.reasoning.startswith("r0 r1 r2")
    store.close()
    await client.aclose()
