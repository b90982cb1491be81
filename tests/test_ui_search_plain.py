"""Search results read as plain text (no Markdown syntax) with the match highlighted; opening one
highlights it in the conversation (#11 Confusing)."""

from __future__ import annotations

from pathlib import Path

from tui.formats.md_plain import plain_text
from tui.store import HistoryStore
from tui.ui.factory import build_app
from tui.ui.highlight import HIGHLIGHT_STYLE
from tui.ui.screens.search import SearchScreen

try:
    from tests.uihelpers import seed, wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import seed, wait_for  # type: ignore[no-redef]

ANSWER = "**17 × 23 = 391**\n\nBreaking 23 into 20 + 3:\n\n- 17 × 20 = 340\n- `17 × 3` = 51\n"


def test_plain_text_drops_the_syntax_and_keeps_the_words() -> None:
    assert plain_text(ANSWER) == "17 × 23 = 391 Breaking 23 into 20 + 3: • 17 × 20 = 340 • 17 × 3 = 51"
    assert plain_text("# Title\n> a *b* _c_ [link](http://x) ~~d~~") == "Title a b c link d"
    assert plain_text("```python\nx = 2 * 3 * 4\n```\n---\n17 * 23 and snake_case_name") == (
        "x = 2 * 3 * 4 17 * 23 and snake_case_name")
    assert plain_text("…**«391»** is") == "…«391» is"  # search-term markers pass through


async def test_search_results_are_plain_text_with_the_match_highlighted(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    conv = seed(store, "What is 17 * 23?", [("What is 17 * 23?", "thinking", ANSWER)])
    app = build_app(client=None, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        for ch in "391":
            await pilot.press(ch)
        screen = app.screen
        await wait_for(pilot, lambda: screen.searched == "391" and screen.hits)
        label = screen.query_one("#search-results").get_option_at_index(0).prompt
        assert "**" not in label.plain and "`" not in label.plain and "- 17" not in label.plain, label.plain
        assert "17 × 23 = 391" in label.plain
        start = label.plain.index("391")
        assert any(span.start <= start < span.end and str(span.style) == HIGHLIGHT_STYLE for span in label.spans)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.main_screen.history.conv_id == conv)
        await app.main_screen.history.settled()

        def highlighted() -> bool:  # the match is highlighted in the opened answer
            view = app.main_screen.panes.answers.answers()[0].markdown
            rows = [view.render_line(y) for y in range(view.row_count)]
            return any(seg.text.startswith("391") and seg.style and seg.style.bgcolor for row in rows for seg in row)

        await wait_for(pilot, highlighted)
    store.close()
