"""The app against the loopback Azure server: send, restart, stop, small terminal, 429, multi-turn, escapes."""

from __future__ import annotations

from pathlib import Path

from tui.sanitize import ESC_SYMBOL
from tui.ui.app import R1App
from tui.ui.widgets.prompt import PromptInput
from tui.ui.widgets.reasoning_pane import ReasoningPane
from tui.ui.widgets.status import StatusBar
from tui.ui.widgets.answer_pane import AnswerPane

try:
    from tests.loopback import ErrorResponse, Stream, azure_429_body, rate_limit_headers, usage
except ImportError:  # tests/ itself on sys.path
    from loopback import ErrorResponse, Stream, azure_429_body, rate_limit_headers, usage  # type: ignore

try:
    from tests.uihelpers import generation_over, make_app, opened, reasoning_text, send, send_and_wait, wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import (  # type: ignore[no-redef]
        generation_over, make_app, opened, reasoning_text, send, send_and_wait, wait_for)


def countdown(status: str) -> float:
    """The seconds a "retry 2/6 in … s" status bar shows."""
    return float(status.split("retry 2/6 in ")[1].split(" s")[0])


def status_text(app: R1App) -> str:
    return app.query_one(StatusBar).build_text().plain


THINK = Stream(
    content_chunks=["<think>", "Let me think", " about 2+2.", " It is four.", "</think>", "The answer", " is **4**."],
    usage=usage(12, 40, reasoning=21),
    azure_quirks=True,
)


