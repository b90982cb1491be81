"""History you can live in (the app): search, rename/archive, paging, per-message stats, offline."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from rich.text import Text

from tui.llm.client import ChatClient
from tui.llm.endpoint import EndpointSettings
from tui.llm.retry import RetryPolicy
from tui.store import HistoryStore
from tui.metrics import Timing, Usage
from tui.ui import history_controller
from tui.ui.app import R1App
from tui.ui.factory import build_app
from tui.ui.highlight import HIGHLIGHT_STYLE
from tui.ui.screens.rename import RenameScreen
from tui.ui.screens.search import SearchScreen
from tui.ui.loader import stats_from_record
from tui.ui.widgets.message_stats import MessageStats, Stats, format_stats
from tui.ui.widgets.prompt import PromptInput
from tui.ui.widgets.prompt_block import PromptBlock

try:
    from tests import uihelpers
    from tests.uihelpers import wait_for
except ImportError:  # tests/ itself on sys.path
    import uihelpers  # type: ignore[no-redef]
    from uihelpers import wait_for  # type: ignore[no-redef]


def seed(store: HistoryStore, title: str, pairs: list[tuple[str, str, str]]) -> str:
    """A stored conversation with long-ish stats (seconds of reasoning, hundreds of tokens)."""
    return uihelpers.seed(store, title, pairs, usage=Usage(100, 800, 900, 500, False),
                          timing=Timing(0.8, 9.5, 14.2))


def seeded(tmp_path: Path) -> tuple[HistoryStore, str]:
    store = HistoryStore.open(tmp_path / "h.db")
    target = seed(store, "zoo trip", [
        ("what about zebras?", "thinking aloud\nlong text " * 30 + "now quokkas appear", "The **platypus** lays eggs."),
        ("and then?", "more thought", "nothing else"),
    ])
    for i in range(3):
        seed(store, f"other {i}", [(f"question {i}", "plain reasoning", "plain answer")])
    return store, target


def styled_spans(text: object) -> list[str]:
    spans = text.spans if isinstance(text, Text) else getattr(text, "_spans", [])
    return [str(span.style) for span in spans]


async def search_and_open(pilot, app: R1App, query: str, field: str) -> None:
    await pilot.press("ctrl+f")
    await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
    for ch in query:
        await pilot.press(ch)
    screen = app.screen
    await wait_for(pilot, lambda: screen.searched == query and screen.hits)
    assert screen.hits[0].field == field
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, SearchScreen))
    await pilot.pause()  # the main screen handles the search's result: it opens the hit and jumps to it
    await app.main_screen.history.settled()
    await pilot.pause()


async def test_search_opens_prompt_answer_and_reasoning_highlighted(tmp_path: Path) -> None:
    store, target = seeded(tmp_path)
    app = build_app(client=None, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await search_and_open(pilot, app, "zebras", "prompt")
        assert app.main_screen.history.conv_id == target
        prompt = app.main_screen.panes.answers.query(PromptBlock).first()
        assert isinstance(prompt.content, Text) and "zebras" in prompt.content.plain
        assert HIGHLIGHT_STYLE in styled_spans(prompt.content)

        await search_and_open(pilot, app, "platyp", "answer")  # as-you-type prefix
        block = app.main_screen.panes.answers.answers()[0]
        assert app.main_screen.panes.reasoning.source is block  # the hit is the selected answer
        view = block.markdown
        lines = [view.render_line(y) for y in range(view.row_count) if "platypus" in view.render_line(y).text]
        plain_bg = list(lines[0])[0].style.bgcolor  # "The " is not a match
        assert lines and any(seg.text.startswith("platyp") and seg.style.bold and seg.style.bgcolor != plain_bg
                             for seg in lines[0])

        await search_and_open(pilot, app, "quokkas", "reasoning")
        block = app.main_screen.panes.answers.answers()[0]  # the conversation was opened again
        assert app.main_screen.panes.reasoning.source is block
        log = app.main_screen.panes.reasoning.trace
        await wait_for(pilot, lambda: log.scroll_y > 0)  # scrolled to the match (after a refresh), far below the top
        shown = [log.render_line(y) for y in range(log.size.height)]
        strips = [strip for strip in shown if "quokkas" in strip.text]
        assert strips and any(seg.text == "quokkas" and seg.style and seg.style.bgcolor for seg in strips[0])
    store.close()


async def test_search_view_keys_and_no_markup(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    seed(store, "[bold]x[/bold] \x1b]0;evil\x07", [("markup [red]zzword[/red] \x1b[2J", "r", "a")])
    app = build_app(client=None, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")  # outside the prompt, / opens the search
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        for ch in "zzword":
            await pilot.press(ch)
        screen = app.screen
        await wait_for(pilot, lambda: screen.hits)
        option = screen.query_one("#search-results").get_option_at_index(0)
        label = option.prompt
        assert "[bold]x[/bold]" in label.plain and "[red]zzword[/red]" in label.plain
        assert "\x1b" not in label.plain and "«" not in label.plain
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SearchScreen))
        assert app.main_screen.history.conv_id is None
    store.close()


async def test_slash_in_the_prompt_types_a_slash(azure_server, tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    client = ChatClient(EndpointSettings(azure_server.base_url, "dep", "none", retry=RetryPolicy(max_attempts=1)))
    app = build_app(client=client, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one(PromptInput).focus()
        await pilot.press("a", "slash", "b")
        # all three keys reached the prompt (had the slash opened the search, "b" would have gone there)
        await wait_for(pilot, lambda: app.query_one(PromptInput).text == "a/b")
        assert not isinstance(app.screen, SearchScreen)
        await pilot.press("ctrl+f")  # Ctrl+F works from the prompt too
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
    assert azure_server.requests == []
    store.close()
    await client.aclose()


async def test_rename_archive_unarchive_round_trip(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    first = seed(store, "first", [("q", "r", "a")])
    seed(store, "second", [("q2", "r", "a")])
    app = build_app(client=None, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        listing = app.main_screen.panes.listing
        listing.highlighted = listing.get_option_index(first)
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RenameScreen))
        assert app.screen.query_one("#rename-input").value == "first"
        await pilot.press("ctrl+u")  # clear the line: Input's delete-to-start
        app.screen.query_one("#rename-input").value = ""
        for ch in "renamed":
            await pilot.press(ch)
        await pilot.press("enter")
        await wait_for(pilot, lambda: store.get_conversation(first).title == "renamed")
        await wait_for(pilot, lambda: listing.title_of(first) == "renamed")

        listing.highlighted = listing.get_option_index(first)
        await pilot.press("a")
        await wait_for(pilot, lambda: store.get_conversation(first).archived)
        # the list's reload is the archive's effect: the row goes (it was there before)
        await wait_for(pilot, lambda: first not in [listing.get_option_at_index(i).id for i in range(listing.option_count)])
        assert [c.id for c in store.list_conversations(archived=True)] == [first]

        await pilot.press("A")  # the archived view
        await wait_for(pilot, lambda: listing.archived_view)
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert first in ids and len([i for i in ids if i and not i.startswith("__")]) == 1
        listing.highlighted = listing.get_option_index(first)
        await pilot.press("a")  # unarchive
        await wait_for(pilot, lambda: not store.get_conversation(first).archived)
        await pilot.press("A")
        await wait_for(pilot, lambda: not listing.archived_view)
        await wait_for(pilot, lambda: first in [listing.get_option_at_index(i).id for i in range(listing.option_count)])
    store.close()


async def test_list_never_loads_messages_and_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history_controller, "PAGE", 5)
    store = HistoryStore.open(tmp_path / "h.db")
    for i in range(12):
        store.create_conversation(f"c{i:02d}")

    def forbidden(*_a, **_k):
        raise AssertionError("drawing the list loaded a conversation")

    monkeypatch.setattr(store, "get_conversation", forbidden)
    monkeypatch.setattr(store, "get_message", forbidden)
    app = build_app(client=None, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        listing = app.main_screen.panes.listing
        await wait_for(pilot, lambda: listing.loaded == 5)  # the first page is drawn
        assert listing.has_more
        assert "Load more" in str(listing.get_option_at_index(listing.option_count - 1).prompt)
        listing.focus()
        await pilot.press("end")  # highlighting the last row loads the next page
        await wait_for(pilot, lambda: listing.loaded == 10)
        await pilot.press("end")
        await wait_for(pilot, lambda: listing.loaded == 12)
        assert not listing.has_more
        app.main_screen.history.reload_list()  # a redraw keeps every loaded row
        assert listing.loaded == 12
    store.close()


def test_stats_from_a_record() -> None:
    stats = stats_from_record(Usage(100, 800, 900, 500, False), Timing(0.8, 9.5, 14.2))
    assert stats == Stats(500, 300, 9.5, pytest.approx(800 / 13.4), 0.8, False, total_s=14.2)
    text = format_stats(stats).plain
    assert text == "reasoning 500 tok · answer 300 tok · thought 9.5 s · 59.7 tok/s · TTFT 0.80 s"
    assert format_stats(stats_from_record(Usage(), Timing())).plain == "no usage recorded for this answer"
    assert "~" in format_stats(stats_from_record(Usage(1, 10, 11, 4, True), Timing())).plain


async def test_stats_line_for_the_answer_under_the_cursor(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    seed(store, "two", [("q1", "r1", "a1")])
    conv = store.list_conversations()[0].id
    user = store.add_user_message(conv, "q2")
    msg = store.begin_answer(conv, user, model="m", deployment="dep", endpoint_host="h")
    store.update_answer(msg, answer="a2", reasoning="r2", state="complete",
                        usage=Usage(10, 50, 60, 20, False), timing=Timing(1.25, 2.0, 6.25))
    app = build_app(client=None, store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        stats = app.query_one(MessageStats)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.main_screen.panes.answers.answers()) == 2)
        await wait_for(pilot, lambda: stats.plain.startswith("reasoning 20 tok"))
        assert stats.plain == "reasoning 20 tok · answer 30 tok · thought 2.0 s · 10.0 tok/s · TTFT 1.25 s"
        assert stats.display
        app.main_screen.panes.answers.answers()[0].focus()
        await wait_for(pilot, lambda: stats.plain.startswith("reasoning 500 tok"))
    store.close()


class SocketGuard:
    """Record (and refuse) every attempt to connect or resolve a name."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.attempts: list[str] = []
        for owner, name in ((socket.socket, "connect"), (socket.socket, "connect_ex"),
                            (socket, "create_connection"), (socket, "getaddrinfo")):
            monkeypatch.setattr(owner, name, self._refuse(name))

    def _refuse(self, name: str):
        def refuse(*args, **kwargs):
            self.attempts.append(f"{name}{args[1:] if name.startswith('connect') else args}")
            raise OSError(f"offline test: {name} is not allowed")
        return refuse


