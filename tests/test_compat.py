"""Canaries for tui/ui/compat.py: each Textual internal we rely on is still there and still does
what the patch needs, on the pinned Textual. A failure here means: check the fallback, update
the patch, then the pin."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.ui import compat

PASTE = "\x1b[200~{}\x1b[201~"


def test_every_internal_is_available_on_the_pinned_textual() -> None:
    assert compat.installed() == {"scroll_repaint_fix": True, "cropped_renders": True, "alt_enter": True,
                                  "paste_guard": True, "size_hook": True}


def _parser():  # type: ignore[no-untyped-def]
    from textual._xterm_parser import XTermParser

    return XTermParser()


def _feed(parser, *chunks: str) -> list[object]:  # type: ignore[no-untyped-def]
    events: list[object] = []
    for chunk in chunks:
        events.extend(parser.feed(chunk))
    return events


def test_the_unpatched_parser_turns_escapes_in_a_paste_into_keys() -> None:
    """What the guard is for: without it, 60 KB of escapes inside a paste become keystrokes."""
    from textual._xterm_parser import XTermParser

    feed = getattr(XTermParser.feed, "__wrapped__", XTermParser.feed)  # Textual's own, patched or not
    events = list(feed(XTermParser(), PASTE.format("\x1b[31mred\x1b[0m " * 200)))
    assert sum(1 for e in events if type(e).__name__ == "Key") > 100


def test_paste_guard_makes_one_event_of_any_paste() -> None:
    assert compat.install_paste_guard(1000) and compat.install_paste_guard(1000)  # idempotent
    text = "\x1b[31mred\x1b[0m \x1b]0;T\x07 \x1b[2J line\rnext " * 20
    parser = _parser()
    events = _feed(parser, "a", PASTE.format(text), "b")
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["Key", "Paste", "Key"]
    assert events[1].text == text  # type: ignore[attr-defined]


def test_paste_guard_across_reads_and_with_a_cap() -> None:
    compat.install_paste_guard(1000)
    parser = _parser()
    whole = PASTE.format("x" * 5000)
    events = _feed(parser, *(whole[i : i + 7] for i in range(0, len(whole), 7)))  # markers split too
    pastes = [e for e in events if type(e).__name__ == "Paste"]
    assert len(pastes) == 1 and pastes[0].text == "x" * 1000  # type: ignore[attr-defined]


def test_paste_guard_leaves_keys_and_a_lone_escape_alone() -> None:
    compat.install_paste_guard(1000)
    parser = _parser()
    keys = [getattr(e, "key", None) for e in _feed(parser, "\x1b[A", "q", "\x1b[15~")]
    assert keys == ["up", "q", "f5"]
    assert _feed(parser, "\x1b[2") == []  # could be the start of a paste: held until more comes ...
    assert [getattr(e, "key", None) for e in _feed(parser, "~")] == ["insert"]  # ... it was Insert
    assert _feed(parser, "\x1b[20") == []
    parser.__dict__["_r1_paste"].held_at -= 1.0  # ... or until the escape delay has passed:
    list(parser.tick())  # then it goes to Textual's parser as typed
    assert parser.__dict__["_r1_paste"].held == ""


def test_alt_enter_is_a_key() -> None:
    assert compat.install_alt_enter()
    keys = [getattr(e, "key", None) for e in _feed(_parser(), "\x1b\r")]
    assert keys == ["alt+enter"]


class _Pane(App[None]):
    def compose(self) -> ComposeResult:
        with VerticalScroll(id="scroll"):
            for i in range(60):
                yield Static(f"line {i}")


async def test_scroll_after_a_layout_repaints_only_what_moved() -> None:
    """Without the fix the compositor compares a scroll against an empty map: every widget counts as exposed."""
    app = _Pane()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        compositor = app.screen._compositor
        assert compat.install_scroll_repaint_fix() and compat.install_scroll_repaint_fix()  # idempotent
        unpatched = type(compositor).reflow_visible.__wrapped__
        compositor._visible_map = None  # as a full layout leaves it
        assert compositor._full_map
        assert unpatched(compositor, app.screen, app.screen.size)  # Textual alone: all "exposed"
        compositor._visible_map = None
        assert compositor.reflow_visible(app.screen, app.screen.size) == set()  # patched: nothing moved


class _Growing(compat.SteadySize, Static):
    pass


class _Grows(App[None]):
    def compose(self) -> ComposeResult:
        yield _Growing("steady", id="steady")
        yield Static("plain", id="plain")


async def test_a_widget_that_only_grew_taller_is_not_marked_dirty_again() -> None:
    app = _Grows()
    async with app.run_test(size=(40, 20)) as pilot:
        counts = {"steady": 0, "plain": 0}
        for name in counts:
            widget = app.query_one(f"#{name}")
            original = widget._set_dirty

            def spy(*regions, _name=name, _original=original):  # type: ignore[no-untyped-def]
                if not regions:
                    counts[_name] += 1
                return _original(*regions)

            widget._set_dirty = spy  # type: ignore[method-assign]
            widget.styles.height = 5
        await pilot.pause()
        assert counts["plain"] >= 1 and counts["steady"] < counts["plain"]


class _Screenful(App[None]):
    """Widgets side by side and stacked, one clipped by a scrolled container, one with a border."""

    CSS = "#side { width: 12; border: round red; } #bottom { height: 2; background: blue; }"

    def compose(self) -> ComposeResult:
        from textual.containers import Horizontal

        with Horizontal():
            yield Static("\n".join(f"side {i}" for i in range(30)), id="side")
            with VerticalScroll(id="scroll"):
                for i in range(40):
                    yield Static(f"[b]row {i}[/b] " + "word " * (i % 7), id=f"r{i}")
        yield Static("status line one\nstatus line two", id="bottom")


async def test_a_partial_update_renders_only_the_rows_it_changes_and_draws_the_same() -> None:
    """Textual alone asks every widget in the dirty regions' bounding box for all its rows;
    patched, each widget only the rows a dirty region crosses, and the bytes sent for each
    update are the same as Textual's own (seeded random dirty regions)."""
    import random
    import re

    from textual.geometry import Region

    app = _Screenful()
    async with app.run_test(size=(50, 16)) as pilot:
        app.query_one("#scroll").scroll_to(y=7, animate=False)  # partly scrolled: some rows clipped
        await pilot.pause()
        assert compat.install_cropped_renders() and compat.install_cropped_renders()  # idempotent
        compositor = app.screen._compositor
        kind = type(compositor)
        patched = (kind._get_renders, kind.render_partial_update)
        unpatched = (patched[0].__wrapped__, patched[1].__wrapped__)
        asked: list[tuple[str, int]] = []
        rows: list[tuple[str, int]] = []  # (widget, row) of every row asked for
        for widget in app.screen.walk_children():
            real = widget.render_lines

            def spy(crop, _real=real, _id=str(widget.id)):  # type: ignore[no-untyped-def]
                asked.append((_id, crop.height))
                rows.extend((_id, y) for y in crop.line_range)
                return _real(crop)

            widget.render_lines = spy  # type: ignore[method-assign]

        def update(methods, regions) -> tuple[str, int]:  # type: ignore[no-untyped-def]
            kind._get_renders, kind.render_partial_update = methods
            try:
                asked.clear()
                rows.clear()
                compositor._dirty_regions.clear()
                compositor._dirty_regions.update(regions)
                return compositor.render_partial_update().render_segments(app.console), sum(h for _, h in asked)
            finally:
                kind._get_renders, kind.render_partial_update = patched

        def drawn(update: str) -> str:
            """Without cursor moves that draw nothing (Textual moves to a cell just past a span's end)."""
            return re.sub(r"\x1b\[\d+;\d+H(?=\n|\x1b\[\d+;\d+H|$)", "", update)

        rng = random.Random(15)
        for _ in range(80):
            regions = [Region(rng.randrange(50), rng.randrange(16), rng.randint(1, 20), rng.randint(1, 3))
                       .intersection(compositor.size.region) for _ in range(rng.randint(1, 4))]
            textual_alone, ours = update(unpatched, regions), update(patched, regions)
            assert drawn(ours[0]) == drawn(textual_alone[0])  # the same update on the terminal
            assert ours[1] <= textual_alone[1]
            assert len(rows) == len(set(rows))  # no row of a widget twice (overlapping regions merged)
        # a row at the top of the scroll pane and a cell of the status line: nothing between them renders
        update(patched, [Region(20, 1, 10, 1), Region(45, 15, 3, 1)])
        assert "side" not in {name for name, _ in asked} and all(height == 1 for _, height in asked)
        update(patched, [Region(20, 1, 10, 1)])  # inside one row of the scroll pane: that row only,
        assert [name for name, _ in asked] == ["r8"]  # not the containers behind it
        update(unpatched, [Region(20, 1, 10, 1), Region(45, 15, 3, 1)])
        assert max(h for name, h in asked if name == "side") > 10  # Textual alone: the whole sidebar, for two changed rows
