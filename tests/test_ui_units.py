"""Units of the UI layer: trace wrapping, turns for follow-ups, titles, status text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from tui.chat.titles import title_for as make_title
from tui.ui.widgets.lines import append_rows
from tui.ui.widgets.reasoning_log import MARGIN, ReasoningLog
from tui.ui.widgets.status import StatusBar, Tokens


def _rows(chunks: list[str], width: int) -> list[str]:
    rows: list[str] = []
    for chunk in chunks:
        append_rows(rows, chunk, width)
    return rows


@settings(max_examples=80, deadline=None, derandomize=True)
@given(st.lists(st.text(alphabet="ab .\n", max_size=200), max_size=30), st.integers(min_value=1, max_value=40))
def test_rows_keep_the_text_and_fit_the_width(chunks: list[str], width: int) -> None:
    rows = _rows(chunks, width)
    assert "".join(rows) == "".join(chunks)  # nothing lost, nothing added
    assert all(len(row.rstrip("\n").rstrip(" ")) <= width for row in rows)
    assert rows == _rows(["".join(chunks)], width)  # appending piece by piece wraps as all at once


def test_wrapping_per_append_is_bounded(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each append re-wraps only the unfinished last row: the work does not grow with the trace."""
    from tui.ui.widgets import lines

    wrapped: list[int] = []
    real = lines.wrap_line
    monkeypatch.setattr(lines, "wrap_line", lambda text, width: wrapped.append(len(text)) or real(text, width))
    rows: list[str] = []
    for _ in range(20_000):
        append_rows(rows, "token ", 60)
    assert len(rows) > 1000 and max(wrapped) <= 60 + len("token ")


class _LogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ReasoningLog()


def _screen_rows(log: ReasoningLog) -> list[str]:
    return [log.render_line(y).text[MARGIN:].rstrip() for y in range(log.scrollable_content_region.height)]  # less the mark column


async def test_reasoning_log_20k_tokens_shown() -> None:
    """20k streamed tokens end on screen (the log follows); the work per append is bounded by
    test_wrapping_per_append_is_bounded (counted), its speed by bench/, never by a timer here."""
    app = _LogApp()
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.query_one(ReasoningLog)
        log.set_text("", live=True)
        for i in range(20_000):
            log.append(f"tok{i} ")
            if i % 500 == 0:
                log.flush()
        log.flush()
        await pilot.pause()
        assert any(row.endswith("tok19999") for row in _screen_rows(log))  # followed: the end is on screen
        log.set_text("short\n\nagain")
        await pilot.pause()
        assert _screen_rows(log)[:3] == ["short", "", "again"]


async def _followed(pilot, app: _LogApp, lines: int) -> ReasoningLog:  # type: ignore[no-untyped-def]
    """The app's log streaming ``lines`` lines, followed, laid out."""
    log = app.query_one(ReasoningLog)
    log.set_text("", live=True)
    log.append("".join(f"line {i}\n" for i in range(lines)))
    log.flush()
    await pilot.pause()
    return log


async def test_no_scrollbar_while_a_followed_trace_grows_and_back_when_the_user_scrolls() -> None:
    """Each scroll step would repaint the whole scrollbar track (bench/: ~1.8 KB a step at 120x40)."""
    app = _LogApp()
    async with app.run_test(size=(80, 24)) as pilot:
        log = await _followed(pilot, app, 200)
        assert log.max_scroll_y > 0 and log.styles.scrollbar_visibility == "hidden"
        assert log.scrollable_content_region.width - MARGIN == log.wrap_width  # the gutter stays: no re-wrap later
        log.end_stream()
        await pilot.pause()
        assert log.styles.scrollbar_visibility == "hidden"  # not at the end: that layout repaints everything
        log.scroll_to(y=0, animate=False)
        await pilot.pause()
        assert log.styles.scrollbar_visibility == "visible"
        log.set_text("another trace\n" * 100, live=True)
        log.append("more\n")
        log.flush()
        await pilot.pause()
        assert log.scroll_y == log.max_scroll_y > 0 and log.styles.scrollbar_visibility == "hidden"
        log.scroll_to(y=0, animate=False)  # scrolled up while it streams: following stops
        await pilot.pause()
        assert not log.following and log.styles.scrollbar_visibility == "hidden"
        app.set_focus(None)
        log.focus()  # the pane focused (Tab): the bar is back
        await pilot.pause()
        assert log.styles.scrollbar_visibility == "visible"


async def test_a_followed_trace_grows_without_a_layout_and_the_bar_is_right_after() -> None:
    """Growing a followed trace by half-pane steps lays nothing out (a layout of the whole screen
    costs 4-10 ms a step, bench/); the view still follows, and the bar shown afterwards fits the text."""
    from textual import messages

    app = _LogApp()
    async with app.run_test(size=(80, 24)) as pilot:
        log = await _followed(pilot, app, 40)
        assert log.show_vertical_scrollbar and log.scroll_y == log.max_scroll_y > 0
        layouts: list[object] = []
        post = app.screen.post_message
        app.screen.post_message = lambda m: (isinstance(m, messages.Layout) and layouts.append(m)) or post(m)  # type: ignore[method-assign]
        for i in range(40, 200):
            log.append(f"line {i}\n")
            log.flush()
            if i % 20 == 0:
                await pilot.pause()
        await pilot.pause()
        assert layouts == []
        assert log.virtual_size.height >= 200 and log.scroll_y == log.max_scroll_y  # followed: the end shown
        assert "line 199" in _screen_rows(log)
        log.end_stream()
        log.scroll_to(y=0, animate=False)  # the user scrolls up: the bar is back, sized to the whole text
        await pilot.pause()
        assert log.styles.scrollbar_visibility == "visible"
        assert log.vertical_scrollbar.window_virtual_size == log.virtual_size.height == 200


def test_make_title() -> None:
    assert make_title("  hello\n  world ") == "hello world"
    title = make_title("x" * 100)
    assert len(title) == 60 and title.endswith("\u2026")
    assert make_title("   ") == "untitled"


def test_tokens_format_marks_estimates() -> None:
    t = Tokens(10, 20, 30, 5, estimated=True, reasoning_estimated=True)
    assert t.format() == "~10 prompt · ~20 compl · ~30 total · ~5 reasoning"
    total = Tokens()
    total.add(Tokens(1, 2, 3, None))
    total.add(Tokens(1, 2, 3, 4))
    assert total.format() == "2 prompt · 4 compl · 6 total · 4 reasoning"


def test_status_retry_countdown_text(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tui.ui.widgets import status

    clock = [100.0]
    monkeypatch.setattr(status.time, "monotonic", lambda: clock[0])  # an injected clock, no sleeping
    bar = StatusBar()
    bar.model.endpoint = "dep @ host · auth key"
    bar.model.retry_reason = "429 rate limited"
    bar.model.retry_attempt, bar.model.retry_max = 2, 6
    bar.model.retry_deadline = 103.4
    assert "429 rate limited · retry 2/6 in 3.4 s (Esc cancels)" in bar.build_text().plain
    clock[0] = 102.0
    assert "retry 2/6 in 1.4 s (Esc cancels)" in bar.build_text().plain
    clock[0] = 104.0  # past the deadline: never a negative countdown
    assert "retry 2/6 in 0.0 s (Esc cancels)" in bar.build_text().plain
