"""More app behaviour: offline mode, delete, help, navigation, following the stream."""

from __future__ import annotations

from pathlib import Path

from tui.llm.request import RequestDefaults
from tui.store import HistoryStore
from tui.ui.factory import build_app
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.prompt import PromptInput
from tui.ui.widgets.reasoning_log import MARGIN, ReasoningLog

try:
    from tests.uihelpers import opened, reasoning_text, seed, wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import opened, reasoning_text, seed, wait_for  # type: ignore[no-redef]


async def test_offline_browses_history_and_disables_prompt(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    seed(store, "old question", [("old question", "old reasoning", "old answer")])
    app = build_app(client=None, store=store, defaults=RequestDefaults())
    async with app.run_test(size=(120, 40)) as pilot:
        prompt = app.query_one(PromptInput)
        assert prompt.disabled and prompt.read_only
        hint = str(app.query_one("#offline-hint").render())
        assert "No endpoint configured" in hint and "--demo" in hint
        assert app.query_one("#offline-hint").display
        assert "offline" in app.main_screen.panes.status.build_text().plain
        assert app.main_screen.panes.listing.has_focus
        await pilot.press("enter")
        await opened(pilot, app)
        assert app.main_screen.panes.answers.answers()[0].answer == "old answer"
        assert "old reasoning" in reasoning_text(app)
        assert "Thought for 1.5 s" in str(app.query_one("#reasoning-header").render())
    store.close()


async def test_delete_asks_for_confirmation(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    seed(store, "first", [("first", "r", "a")])
    seed(store, "second", [("second", "r", "a")])
    app = build_app(client=None, store=store, defaults=RequestDefaults())
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.main_screen.panes.listing.option_count == 2
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert len(store.list_conversations()) == 2
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await wait_for(pilot, lambda: app.main_screen.panes.listing.option_count == 1)
        assert [c.title for c in store.list_conversations()] == ["first"]
        assert app.main_screen.panes.listing.option_count == 1
    store.close()


async def test_help_lists_every_key(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.plain_text()
        for key in ("f1", "escape", "f2", "f3, ctrl+r", "ctrl+n", "ctrl+q", "enter", "ctrl+j", "alt+enter", "[", "]", "d, delete"):
            assert key in text, key
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
    store.close()


async def test_answers_are_navigable_and_show_their_reasoning(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    seed(store, "two", [("q1", "reasoning one", "answer one"), ("q2", "reasoning two", "answer two")])
    app = build_app(client=None, store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await opened(pilot, app)
        assert len(app.main_screen.panes.answers.answers()) == 2
        assert "reasoning two" in reasoning_text(app)
        await pilot.press("ctrl+up")  # the last answer
        await pilot.press("[")  # the one before
        await wait_for(pilot, lambda: app.focused is app.main_screen.panes.answers.answers()[0])
        await wait_for(pilot, lambda: "reasoning one" in reasoning_text(app))
        await pilot.press("]")
        await wait_for(pilot, lambda: "reasoning two" in reasoning_text(app))
    store.close()


async def test_reasoning_follows_only_at_the_bottom() -> None:
    from textual.app import App

    class LogApp(App[None]):
        def compose(self):
            yield ReasoningLog()

    app = LogApp()
    async with app.run_test(size=(60, 12)) as pilot:
        log = app.query_one(ReasoningLog)
        log.focus()
        log.set_text("short", live=True)
        await wait_for(pilot, lambda: log.render_line(0).text[MARGIN:].startswith("short"))
        assert log.scroll_y == 0  # short content reads from the top
        for i in range(40):
            log.append(f"line {i}\n\n")
        log.flush()
        await pilot.pause()  # the repaint the flush asked for
        assert log.max_scroll_y > 0 and log.scroll_y == log.max_scroll_y  # following
        await pilot.press("pageup")
        # the page-up scroll has arrived (a scroll animates towards scroll_target_y)
        await wait_for(pilot, lambda: log.scroll_y == log.scroll_target_y < log.max_scroll_y)
        held, held_max = log.scroll_y, log.max_scroll_y
        for i in range(40, 60):
            log.append(f"line {i}\n\n")
        log.flush()
        # signal that the new lines were taken in: the trace grew below the view (then the repaint ran)
        await wait_for(pilot, lambda: log.max_scroll_y > held_max)
        await pilot.pause()
        assert log.scroll_y == held  # scrolled up: not following
        await pilot.press("end")
        await wait_for(pilot, lambda: log.following and log.scroll_y == log.scroll_target_y == log.max_scroll_y)
        for i in range(60, 80):
            log.append(f"line {i}\n\n")
        log.flush()
        await wait_for(pilot, lambda: "line 79" in "".join(log.render_line(y).text for y in range(log.size.height)))
        assert log.scroll_y == log.max_scroll_y  # End resumed following