async def test_offline_never_opens_a_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "h.db"
    with HistoryStore.open(db) as writer:
        seed(writer, "kept", [("findme prompt", "thoughts", "answer")])
    guard = SocketGuard(monkeypatch)
    store = HistoryStore.open(db, read_only=True)
    app = build_app(client=None, store=store, read_only=True, setup_hint="Offline: history is read-only.")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.main_screen.panes.answers.answers())
        await search_and_open(pilot, app, "findme", "prompt")
        await pilot.press("a")  # archiving is refused, read-only
        assert app.query_one(PromptInput).disabled
    store.close()
    assert guard.attempts == []


async def test_run_app_offline_builds_no_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui import cli, paths
    from tui.config import Overrides, load_settings

    settings = load_settings(Overrides(endpoint="https://example.openai.azure.com/openai/v1/",
                                       deployment="d", auth="entra"))
    assert settings.endpoint is not None
    guard = SocketGuard(monkeypatch)
    seen: list[R1App] = []

    async def fake_run(self: R1App) -> None:
        seen.append(self)

    def no_client(*_a, **_k):
        raise AssertionError("offline built a ChatClient")

    monkeypatch.setattr(R1App, "run_async", fake_run)
    monkeypatch.setattr(ChatClient, "__init__", no_client)
    assert await cli._run_app(settings, offline=True, low_bandwidth=False) == 0
    context = seen[0].context
    assert context.client is None and context.read_only and context.store.read_only
    assert not paths.history_db_path().exists()  # offline never creates the history file
    assert guard.attempts == []


