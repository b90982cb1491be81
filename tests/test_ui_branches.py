"""The conversation as a tree in the app: edit a prompt into a new branch, fork markers, flipping
branches (persisted as the active path), forking into a new conversation, and the context gauge."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from pathlib import Path

from tui.commands.history import add_history_parser, run_history
from tui.ui.app import R1App
from tui.ui.widgets.prompt import PromptInput

from tui.chat.attachments import compose
from tui.llm.client import ChatClient
from tui.llm.context_window import ContextWindow
from tui.llm.endpoint import EndpointSettings
from tui.llm.request import RequestDefaults
from tui.metrics import Prices
from tui.store import HistoryStore
from tui.store.models import Attachment
from tui.ui.factory import build_app
from tui.ui.branches import short_count

try:
    from tests.loopback import Stream, usage
    from tests.test_keyboard_first import run_command
    from tests.test_ui_history_life import search_and_open
    from tests.uihelpers import generation_over, make_app, seed, send_and_wait, wait_for
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream, usage  # type: ignore
    from test_keyboard_first import run_command  # type: ignore
    from test_ui_history_life import search_and_open  # type: ignore
    from uihelpers import generation_over, make_app, seed, send_and_wait, wait_for  # type: ignore[no-redef]


def answer(text: str, **kw: object) -> Stream:
    return Stream(content_chunks=["<think>", "thinking", "</think>", text], **kw)  # type: ignore[arg-type]


def prompts(app: R1App) -> list[str]:
    return [p.text for p in app.main_screen.panes.answers.prompts()]


def headers(app: R1App) -> list[str]:
    return [p.header for p in app.main_screen.panes.answers.prompts()]


def shown_answers(app: R1App) -> list[str]:
    return [b.answer for b in app.main_screen.panes.answers.answers()]


def history_show(db: Path, conv_id: str) -> list[str]:
    """The contents of ``history show ID --json``'s messages (the active path)."""
    parser = argparse.ArgumentParser(prog="r1-tui")
    add_history_parser(parser.add_subparsers(dest="command"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):  # the app under test holds sys.stdout
        assert run_history(parser.parse_args(["history", "show", conv_id, "--json"]), db) == 0
    return [m["content"] for m in json.loads(out.getvalue())["messages"]]


async def two_turns(pilot, app: R1App, server) -> None:
    server.enqueue(answer("A1"), answer("A2"))
    await send_and_wait(pilot, app, "first")
    await send_and_wait(pilot, app, "second")
    assert prompts(app) == ["first", "second"]


async def test_edit_prompt_sends_a_sibling_branch_and_esc_restores_the_composer(azure_server, tmp_path: Path) -> None:
    app, store, _ = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(100, 30)) as pilot:
        await two_turns(pilot, app, azure_server)
        composer = app.query_one(PromptInput)
        composer.insert("my draft")
        app.main_screen.panes.answers.answers()[0].focus()
        await pilot.press("e")  # the focused answer's prompt goes into the composer
        assert composer.text == "first" and composer.has_focus
        assert "editing" in headers(app)[0]
        await pilot.press("escape")  # cancelled: the draft is back
        assert composer.text == "my draft" and app.main_screen.branches.editing is None
        assert "editing" not in headers(app)[0]

        app.main_screen.panes.answers.answers()[0].focus()
        await pilot.press("e", "end", *" again")
        assert composer.text == "first again"
        azure_server.enqueue(answer("B1"))
        before = len(azure_server.requests)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(azure_server.requests) > before)
        await generation_over(pilot, app)
        assert prompts(app) == ["first again"] and shown_answers(app) == ["B1"]  # the new branch, alone
        assert headers(app)[0].startswith("‹ 2/2 ›")
        assert composer.text == "my draft"  # what the composer held comes back after the edit is sent
        assert azure_server.requests[-1].json["messages"] == [{"role": "user", "content": "first again"}]
        conv_id = app.main_screen.history.conv_id
        assert conv_id is not None
    assert history_show(tmp_path / "h.db", conv_id) == ["first again", "B1"]
    store.close()


