"""Line-API widgets read their Rich style once per render pass (tui/ui/widgets/pass_style.py)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widget import Widget

from tui.ui.markdown.view import MarkdownView
from tui.ui.widgets.reasoning_log import ReasoningLog


TEXT = "".join(f"paragraph {i}\n\n" for i in range(10))


class _Both(App[None]):
    def compose(self) -> ComposeResult:
        yield ReasoningLog()
        yield MarkdownView(lambda: TEXT)


def _count_style_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    real = Widget.rich_style

    def counted(self: Any) -> Any:
        reads.append(type(self).__name__)
        return real.fget(self)  # type: ignore[attr-defined]

    monkeypatch.setattr(Widget, "rich_style", property(counted))
    return reads


async def test_one_style_walk_per_render_pass_and_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    app = _Both()
    async with app.run_test(size=(60, 30)) as pilot:
        log, view = app.query_one(ReasoningLog), app.query_one(MarkdownView)
        log.set_text("".join(f"line {i}\n" for i in range(40)))
        view.reset()
        await pilot.pause()
        for widget in (log, view):
            rows = widget.size.height
            alone = [widget.render_line(y) for y in range(rows)]  # outside a pass: worked out per row
            widget.refresh()  # else the styles cache answers the pass without asking for any row
            reads = _count_style_reads(monkeypatch)
            crop = Region(0, 0, widget.size.width, rows)
            in_pass = widget.render_lines(crop)
            monkeypatch.undo()
            assert reads == [type(widget).__name__]  # one walk of the ancestors for the whole pass
            assert len(in_pass) == rows
            assert [s.text for s in in_pass] == [s.text for s in alone] and rows > 5
            assert [list(s) for s in in_pass] == [list(s) for s in alone]  # the same segments and styles
