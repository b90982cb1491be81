"""A toggled pane comes back without re-rendering (issue 11: F2/F3 repaint), never with stale rows."""

from __future__ import annotations

import re

from textual.app import App, ComposeResult

from tui.ui.markdown.view import MarkdownView

TEXT = "# Title\n\n" + " ".join(f"word{i}" for i in range(120)) + "\n\n```py\nx = 1\n```\n"


class ViewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield MarkdownView(lambda: TEXT)


async def test_rows_of_the_width_before_are_reused_when_the_width_comes_back() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(MarkdownView)
        await pilot.pause()
        wide = view.rows
        await pilot.resize_terminal(60, 30)
        await pilot.pause()
        narrow, narrow_doc = view.rows, view._doc
        assert len(narrow) > len(wide)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert [tuple(r) for r in view.rows] == [tuple(r) for r in wide]
        await pilot.resize_terminal(60, 30)
        await pilot.pause()
        assert narrow_doc is not None and view._doc is narrow_doc  # swapped back, not rendered again
        assert [tuple(r) for r in view.rows] == [tuple(r) for r in narrow]


async def test_a_highlight_made_at_one_width_shows_at_the_other() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(MarkdownView)
        await pilot.pause()
        await pilot.resize_terminal(60, 30)
        await pilot.pause()
        rows = view.highlight(re.compile("word77"))
        assert rows
        await pilot.resize_terminal(100, 30)  # the spare rows at 100 were made without the highlight
        await pilot.pause()
        assert view._doc is not None and view._doc.renderer.pattern is not None
        assert view.highlight(re.compile("word77"))


async def test_a_reset_drops_the_spare_rows() -> None:
    texts = ["first text " * 30]
    app = App[None]()
    view = MarkdownView(lambda: texts[0])
    async with app.run_test(size=(100, 30)) as pilot:
        await app.mount(view)
        await pilot.pause()
        await pilot.resize_terminal(60, 30)
        await pilot.pause()
        texts[0] = "second text " * 30
        view.reset()
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert "second text" in view.text and "first text" not in view.text
