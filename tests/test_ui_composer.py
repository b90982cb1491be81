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


async def test_attach_dialog_completes_refuses_and_sends_the_file_as_ask_does(azure_server, tmp_path: Path,
                                                                             monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tui.chat.attachments import compose
    from tui.store.models import Attachment
    from tui.ui.screens.attach import AttachScreen, PathInput
    from tui.ui.widgets.chip import AttachmentChip
    from tui.ui.widgets.prompt_block import PromptBlock

    home = tmp_path / "home"
    (home / "docs").mkdir(parents=True)
    (home / "docs" / "notes.md").write_text("alpha\nbeta\n", encoding="utf-8")
    (home / "docs" / "image.bin").write_bytes(b"\x89PNG\x00\x01")
    (home / "docs" / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    monkeypatch.setenv("HOME", str(home))
    app, store, _client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await pilot.press("alt+a")
        await wait_for(pilot, lambda: isinstance(app.screen, AttachScreen))
        field = app.screen.query_one(PathInput)
        await pilot.press("~", "/", "d", "tab")
        assert field.value == "~/docs/"
        await pilot.press("tab")  # several matches: listed, the path as far as they agree
        assert field.value == "~/docs/"
        await pilot.press("i", "tab")
        assert field.value == "~/docs/image.bin"
        await pilot.press("enter")
        await pilot.pause()
        message = str(app.screen.query_one("#attach-message").render())
        assert isinstance(app.screen, AttachScreen) and "binary" in message  # refused, the dialog stays
        field.value = "~/docs/latin1.txt"
        await pilot.press("enter")
        await pilot.pause()
        assert "not UTF-8" in str(app.screen.query_one("#attach-message").render())
        (home / "docs" / "huge.txt").write_text("x" * 400_001, encoding="utf-8")
        field.value = "~/docs/huge.txt"
        await pilot.press("enter")
        await pilot.pause()
        assert "limit is 400,000" in str(app.screen.query_one("#attach-message").render())
        field.value = ""
        await pilot.press("~", "/", "d", "tab", "n", "tab", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, AttachScreen))
        chips = list(app.query(AttachmentChip))
        assert [c.attachment for c in chips] == [Attachment("~/docs/notes.md", "alpha\nbeta\n")]
        assert prompt.has_focus
        await pilot.press(*"Summarise", "enter")
        await wait_for(pilot, lambda: azure_server.requests and not app.main_screen.exchanges.running)
        sent = azure_server.requests[-1].json["messages"][-1]
        assert sent == {"role": "user", "content": compose("Summarise", [Attachment("~/docs/notes.md", "alpha\nbeta\n")])}
        assert sent["content"].startswith("~/docs/notes.md\n```\nalpha\nbeta\n```\n\nSummarise")
        assert not list(app.query(AttachmentChip)) and prompt.text == ""  # cleared after sending
        shown = app.query(PromptBlock).last()
        assert "attached: ~/docs/notes.md, 2 lines" in str(shown.render())
        await app.main_screen.exchanges.stop_and_wait()
    store.close()
    from tests.test_ask_cli import ask

    result = ask(tmp_path, azure_server, "-a", "~/docs/notes.md", "Summarise", HOME=str(home))
    assert result.returncode == 0, result.stderr
    assert azure_server.requests[-1].json["messages"][-1] == sent  # the app sends what `ask -a` sends


async def test_a_chip_is_removed_with_delete_and_the_focus_returns_to_the_prompt(azure_server, tmp_path: Path) -> None:
    from tui.store.models import Attachment
    from tui.ui.widgets.chip import AttachmentChip
    from tui.ui.widgets.chips import AttachmentChips

    app, store, _client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        chips = app.query_one(AttachmentChips)
        await chips.add(Attachment("a.txt", "a\n"))
        await chips.add(Attachment("b.txt", "b\n"))
        await pilot.press("shift+tab")  # from the prompt: the chips
        assert app.focused is chips.chips()[-1]
        await pilot.press("left")
        assert app.focused is chips.chips()[0]
        await pilot.press("delete")
        assert [c.attachment.name for c in chips.chips()] == ["b.txt"] and app.focused is chips.chips()[0]
        await pilot.press("backspace")
        await pilot.pause()
        assert not chips.chips() and prompt.has_focus and not chips.display
    store.close()


async def test_a_long_paste_becomes_a_chip_and_expands_back(azure_server, tmp_path: Path) -> None:
    from textual import events

    from tui.ui.widgets.chip import AttachmentChip

    app, store, _client = make_app(azure_server.base_url, tmp_path / "h.db")
    text = "".join(f"line {i}\r\n" for i in range(312))
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await pilot.press("h", "i")
        prompt.post_message(events.Paste("\n".join(f"short {i}" for i in range(40))))  # 40 lines: typed
        await pilot.pause()
        assert prompt.text.count("short") == 40 and not list(app.query(AttachmentChip))
        prompt.clear()
        prompt.post_message(events.Paste(text))
        await wait_for(pilot, lambda: list(app.query(AttachmentChip)))
        (chip,) = app.query(AttachmentChip)
        assert str(chip.render()).startswith("pasted text, 312 lines")
        assert chip.attachment.content == text.replace("\r\n", "\n") and prompt.text == ""
        await pilot.press("shift+tab", "enter")  # the focused chip expands into the prompt
        await wait_for(pilot, lambda: not list(app.query(AttachmentChip)))
        assert prompt.text == text.replace("\r\n", "\n") and prompt.has_focus
    store.close()


async def test_palette_offers_the_composer_and_says_why_not_without_an_endpoint(azure_server, tmp_path: Path) -> None:
    from tui.store import HistoryStore
    from tui.ui.commands import palette_entries
    from tui.ui.factory import build_app
    from tui.ui.screens.attach import AttachScreen

    names = ("Compose in editor", "Attach a file", "Search earlier prompts")
    store = HistoryStore.open(tmp_path / "offline.db")
    offline = build_app(client=None, store=store)
    async with offline.run_test(size=(80, 24)):
        entries = {e.name: e for e in palette_entries(offline.main_screen)}
        assert all(entries[n].why_not == "no endpoint is configured (Set up an endpoint)" for n in names)
    store.close()
    app, store, _client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(80, 24)) as pilot:
        entries = {e.name: e for e in palette_entries(app.main_screen)}
        assert all(entries[n].why_not is None for n in names)
        await app.main_screen.run_command("attach")
        await wait_for(pilot, lambda: isinstance(app.screen, AttachScreen))
        await pilot.press("enter")  # nothing typed: says what to type, stays open
        assert "Type the path" in str(app.screen.query_one("#attach-message").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AttachScreen))
        assert app.query_one(PromptInput).has_focus
    store.close()