async def test_flipping_a_fork_shows_that_branch_and_is_the_active_path(azure_server, tmp_path: Path) -> None:
    app, store, _ = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(100, 30)) as pilot:
        await two_turns(pilot, app, azure_server)
        screen = app.main_screen
        screen.panes.answers.answers()[1].focus()  # edit the second prompt
        await pilot.press("e", "end", *" v2")
        azure_server.enqueue(answer("A2-bis"))
        await send_and_wait(pilot, app, "")
        assert prompts(app) == ["first", "second v2"] and headers(app) == ["", headers(app)[1]]
        assert headers(app)[1].startswith("‹ 2/2 ›")
        screen.panes.answers.answers()[1].focus()
        await pilot.press("left_parenthesis")  # the previous branch at the nearest fork: the first "second"
        await wait_for(pilot, lambda: prompts(app) == ["first", "second"])
        assert shown_answers(app) == ["A1", "A2"] and headers(app)[1].startswith("‹ 1/2 ›")
        source = screen.panes.reasoning.source  # A2-bis left the screen: the pane shows the branch's last answer
        assert source is not None and source.is_attached and source.answer == "A2"
        conv_id = screen.history.conv_id
        assert conv_id is not None
        await screen.context.saved()
        assert history_show(tmp_path / "h.db", conv_id) == ["first", "A1", "second", "A2"]
        await pilot.press("right_parenthesis")  # and back (the jumped-to prompt is the fork now)
        await wait_for(pilot, lambda: prompts(app) == ["first", "second v2"])
        assert headers(app)[1].startswith("‹ 2/2 ›")
        await screen.context.saved()
        assert history_show(tmp_path / "h.db", conv_id) == ["first", "A1", "second v2", "A2-bis"]
        # A follow-up continues the branch shown.
        azure_server.enqueue(answer("A3"))
        await send_and_wait(pilot, app, "third")
        sent = azure_server.requests[-1].json["messages"]
        assert [m["content"] for m in sent] == ["first", "A1", "second v2", "A2-bis", "third"]
    store.close()


async def test_no_fork_says_how_to_make_one(azure_server, tmp_path: Path) -> None:
    app, store, _ = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(100, 30)) as pilot:
        await two_turns(pilot, app, azure_server)
        app.main_screen.panes.answers.answers()[1].focus()
        await pilot.press("right_parenthesis")
        # the key was handled: it said why (so the transcript below would show a flip had there been one)
        await wait_for(pilot, lambda: any("No branches here yet" in str(n.message) for n in app._notifications))
        assert prompts(app) == ["first", "second"]
    store.close()


async def test_fork_into_a_new_conversation_opens_it_highlighted(azure_server, tmp_path: Path) -> None:
    app, store, _ = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 30)) as pilot:
        await two_turns(pilot, app, azure_server)
        screen = app.main_screen
        screen.panes.answers.answers()[1].focus()
        await pilot.press("e", "end", *" v2")
        azure_server.enqueue(answer("A2-bis"))
        await send_and_wait(pilot, app, "")
        original = screen.history.conv_id
        await run_command(pilot, app, "Fork into a new conversation", "fork into")
        await wait_for(pilot, lambda: screen.history.conv_id not in (None, original))
        forked = screen.history.conv_id
        assert prompts(app) == ["first", "second v2"] and shown_answers(app) == ["A1", "A2-bis"]
        assert headers(app) == ["", ""]  # a copy of the active path: no forks in it
        listing = screen.panes.listing
        await wait_for(pilot, lambda: listing.highlighted is not None
                       and listing.get_option_at_index(listing.highlighted).id == forked)
        assert forked is not None and original is not None
        assert history_show(tmp_path / "h.db", forked) == ["first", "A1", "second v2", "A2-bis"]
        assert len(history_show(tmp_path / "h.db", original)) == 4  # the original keeps its branches
        # Asking on in the fork continues the copy.
        azure_server.enqueue(answer("A3"))
        await send_and_wait(pilot, app, "third")
        assert [m["content"] for m in azure_server.requests[-1].json["messages"]] == [
            "first", "A1", "second v2", "A2-bis", "third"]
        assert screen.history.conv_id == forked
    store.close()


def test_short_counts_for_the_context_gauge() -> None:
    assert [short_count(n) for n in (0, 812, 1000, 12_400, 99_950, 128_000, 131_072)] == [
        "0", "812", "1k", "12.4k", "100k", "128k", "131k"]


async def test_context_gauge_and_the_turns_left_out_to_fit(azure_server, tmp_path: Path) -> None:
    long = "x" * 300  # ~80 tokens a message: a window of 200 (90 % usable) holds one earlier turn at most
    defaults = RequestDefaults(context=ContextWindow(200, "profile"))
    app, store, _ = make_app(azure_server.base_url, tmp_path / "h.db")
    app.context.defaults = defaults
    async with app.run_test(size=(160, 30)) as pilot:
        screen = app.main_screen
        azure_server.enqueue(answer("A1 " + long), answer("A2"))
        await send_and_wait(pilot, app, "first " + long)
        session = screen.context.session
        status = screen.panes.status
        assert status.model.context == f"ctx {session.next_context_tokens()}/200"
        await wait_for(pilot, lambda: "ctx " in status.build_text().plain)
        await send_and_wait(pilot, app, "second " + long)
        sent = [m["content"] for m in azure_server.requests[-1].json["messages"]]
        assert sent == ["second " + long]  # the first turn did not fit
        assert any("1 earlier turn not sent: context" in str(n.message) for n in app._notifications)
        first, second = screen.panes.answers.prompts()
        assert "not sent with the last request: context" in first.header and first.has_class("-left-out")
        assert "not sent" not in second.header
        await pilot.resize_terminal(80, 24)  # narrow: the gauge goes first, whole
        await wait_for(pilot, lambda: status.size.width < 100)
        status.render_now()
        text = status.build_text().plain
        assert "last:" in text and "ctx" not in text
    store.close()


