"""A damaged conversation (wrong-typed values in a tampered file) opens with a clear message naming
what is damaged, and the rest of the history stays browsable (#15.10 in the app)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui.metrics import Timing, Usage
from tui.store import HistoryStore
from tui.ui.factory import build_app

try:
    from tests.uihelpers import wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import wait_for  # type: ignore[no-redef]


def tampered(path: Path) -> tuple[str, str]:
    with HistoryStore.open(path) as store:
        damaged = store.create_conversation("kept conversation")
        uid = store.add_user_message(damaged, "q")
        aid = store.begin_answer(damaged, uid, model="m", deployment="d", endpoint_host="h")
        store.append_to_answer(aid, answer="stored answer")
        store.update_answer(aid, state="complete", finish_reason="stop", usage=Usage(1, 2, 3, None, False),
                            timing=Timing(0.1, 0.2, 0.3))
        untouched = store.create_conversation("untouched")
        store.add_user_message(untouched, "fine prompt")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE messages SET prompt_tokens = 'abc', first_token_s = 'soon', choice_index = 'x' "
                 "WHERE role = 'assistant'")
    conn.execute("UPDATE conversations SET title = X'ff' WHERE id = ?", (damaged,))
    conn.commit()
    conn.close()
    return damaged, untouched


def _notes(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_a_damaged_conversation_says_so_and_the_rest_browses(tmp_path: Path) -> None:
    damaged, untouched = tampered(tmp_path / "h.db")
    store = HistoryStore.open(tmp_path / "h.db", read_only=True)
    app = build_app(client=None, store=store, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.main_screen
        assert await screen.history.open(damaged)
        await pilot.pause()
        answers = screen.panes.answers
        assert [b.answer for b in answers.answers()] == ["stored answer"]  # shown as best it can be
        banner = screen.query_one("#damage-note")
        text = str(banner.render())
        assert banner.display and "damaged" in text and "prompt_tokens is str 'abc'" in text, text
        assert f"conversation {damaged}: title" in text, text  # the conversation's own row too
        assert "damaged" in _notes(app)
        assert await screen.history.open(untouched)  # the rest browses, without the note
        await pilot.pause()
        assert not screen.query("#damage-note") or not screen.query_one("#damage-note").display
        assert [p.text for p in answers.prompts()] == ["fine prompt"]
    store.close()