async def test_stats_of_a_streamed_answer(azure_server, tmp_path: Path) -> None:
    try:
        from tests.loopback import Stream, usage
    except ImportError:  # tests/ itself on sys.path
        from loopback import Stream, usage  # type: ignore
    azure_server.enqueue(Stream(content_chunks=["<think>", "Let me think", "</think>", "It is 4."],
                                usage=usage(12, 40, reasoning=21), azure_quirks=True))
    store = HistoryStore.open(tmp_path / "h.db")
    client = ChatClient(EndpointSettings(azure_server.base_url, "dep", "none", retry=RetryPolicy(max_attempts=1)))
    app = build_app(client=client, store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        stats = app.query_one(MessageStats)
        app.query_one(PromptInput).insert("2+2?")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.main_screen.panes.answers.answers() and not app.main_screen.exchanges.running)
        await wait_for(pilot, lambda: stats.plain.startswith("reasoning 21 tok"))
        assert stats.plain.startswith("reasoning 21 tok · answer 19 tok · thought ")
        assert "tok/s" in stats.plain and "TTFT" in stats.plain
    store.close()
    await client.aclose()


async def test_stats_line_says_streaming_while_the_answer_streams(azure_server, tmp_path: Path) -> None:
    from tests.loopback import Stream

    azure_server.enqueue(Stream(content_chunks=["<think>"] + [f"step{i} " for i in range(60)] + ["</think>", "done"],
                                delay_s=0.05))
    app, store, client = uihelpers.make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await uihelpers.send(pilot, app, "go")
        stats = app.query_one(MessageStats)
        await wait_for(pilot, lambda: "step5" in uihelpers.reasoning_text(app))
        await wait_for(pilot, lambda: stats.display and str(stats.render()).startswith("streaming · TTFT "))
        await wait_for(pilot, lambda: not app.main_screen.exchanges.running)
        await wait_for(pilot, lambda: "reasoning " in str(stats.render()) and "tok" in str(stats.render()))
    store.close()
    await client.aclose()