async def test_cost_of_each_answer_and_of_the_conversation(azure_server, tmp_path: Path) -> None:
    prices = Prices(1000.0, 2000.0, "USD")  # per million tokens: 30 prompt + 10 completion = 0.05
    app, store, _ = make_app(azure_server.base_url, tmp_path / "h.db", prices=prices)
    async with app.run_test(size=(160, 30)) as pilot:
        screen = app.main_screen
        azure_server.enqueue(answer("A1", usage=usage(30, 10)), answer("A2", usage=usage(30, 10)))
        await send_and_wait(pilot, app, "first")
        assert "cost 0.0500 USD" in screen.panes.reasoning.stats.plain
        assert screen.panes.title.note == "cost 0.0500 USD"
        await send_and_wait(pilot, app, "second")
        assert screen.panes.title.plain == "r1-tui — first · cost 0.1000 USD"
        conv_id = screen.history.conv_id
        assert conv_id is not None
        await screen.history.new()
        assert screen.panes.title.note == ""
        await screen.history.open(conv_id)  # stored costs, shown again
        assert screen.panes.title.note == "cost 0.1000 USD"
        assert "cost 0.0500 USD" in screen.panes.reasoning.stats.plain
        screen.panes.title.set_subtitle("a very long title " * 5)
        await pilot.resize_terminal(80, 24)  # the cost stays whole at 80 columns: the title gives way
        await wait_for(pilot, lambda: screen.panes.title.size.width == 80)
        await wait_for(pilot, lambda: screen.panes.title.plain.endswith("… · cost 0.1000 USD"))  # redrawn at 80
        line = screen.panes.title.plain
        assert line.startswith("r1-tui — a very long title") and line.endswith("… · cost 0.1000 USD")
        assert len(line) <= 80
    store.close()


async def test_no_price_table_no_cost(azure_server, tmp_path: Path) -> None:
    app, store, _ = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(160, 30)) as pilot:
        azure_server.enqueue(answer("A1", usage=usage(30, 10)))
        await send_and_wait(pilot, app, "first")
        assert "cost" not in app.main_screen.panes.reasoning.stats.plain
        assert app.main_screen.panes.title.note == "" and "cost" not in app.main_screen.panes.title.plain
    store.close()


async def test_an_answer_asked_again_mid_conversation_is_a_fork_with_its_own_later_turns(azure_server,
                                                                                        tmp_path: Path) -> None:
    app, store, _ = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(100, 30)) as pilot:
        await two_turns(pilot, app, azure_server)
        screen = app.main_screen
        screen.panes.answers.answers()[0].focus()
        azure_server.enqueue(answer("A1-bis"))
        await pilot.press("r")
        await wait_for(pilot, lambda: "A1-bis" in shown_answers(app) and not screen.exchanges.running)
        await wait_for(pilot, lambda: prompts(app) == ["first"])  # the new answer has no later turns yet
        screen.panes.answers.answers()[0].focus()
        await pilot.press("left_parenthesis")  # the nearest fork is that answer: back to A1 and its turn
        await wait_for(pilot, lambda: prompts(app) == ["first", "second"])
        assert shown_answers(app) == ["A1", "A2"]
        await screen.context.saved()
        conv_id = screen.history.conv_id
        assert conv_id is not None
        assert history_show(tmp_path / "h.db", conv_id) == ["first", "A1", "second", "A2"]
    store.close()


async def test_a_profile_switch_brings_that_profiles_price_table(azure_server, tmp_path: Path) -> None:
    def factory(profile: str | None, deployment: str | None):
        client = ChatClient(EndpointSettings(azure_server.base_url, deployment or "dep", "none"))
        return client, RequestDefaults(), Prices(1000.0, 2000.0, "EUR") if profile == "priced" else None

    app, store, _ = make_app(azure_server.base_url, tmp_path / "h.db", client_factory=factory)
    async with app.run_test(size=(160, 30)) as pilot:
        await app.context.switch("priced", None)
        azure_server.enqueue(answer("A1", usage=usage(30, 10)))
        await send_and_wait(pilot, app, "first")
        assert app.main_screen.panes.title.note == "cost 0.0500 EUR"
        await app.context.switch("free", None)
        assert app.context.prices is None
        await app.context.aclose_owned_clients()
    store.close()


