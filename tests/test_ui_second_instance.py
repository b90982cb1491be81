"""A second r1-tui (or ``ask``) writing to the same history: the list shows its new counts and rows
without a restart (#11 Confusing: "a second instance shows stale counts")."""

from __future__ import annotations

from pathlib import Path

from tui.store import HistoryStore
from tui.ui.factory import build_app
from tui.ui.history_controller import OTHER_WRITERS_S
from tui.ui.widgets.conversations import ConversationList

try:
    from tests.uihelpers import seed, wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import seed, wait_for  # type: ignore[no-redef]


def _rows(app) -> list[tuple[str, int]]:
    listing = app.main_screen.query_one(ConversationList)
    options = [listing.get_option_at_index(i) for i in range(listing.option_count)]
    return [(o.prompt.title, int(o.prompt.count.strip())) for o in options if o.id and hasattr(o.prompt, "title")]


async def test_the_list_follows_another_instance(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    store = HistoryStore.open(db)
    older = seed(store, "older", [("q0", "r0", "a0")])
    conv = seed(store, "shared", [("q", "r", "a")])
    app = build_app(client=None, store=store)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.main_screen
        listing = screen.query_one(ConversationList)
        await wait_for(pilot, lambda: _rows(app) == [("shared", 2), ("older", 2)])
        assert listing.has_focus  # offline: the list is where the keyboard is
        screen.history.follow_other_writers()  # what the timer does: first look
        with HistoryStore.open(db) as other:  # another process's connection
            seed(other, "from the other one", [("q2", "r2", "a2")])
            user = other.add_user_message(conv, "one more")
            answer = other.begin_answer(conv, user, model="m", deployment="d", endpoint_host="h")
            other.update_answer(answer, answer="x", state="complete", finish_reason="stop")
        screen.history.follow_other_writers()
        await wait_for(pilot, lambda: sorted(_rows(app)) == [("from the other one", 2), ("older", 2), ("shared", 4)])
        # the user opened one and moved the highlight to another: no reload under it until it is back
        assert await screen.history.open(conv)
        listing.highlighted = listing.get_option_index(older)
        with HistoryStore.open(db) as other:
            other.add_user_message(conv, "and another")
        screen.history.follow_other_writers()
        await pilot.pause()
        assert ("shared", 4) in _rows(app) and listing.highlighted == listing.get_option_index(older)
        listing.highlighted = listing.get_option_index(conv)
        screen.history.follow_other_writers()
        await wait_for(pilot, lambda: ("shared", 5) in _rows(app))
    assert 0 < OTHER_WRITERS_S <= 5
    store.close()
