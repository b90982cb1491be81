"""The composer in the app (Pilot): prompt recall (Up / Down), the reverse search of earlier prompts."""

from __future__ import annotations

from pathlib import Path

from tui.chat.recall import PromptRecall
from tui.ui.screens.recall_search import RecallSearchScreen
from tui.ui.widgets.prompt import PromptInput

try:
    from tests.uihelpers import make_app, seed, wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import make_app, seed, wait_for  # type: ignore


def seeded(tmp_path: Path, base_url: str):  # type: ignore[no-untyped-def]
    app, store, _client = make_app(base_url, tmp_path / "h.db")
    seed(store, None, [("first question", "r", "a"), ("shared prompt", "r", "b")])
    seed(store, None, [("multi\nline prompt", "r", "c"), ("shared prompt", "r", "d")])
    return app, store


async def test_up_walks_back_through_earlier_prompts_and_down_returns_to_the_draft(azure_server, tmp_path: Path) -> None:
    app, store = seeded(tmp_path, azure_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await pilot.press("up")
        assert prompt.text == "shared prompt"  # the newest, once although sent twice
        await pilot.press("up")
        assert prompt.text == "multi\nline prompt"
        assert prompt.cursor_location == (1, len("line prompt"))
        await pilot.press("up")  # on the second line: the cursor moves up within the prompt
        assert prompt.text == "multi\nline prompt" and prompt.cursor_location[0] == 0
        await pilot.press("up")
        assert prompt.text == "first question"
        await pilot.press("up")  # nothing older: stays
        assert prompt.text == "first question"
        await pilot.press("down", "down")
        assert prompt.text == "shared prompt"
        await pilot.press("down")  # past the newest: the (empty) draft
        assert prompt.text == ""
        await pilot.press("d", "r", "a", "f", "t")
        await pilot.press("up")  # something typed: Up is only a cursor key
        assert prompt.text == "draft"
        await pilot.press("ctrl+a", "ctrl+k")  # emptied again: recall works
        await pilot.press("up")
        assert prompt.text == "shared prompt"
        await pilot.press("x", "up")  # edited since the recall: Up does not replace it
        assert prompt.text == "shared promptx"
    store.close()


async def test_reverse_search_takes_a_matching_prompt_and_esc_cancels(azure_server, tmp_path: Path) -> None:
    app, store = seeded(tmp_path, azure_server.base_url)
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await pilot.press("k", "e", "p", "t")
        await pilot.press("alt+r")
        await wait_for(pilot, lambda: isinstance(app.screen, RecallSearchScreen))
        search = app.screen
        assert isinstance(search, RecallSearchScreen)
        assert search.prompts == ["shared prompt", "multi\nline prompt", "first question"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, RecallSearchScreen))
        assert prompt.text == "kept" and prompt.has_focus
        await pilot.press("alt+r")
        await wait_for(pilot, lambda: isinstance(app.screen, RecallSearchScreen))
        await pilot.press(*"fir")
        await wait_for(pilot, lambda: app.screen.prompts == ["first question"])  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_for(pilot, lambda: prompt.text == "first question")
        assert prompt.has_focus
        await pilot.press("alt+r", *"line", "down")  # nothing older than the one match: stays
        await wait_for(pilot, lambda: getattr(app.screen, "prompts", None) == ["multi\nline prompt"])
        await pilot.press("enter")
        await wait_for(pilot, lambda: prompt.text == "multi\nline prompt")
    store.close()


def test_recall_pages_through_the_source() -> None:
    prompts = [f"p{i}" for i in range(120)]
    calls: list[tuple[int, int]] = []

    def source(limit: int, offset: int) -> list[str]:
        calls.append((limit, offset))
        return prompts[offset:offset + limit]

    recall = PromptRecall(source)
    assert recall.forward() is None and not recall.walking
    walked = [recall.back("draft") for _ in range(121)]
    assert walked[:120] == prompts and walked[120] is None
    assert calls == [(50, 0), (50, 50), (50, 100)]
    assert recall.forward() == "p118"
    recall.index = 0
    assert recall.forward() == "draft" and not recall.walking