async def test_a_search_hit_on_another_branch_shows_that_branch(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    conv = seed(store, "zoo", [("tell me about koalas", "r", "eucalyptus")])
    other = store.add_user_message(conv, "tell me about wombats", parent_id=None)  # an edited first prompt
    reply = store.begin_answer(conv, other, model="m", deployment="dep", endpoint_host="h")
    store.update_answer(reply, answer="cubes", reasoning="r", state="complete", finish_reason="stop")
    first = next(m for m in store.get_conversation(conv).messages if m.content == "tell me about koalas")
    store.select(first.id)  # the koala branch is the active path
    app = build_app(client=None, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await search_and_open(pilot, app, "wombats", "prompt")
        assert prompts(app) == ["tell me about wombats"] and shown_answers(app) == ["cubes"]
        assert headers(app)[0].startswith("‹ 2/2 ›")
        assert not any("not shown" in str(n.message) for n in app._notifications)
    store.close()


async def test_flipping_away_from_a_prompt_being_edited_ends_the_edit(azure_server, tmp_path: Path) -> None:
    app, store, _ = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(100, 30)) as pilot:
        await two_turns(pilot, app, azure_server)
        screen = app.main_screen
        screen.panes.answers.answers()[1].focus()
        await pilot.press("e", "end", *" v2")
        azure_server.enqueue(answer("A2-bis"))
        await send_and_wait(pilot, app, "")
        screen.panes.answers.answers()[1].focus()
        await pilot.press("e")  # editing "second v2" ...
        assert app.query_one(PromptInput).text == "second v2"
        screen.panes.answers.answers()[0].focus()
        await pilot.press("left_parenthesis")  # ... no fork at the first answer: nothing changes
        assert screen.branches.editing is not None
        screen.panes.answers.answers()[1].focus()
        await pilot.press("left_parenthesis")  # ... then its branch goes: the edit ends, the draft is back
        await wait_for(pilot, lambda: prompts(app) == ["first", "second"])
        assert screen.branches.editing is None and app.query_one(PromptInput).text == ""
    store.close()


async def test_read_only_flipping_an_alternative_shows_its_later_turns(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    conv = seed(store, "zoo", [("tell me about koalas", "r", "eucalyptus"), ("and sleep?", "r", "20 hours")])
    koalas = next(m for m in store.get_conversation(conv).messages if m.content == "tell me about koalas")
    again = store.begin_answer(conv, koalas.id, model="m", deployment="dep", endpoint_host="h", choice_index=1)
    store.update_answer(again, answer="leaves", reasoning="r", state="complete", finish_reason="stop")
    store.select(again)  # the second answer, which has no later turn, is on the active path
    app = build_app(client=None, store=store, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.main_screen.history.open(conv)
        assert prompts(app) == ["tell me about koalas"] and shown_answers(app) == ["leaves"]
        app.main_screen.panes.answers.answers()[0].focus()
        await pilot.press("left_parenthesis")  # the nearest fork: the answers
        await wait_for(pilot, lambda: prompts(app) == ["tell me about koalas", "and sleep?"])
        assert shown_answers(app) == ["eucalyptus", "20 hours"]
    store.close()


async def test_an_edit_carries_the_prompts_attachments_and_esc_restores_the_drafts(azure_server,
                                                                                  tmp_path: Path) -> None:
    app, store, _ = make_app(azure_server.base_url, tmp_path / "h.db")
    notes, draft = Attachment("notes.txt", "line one\n"), Attachment("draft.txt", "later\n")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.main_screen
        chips = screen.panes.chips
        await chips.add(notes)
        azure_server.enqueue(answer("A1"))
        await send_and_wait(pilot, app, "summarise")
        assert chips.attachments == ()
        await chips.add(draft)  # the next prompt's attachment, not sent yet
        screen.panes.answers.answers()[0].focus()
        await pilot.press("e")
        assert app.query_one(PromptInput).text == "summarise" and chips.attachments == (notes,)
        await pilot.press("escape")
        assert app.query_one(PromptInput).text == "" and chips.attachments == (draft,)
        screen.panes.answers.answers()[0].focus()
        await pilot.press("e", "end", *" briefly")
        azure_server.enqueue(answer("B1"))
        await send_and_wait(pilot, app, "")
        (sent,) = azure_server.requests[-1].json["messages"]
        assert sent == {"role": "user", "content": compose("summarise briefly", (notes,))}
        assert chips.attachments == (draft,)  # the draft's attachment is back after the edit went
    store.close()
