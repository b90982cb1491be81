"""Following the end of a growing view (tui/ui/widgets/follow.py): anchored only while it overflows."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.ui.widgets.follow import FollowMixin


class Pane(FollowMixin, VerticalScroll):
    pass


class PaneApp(App[None]):
    def compose(self) -> ComposeResult:
        with Pane():
            yield Static("first line", id="first")
            yield Static("\n" * 30, id="filler")


async def test_the_anchor_goes_when_the_content_no_longer_overflows() -> None:
    """Anchored content shorter than the view is drawn bottom-aligned: the text would jump down."""
    app = PaneApp()
    async with app.run_test(size=(40, 12)) as pilot:
        pane = app.query_one(Pane)
        pane.follow(True)
        await pilot.pause()
        pane.check_follow()
        await pilot.pause()
        assert pane.is_anchored and pane.max_scroll_y > 0
        app.query_one("#filler", Static).update("short")  # the reserve goes, the content fits now
        await pilot.pause()
        pane.check_follow()
        await pilot.pause()
        assert not pane.is_anchored
        assert app.query_one("#first").region.y == pane.region.y  # read from the top, not bottom-aligned
