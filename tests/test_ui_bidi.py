"""Bidi overrides and zero-width characters are shown visibly (‹U+202E›, ‹U+200B›) in every one-line
place of the app: list rows, the title bar, the status bar, answer headers, toasts (#15.12)."""

from __future__ import annotations

from pathlib import Path

from tui.llm.client import ChatClient
from tui.llm.endpoint import EndpointSettings
from tui.store import HistoryStore
from tui.ui.factory import build_app
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.conversations import ConversationList

try:
    from tests.uihelpers import wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import wait_for  # type: ignore[no-redef]

HOSTILE = "invoice\u202egpj.exe\u200b\u2066x"
RAW = ("\u202e", "\u200b", "\u2066")


def _clean(text: str, where: str) -> None:
    assert not any(c in text for c in RAW), (where, text)
    assert "\u2039U+202E\u203a" in text, (where, text)


async def test_one_line_places_show_bidi_and_zero_width_visibly(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    conv = store.create_conversation(HOSTILE)
    user = store.add_user_message(conv, "q")
    answer = store.begin_answer(conv, user, model="m", deployment=HOSTILE, endpoint_host="h")
    store.update_answer(answer, answer="a", state="complete", finish_reason="stop")
    client = ChatClient(EndpointSettings("http://127.0.0.1:9/v1", HOSTILE, "none"))
    app = build_app(client=client, store=store, keymap={"copy_answer": HOSTILE, HOSTILE: "f11"})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.main_screen
        await wait_for(pilot, lambda: screen.panes.listing.option_count)
        row = screen.query_one(ConversationList).get_option_at_index(0).prompt
        _clean(row.title, "list row")
        await screen.history.open(conv)
        await pilot.pause()
        _clean(screen.panes.title.subtitle, "title bar")
        _clean(screen.panes.status.build_text().plain, "status bar")
        header = screen.panes.answers.answers()[0].query_one(".answer-header").render()
        _clean(str(header), "answer header")
        notes = [str(n.message) for n in app._notifications]  # the [keys] problem quotes the entry
        assert any("unknown binding id" in n for n in notes) and all(not any(c in n for c in RAW) for n in notes), notes
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        shown = app.screen.plain_text()
        assert "invoice" in shown and not any(c in shown for c in RAW), shown
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
        screen.history.archive(ConversationList.ArchiveRequested(conv, HOSTILE, True))
        await pilot.pause()
        notes = [str(n.message) for n in app._notifications]
        assert any("\u2039U+202E\u203a" in n for n in notes) and all(not any(c in n for c in RAW) for n in notes), notes
    await client.aclose()
    store.close()