async def test_send_fills_both_panes_status_and_history(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(THINK)
    db = tmp_path / "h.db"
    app, store, client = make_app(azure_server.base_url, db, attempts=6)
    async with app.run_test(size=(120, 40)) as pilot:
        block = await send_and_wait(pilot, app, "What is 2+2?")
        assert block.answer == "The answer is **4**."
        assert "The answer is 4." in block.markdown.text  # **4** rendered, not raw
        assert "Let me think about 2+2. It is four." in reasoning_text(app)
        assert "Thought for" in str(app.query_one("#reasoning-header").render())
        text = status_text(app)
        assert "12 prompt" in text and "40 compl" in text and "52 total" in text and "21 reasoning" in text
        assert "dep @ 127.0.0.1" in text and "TTFT" in text
    rows = store.list_conversations()
    assert [r.title for r in rows] == ["What is 2+2?"]
    conv = store.get_conversation(rows[0].id)
    user, answer = conv.messages
    assert user.role == "user" and user.content == "What is 2+2?"
    assert answer.state == "complete" and answer.finish_reason == "stop"
    assert answer.content == "The answer is **4**."
    assert answer.reasoning == "Let me think about 2+2. It is four."
    assert answer.usage.completion_tokens == 40 and answer.usage.reasoning_tokens == 21
    assert answer.timing.total_s is not None and answer.timing.first_token_s is not None
    store.close()
    await client.aclose()

    # A restarted app on the same database lists the conversation and shows its reasoning.
    app2, store2, client2 = make_app(azure_server.base_url, db, attempts=6)
    async with app2.run_test(size=(120, 40)) as pilot:
        assert app2.main_screen.panes.listing.option_count == 1
        app2.main_screen.panes.listing.focus()
        await pilot.press("enter")
        await opened(pilot, app2)
        assert len(app2.main_screen.panes.answers.answers()) == 1
        assert app2.main_screen.panes.answers.answers()[0].answer == "The answer is **4**."
        assert "It is four." in reasoning_text(app2)
        await wait_for(pilot, lambda: "52 total" in status_text(app2))  # the status bar draws on the frame clock
    store2.close()
    await client2.aclose()


async def test_escape_stops_and_keeps_partial(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(
        Stream(reasoning_chunks=[f"step {i}. " for i in range(200)], content_chunks=["never"], delay_s=0.05)
    )
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db", attempts=6)
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, app, "count slowly")
        await wait_for(pilot, lambda: "step 3." in reasoning_text(app))
        await pilot.press("escape")
        await generation_over(pilot, app)
        block = app.main_screen.panes.answers.answers()[0]
        assert block.state == "stopped"
        assert "stopped" in str(block.query_one(".answer-header").render())
        assert "stopped" in str(app.query_one("#reasoning-header").render())
        assert "step 3." in reasoning_text(app)
    conv = store.get_conversation(store.list_conversations()[0].id)
    answer = conv.messages[1]
    assert answer.state == "stopped"
    assert answer.reasoning.startswith("step 0. step 1. step 2. step 3.")
    assert "never" not in answer.content
    store.close()
    await client.aclose()


def _visible(app: R1App, widget) -> bool:
    region = widget.region
    screen = app.screen.region
    return widget.display and region.height > 0 and region.width > 0 and screen.contains_region(region)


async def test_small_terminal_80x24_is_usable(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(THINK)
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db", attempts=6)
    async with app.run_test(size=(80, 24)) as pilot:
        await send_and_wait(pilot, app, "hi")
        prompt, answer, status = app.query_one(PromptInput), app.query_one(AnswerPane), app.query_one(StatusBar)
        reasoning = app.query_one(ReasoningPane)
        for widget in (prompt, answer, status, reasoning):
            assert _visible(app, widget), widget
        assert answer.region.height >= 5 and reasoning.region.height >= 4
        assert not app.main_screen.panes.listing.display or app.main_screen.panes.listing.region.width == 0
        await pilot.press("f3")
        await pilot.pause()
        assert not reasoning.display
        assert answer.region.height >= 12
        await pilot.press("f3")
        await pilot.pause()
        assert _visible(app, reasoning)
        await pilot.press("f2")  # the list comes and goes too; typing stays in the prompt
        await pilot.pause()
        assert _visible(app, app.main_screen.panes.listing) and prompt.has_focus
        await pilot.press("f2")
        await pilot.pause()
        assert not _visible(app, app.main_screen.panes.listing)
        assert prompt.has_focus
    store.close()
    await client.aclose()


async def test_429_countdown_then_success(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(
        ErrorResponse(429, azure_429_body(), headers=rate_limit_headers(retry_after_ms=1500)),
        THINK,
    )
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db", attempts=6)
    seen: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, app, "hi")
        await wait_for(pilot, lambda: "retry 2/6 in" in str(app.main_screen.panes.status.render()))
        seen.append(str(app.main_screen.panes.status.render()))

        def counted_down() -> bool:  # the countdown shows less time left than it first did
            shown = str(app.main_screen.panes.status.render())
            return "retry 2/6 in " in shown and countdown(shown) < countdown(seen[0])

        await wait_for(pilot, counted_down)
        seen.append(str(app.main_screen.panes.status.render()))
        await wait_for(pilot, lambda: not app.main_screen.exchanges.running)
        assert app.main_screen.panes.answers.answers()[0].answer == "The answer is **4**."
        assert "retry" not in status_text(app)
    assert "429" in seen[0]
    first, later = countdown(seen[0]), countdown(seen[1])
    assert 0.5 < first <= 1.5 and later < first  # the countdown ticks down live
    store.close()
    await client.aclose()


async def test_multi_turn_sends_answers_but_never_reasoning(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(THINK, Stream(content_chunks=["<think>", "again", "</think>", "Five."]))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db", attempts=6)
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_wait(pilot, app, "What is 2+2?")
        await send_and_wait(pilot, app, "And plus one?")
    body = azure_server.requests[-1].json
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert body["messages"][1]["content"] == "The answer is **4**."
    raw = str(body)
    assert "Let me think" not in raw and "<think>" not in raw and "reasoning" not in raw
    assert len(store.list_conversations()) == 1
    store.close()
    await client.aclose()


async def test_escape_sequences_never_reach_widgets_raw(azure_server, tmp_path: Path) -> None:
    evil = "\x1b]0;pwned\x07\x1b[2J"
    azure_server.enqueue(
        Stream(content_chunks=["<think>", f"think {evil} done", "</think>", f"answer {evil} end"])
    )
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db", attempts=6)
    async with app.run_test(size=(120, 40)) as pilot:
        block = await send_and_wait(pilot, app, f"prompt {evil}")
        assert ESC_SYMBOL in block.markdown.text and "\x1b" not in block.markdown.text
        assert ESC_SYMBOL in reasoning_text(app) and "\x1b" not in reasoning_text(app)
        for widget in app.query("Static"):
            assert "\x1b" not in str(widget.render()), widget
        shown = app.export_screenshot()
        assert "pwned" in shown and ESC_SYMBOL in shown
    # Stored text stays as received; only display is sanitised.
    conv = store.get_conversation(store.list_conversations()[0].id)
    assert "\x1b" in conv.messages[1].content
    store.close()
    await client.aclose()

