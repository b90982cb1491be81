"""Keys and the footer: every global key works from every area (or F1 says where), the footer
shows what works now, most useful first; archive can be undone; the status bar drops items
whole; Ctrl+N forgets the last answer's figures; the empty list says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.keys import key_to_character
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui.store import HistoryStore
from tui.ui.bindings import SCREEN_BINDINGS, TYPED_IN_PROMPT, _bindings
from tui.ui.factory import build_app
from tui.ui.keymap import display_key, normalize_keys
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.conversations import EMPTY_HINT, EMPTY_OFFLINE, ConversationList
from tui.ui.widgets.reasoning_log import ReasoningLog
from tui.ui.widgets.status import Item, StatusBar, Tokens, fit_line

try:
    from tests.uihelpers import make_app, seed, send_and_wait, wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import make_app, seed, send_and_wait, wait_for  # type: ignore[no-redef]

try:
    from tests.loopback import Stream, usage
except ImportError:
    from loopback import Stream, usage  # type: ignore[no-redef]


def footer_text(app) -> str:  # type: ignore[no-untyped-def]
    return "  ".join(f"{k.key_display} {k.description}" for k in app.screen.query_one(Footer).query(FooterKey))


# Global keys a printable character cannot stand for in the prompt (F1 says so: TYPED_IN_PROMPT).
GLOBAL = [b for b in _bindings(SCREEN_BINDINGS) if b.action not in ("app.quit",)]
ONLY_WHILE_RUNNING = ("stop", "replay_stop")  # an answer streaming, a replay (trace('replay_stop'))


def first_non_printable(keys: str) -> str:
    """The first key of ``keys`` that is not a printable character ("" if all are)."""
    def printable(key: str) -> bool:
        char = key_to_character(key)
        return len(display_key(key)) == 1 or (char is not None and char.isprintable())

    return next((k for k in normalize_keys(keys) if not printable(k)), "")


@pytest.mark.parametrize("area", ["prompt", "list", "answer", "reasoning"])
async def test_every_global_key_works_from_every_area(tmp_path: Path, area: str) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    seed(store, "one", [("q", "r", "an answer\n\n```\ncode\n```")])
    app, _, client = make_app("http://127.0.0.1:9/openai/v1/", tmp_path / "h.db")
    store.close()
    ran: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.main_screen
        await screen.history.open(screen.history.conv_id or app.context.store.list_conversations()[0].id)
        await pilot.pause()
        targets = {"prompt": screen.panes.prompt, "list": screen.panes.listing,
                   "answer": screen.panes.answers.answers()[0], "reasoning": screen.query_one(ReasoningLog)}
        for binding in GLOBAL:
            key = first_non_printable(binding.key)
            if not key:
                assert TYPED_IN_PROMPT  # letters and / only: F1 says they work outside the prompt
                continue
            action = binding.action.split("(")[0]
            name = f"action_{action}"
            if not hasattr(screen, name):
                continue
            setattr(screen, name, lambda *a, _b=binding.id: ran.append(_b))  # record instead of acting
            screen.set_focus(targets[area])
            await pilot.pause()
            if binding.id in ONLY_WHILE_RUNNING:  # Esc stops only while something runs; else it goes to the prompt
                continue
            await pilot.press(key)
            await pilot.pause()
        expected = [b.id for b in GLOBAL if first_non_printable(b.key)
                    and hasattr(MainScreen, f"action_{b.action.split('(')[0]}") and b.id not in ONLY_WHILE_RUNNING]
        assert ran == expected, (area, sorted(set(expected) - set(ran)))
    await client.aclose()


async def test_footer_shows_what_works_now(azure_server, tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    seed(store, "kept", [("q", "r", "a")])
    store.close()
    read_only = HistoryStore.open(tmp_path / "h.db", read_only=True)
    app = build_app(client=None, store=read_only, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is app.main_screen.panes.listing
        text = footer_text(app)
        assert "Rename" not in text and "Archive " not in text and "Delete" not in text  # refused offline
        assert "Stop" not in text  # nothing runs
        assert text.index("New") < text.index("Search") < text.index("Help") < text.index("Quit")
    read_only.close()

    azure_server.enqueue(Stream(reasoning_chunks=[f"r{i} " for i in range(200)], content_chunks=["x"],
                                delay_s=0.02))
    app, store2, client = make_app(azure_server.base_url, tmp_path / "h2.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = footer_text(app)
        assert text.startswith("^n New  ^f Search") and "Stop" not in text
        app.main_screen.panes.prompt.insert("go")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "esc Stop" in footer_text(app))  # while it streams
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.main_screen.exchanges.running)
        await wait_for(pilot, lambda: "Stop" not in footer_text(app))
        footer = app.screen.query_one(Footer)
        keys = [k for k in footer.query(FooterKey) if k.region.right <= 80 and k.region.width]
        shown = " ".join(k.description for k in keys)
        assert "New" in shown and "Search" in shown and "Quit" in shown  # visible at 80 columns
    store2.close()
    await client.aclose()


async def test_footer_rebuilds_only_when_its_keys_change(azure_server, tmp_path: Path) -> None:
    """A binding refresh that shows the same keys rebuilds nothing (Textual's Footer remounts every
    key and lays the screen out again on each one); a key that appears or goes still shows."""
    from tui.ui.widgets.key_footer import KeyFooter

    azure_server.enqueue(Stream(reasoning_chunks=[f"r{i} " for i in range(100)], content_chunks=["x"], delay_s=0.02))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        footer = app.screen.query_one(KeyFooter)
        await wait_for(pilot, lambda: "Quit" in footer_text(app))
        app.main_screen.panes.listing.focus()  # another area shows other keys: rebuilt
        await wait_for(pilot, lambda: "Rename" in footer_text(app))
        app.main_screen.panes.prompt.focus()
        await wait_for(pilot, lambda: "Rename" not in footer_text(app))
        keys, rebuilds = list(footer.query(FooterKey)), footer.rebuilds
        for _ in range(3):
            app.screen.refresh_bindings()
            await pilot.pause()
        app.main_screen.panes.prompt.blur()
        app.main_screen.panes.prompt.focus()  # the same area again: the same keys
        await pilot.pause()
        assert footer.rebuilds == rebuilds and list(footer.query(FooterKey)) == keys  # the same widgets
        await send_and_wait(pilot, app, "go")
        assert footer.rebuilds == rebuilds + 2  # Stop shown while it streamed, gone after
        assert "Stop" not in footer_text(app) and "Quit" in footer_text(app)
    store.close()
    await client.aclose()


async def test_archive_can_be_undone_and_toasts_name_the_keys(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    first = seed(store, "first", [("q1", "r", "a")])
    seed(store, "second", [("q2", "r", "a")])
    app = build_app(client=None, store=store, keymap={"undo_archive": "U"})
    async with app.run_test(size=(100, 30)) as pilot:
        listing = app.main_screen.panes.listing
        listing.focus()
        await pilot.pause()
        listing.highlighted = listing.get_option_index(first)
        await pilot.press("a")
        await wait_for(pilot, lambda: store.get_conversation(first).archived)
        toast = str(list(app._notifications)[-1].message)
        assert "“first” archived" in toast and "U in the list undoes it" in toast  # the key as configured
        await pilot.press("U")
        await wait_for(pilot, lambda: not store.get_conversation(first).archived)
        assert listing.is_listed(first)
        await pilot.press("U")  # nothing left to undo: the key does nothing
        await pilot.pause()
        assert not store.get_conversation(first).archived
    store.close()


async def test_empty_list_says_what_to_do(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    app, _, client = make_app("http://127.0.0.1:9/openai/v1/", tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        listing = app.main_screen.query_one(ConversationList)
        assert listing.option_count == 1 and str(listing.get_option_at_index(0).prompt) == EMPTY_HINT
        assert listing.highlighted_id is None
    store.close()
    await client.aclose()
    read_only = HistoryStore.open(tmp_path / "h.db", read_only=True)
    app = build_app(client=None, store=read_only, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert str(app.main_screen.panes.listing.get_option_at_index(0).prompt) == EMPTY_OFFLINE
    read_only.close()


async def test_new_conversation_forgets_the_last_answers_figures(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "t", "</think>", "A"], usage=usage(3, 4)))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_wait(pilot, app, "hi")
        status = app.main_screen.panes.status
        assert "tok/s" in status.build_text().plain and "TTFT" in status.build_text().plain
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: not app.main_screen.panes.answers.answers())
        text = status.build_text().plain
        assert "tok/s" not in text and "TTFT" not in text and "last:" not in text
    store.close()
    await client.aclose()


def test_status_items_are_dropped_whole_least_important_first() -> None:
    items = [Item("dep @ host · auth none", 0), Item("answering", 1), Item("~45 tok/s", 2), Item("TTFT 0.18 s", 3)]
    assert fit_line(items, 80).plain == "dep @ host · auth none · answering · ~45 tok/s · TTFT 0.18 s"
    assert fit_line(items, 50).plain == "dep @ host · auth none · answering · ~45 tok/s"
    assert fit_line(items, 30).plain == "dep @ host · auth none"
    assert fit_line(items, 10).plain == "dep @ hos…"


async def test_status_bar_keeps_two_lines_at_80x24_with_an_error() -> None:
    from textual.app import App

    class Bar(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield StatusBar(hz=0, id="status")

    app = Bar()
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.query_one(StatusBar)
        bar.set_max_lines(2)
        m = bar.model
        m.endpoint = "deepseek-r1-distill-qwen-32b-eastus2 @ my-resource.openai.azure.com · auth entra"
        m.activity, m.rate, m.ttft_s = "answering", "51.2 tok/s", 0.18
        m.last, m.conversation = Tokens(12, 40, 52, 21), Tokens(100, 400, 500, 210)
        m.error = "connection: the endpoint did not answer in time — check the network or the endpoint URL " * 2
        bar.render_now()
        await pilot.pause()
        lines = bar.build_text().plain.split("\n")
        assert len(lines) == 2 and all(len(line) <= bar.content_size.width for line in lines)
        assert lines[1].startswith("connection:")  # the error outranks the usage row
        assert not any(line.endswith("TTFT 0.18") for line in lines)


async def test_a_long_title_keeps_its_count_on_its_row(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    seed(store, "A very long conversation title that does not fit the list at all", [("q", "r", "a")])
    app = build_app(client=None, store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        listing = app.main_screen.panes.listing
        rows = [listing.render_line(y).text.rstrip() for y in range(3)]
        assert rows[0].startswith("A very long") and "…" in rows[0] and rows[0].endswith("  2")
        assert rows[1] == ""  # one row per conversation: nothing wrapped onto the next line
    store.close()


async def test_footer_show_current_keys_returns_once_it_shows_them(tmp_path: Path) -> None:
    """The end of an answer waits on it, so that its one frame shows the keys as they are now."""
    from tui.ui.widgets.key_footer import KeyFooter

    app, store, client = make_app("http://127.0.0.1:9/v1/", tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        footer = app.screen.query_one(KeyFooter)
        await wait_for(pilot, lambda: "Quit" in footer_text(app))
        rebuilds = footer.rebuilds
        await footer.show_current_keys(timeout_s=5)  # the same keys: nothing to rebuild
        assert footer.rebuilds == rebuilds
        app.screen.set_focus(app.main_screen.panes.listing)  # other keys (the binding refresh comes later)
        assert "Rename" not in footer_text(app)
        await footer.show_current_keys(timeout_s=5)
        assert "Rename" in footer_text(app) and footer.rebuilds == rebuilds + 1  # rebuilt by the time it returns
    store.close()
    await client.aclose()