async def test_attachments_alone_can_be_sent_and_name_the_conversation(azure_server, tmp_path: Path) -> None:
    from tui.store.models import Attachment
    from tui.ui.widgets.chips import AttachmentChips

    app, store, _client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await pilot.press("enter")  # nothing typed, nothing attached: nothing is sent
        await pilot.pause()
        assert not azure_server.requests
        await app.query_one(AttachmentChips).add(Attachment("report.csv", "a,b\n1,2\n"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: azure_server.requests and not app.main_screen.exchanges.running)
        assert azure_server.requests[-1].json["messages"][-1]["content"] == "report.csv\n```\na,b\n1,2\n```"
        await app.main_screen.context.saved()
        (row,) = store.list_conversations()
        assert row.title == "report.csv"
        (user,) = [m for m in store.get_conversation(row.id).messages if m.role == "user"]
        assert user.content == "" and user.attachments == (Attachment("report.csv", "a,b\n1,2\n"),)
    store.close()


async def test_a_prompt_over_the_limit_with_its_attachments_is_refused_before_sending(azure_server,
                                                                                     tmp_path: Path) -> None:
    from tui.store.models import Attachment
    from tui.ui.widgets.chips import AttachmentChips

    app, store, _client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        chips = app.query_one(AttachmentChips)
        await chips.add(Attachment("big.txt", "x" * 399_995))
        await pilot.press(*"too long now", "enter")
        await wait_for(pilot, lambda: any("limit is 400,000" in str(n.message) for n in app._notifications))
        assert not azure_server.requests and prompt.text == "too long now" and len(chips.chips()) == 1
        assert store.list_conversations() == []
    store.close()


async def test_a_reopened_conversation_notes_the_attachments_of_its_prompts(azure_server, tmp_path: Path) -> None:
    from tui.store.models import Attachment
    from tui.ui.widgets.prompt_block import PromptBlock

    app, store, _client = make_app(azure_server.base_url, tmp_path / "h.db")
    conv = store.create_conversation("with files")
    user = store.add_user_message(conv, "Compare", attachments=(Attachment("a.py", "x = 1\n"),
                                                                Attachment("b\x1b[2J.py", "y\nz\n")))
    answer = store.begin_answer(conv, user, model="m", deployment="dep", endpoint_host="h")
    store.update_answer(answer, answer="Same.", reasoning="", state="complete", finish_reason="stop")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.main_screen.history.open(conv)
        await wait_for(pilot, lambda: list(app.query(PromptBlock)))
        shown = str(app.query_one(PromptBlock).render())
        assert "Compare\nattached: a.py, 1 line; b␛[2J.py, 2 lines" in shown and "\x1b" not in shown
    store.close()
