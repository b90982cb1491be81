"""A very long stored answer opens in parts: the first part rendered, "m" shows more, copying
takes all of it (#15.12: a 10 MB message must not hang the app; bench figures in the report)."""

from __future__ import annotations

from pathlib import Path

from tui.store import HistoryStore
from tui.ui.factory import build_app
from tui.ui.widgets.answer_block import LONG_TEXT, shown_part

try:
    from tests.uihelpers import seed, wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import seed, wait_for  # type: ignore[no-redef]

LINE = "word " * 15 + "\n"
BIG = LINE * (3 * LONG_TEXT // len(LINE))  # three parts' worth
FINAL = "THE-LAST-LINE\n"


def test_shown_part_cuts_after_a_line_break() -> None:
    assert shown_part("abc", None) == "abc" and shown_part("abc", 5) == "abc"
    assert shown_part("aaaa\nbbbb\ncc", 11) == "aaaa\nbbbb\n"
    assert shown_part("x" * 20, 8) == "x" * 8  # no line break near: cut at the limit


async def test_a_long_answer_opens_in_parts_and_copies_whole(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    conv = seed(store, "big", [("q", BIG + FINAL, BIG + FINAL)])
    app = build_app(client=None, store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.main_screen
        await screen.history.open(conv)
        await pilot.pause()
        block = screen.panes.answers.answers()[0]
        shown = block.markdown.text
        assert len(shown) <= LONG_TEXT and "THE-LAST-LINE" not in shown
        more = block.query_one(".answer-more")
        assert more.display and "m shows more" in str(more.render())
        trace = screen.panes.reasoning.trace.text
        assert len(trace) <= LONG_TEXT and "THE-LAST-LINE" not in trace
        assert block.answer.endswith(FINAL) and block.reasoning.endswith(FINAL)  # copy takes all of it
        block.focus()
        for _ in range(3):
            await pilot.press("m")
            await pilot.pause()
        await wait_for(pilot, lambda: "THE-LAST-LINE" in block.markdown.text)
        assert not block.query_one(".answer-more").display
        await wait_for(pilot, lambda: "THE-LAST-LINE" in screen.panes.reasoning.trace.text)
    store.close()
