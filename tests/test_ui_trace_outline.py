"""Reading a trace in the app (#14): the outline of the reasoning pane (steps, pivots marked in
its margin, the header's ``step n/m``, tokens and seconds) and find in trace, at 80x24."""

from __future__ import annotations

from pathlib import Path

from tui.metrics import Usage
from tui.store import HistoryStore
from tui.trace.outline import share_out
from tui.trace.steps import split_steps
from tui.trace.timeline import Sample, Timeline, encode
from tui.ui.commands import palette_entries
from tui.ui.screens.help import HelpScreen
from tui.ui.widgets.find_bar import FindBar
from tui.ui.widgets.prompt import PromptInput
from tui.ui.widgets.reasoning_log import MARGIN, PIVOT_MARK, STEP_MARK

try:
    from tests.loopback import Stream
    from tests.uihelpers import USAGE, make_app, seed, send, wait_for
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream  # type: ignore[no-redef]
    from uihelpers import USAGE, make_app, seed, send, wait_for  # type: ignore[no-redef]

FILLER = " ".join(["More careful arithmetic goes here."] * 6)
# Twelve paragraphs; pivots open paragraphs 5 ("Wait") and 10 ("But"): both below the fold at 80x24.
PARAGRAPHS = [f"Step {i}: {FILLER}" for i in range(1, 13)]
PARAGRAPHS[4] = f"Wait, that was wrong. {FILLER}"
PARAGRAPHS[9] = f"But then again, maybe not. {FILLER}"
TRACE = "\n\n".join(PARAGRAPHS)


def header(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.main_screen.query_one("#reasoning-header").render())


def marks(log) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(margin cell, text) of every row of the trace."""
    rows = []
    for y in range(len(log.rows)):
        text = log.render_line(y - int(log.scroll_y)).text if 0 <= y - int(log.scroll_y) < log.size.height else None
        if text is not None:
            rows.append((text[:MARGIN], text[MARGIN:].rstrip()))
    return rows


async def open_first(app, pilot) -> None:  # type: ignore[no-untyped-def]
    screen = app.main_screen
    await screen.history.open(app.context.store.list_conversations()[0].id)
    await pilot.pause()
    screen.set_focus(screen.panes.reasoning.trace)  # letter keys work outside the prompt
    await pilot.pause()


def seeded(tmp_path: Path, reasoning: str = TRACE, *, timeline: Timeline | None = None,
           usage: Usage = USAGE) -> Path:
    db = tmp_path / "h.db"
    store = HistoryStore.open(db)
    seed(store, "t", [("q", reasoning, "The answer is 391.")], usage=usage)
    if timeline is not None:
        msg = next(m for m in store.get_conversation(store.list_conversations()[0].id).messages
                   if m.role == "assistant")
        store.save_timeline(msg.id, encode(timeline))
    store.close()
    return db


async def test_step_and_pivot_keys_scroll_mark_and_count_at_80x24(tmp_path: Path) -> None:
    app, store, client = make_app("http://127.0.0.1:9/openai/v1/", seeded(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(app, pilot)
        log = app.main_screen.panes.reasoning.trace
        assert header(app).startswith("Reasoning")  # nothing chosen yet: the plain header
        await pilot.press("s")
        await pilot.pause()
        assert header(app).startswith("step 1/12 · 2 pivots · ~")
        assert "no timeline" in header(app)  # seeded without one, like answers saved before timelines
        mark, text = marks(log)[0]
        assert mark == STEP_MARK and text.startswith("Step 1: More careful")

        await pilot.press("w")  # the first pivot, far below: the pane scrolls to it
        await pilot.pause()
        assert header(app).startswith("step 5/12 · 2 pivots")
        assert log.scroll_y > 0
        shown = marks(log)
        assert shown[0][0] == PIVOT_MARK and shown[0][1].startswith("Wait, that was wrong.")
        assert all(mark == STEP_MARK for mark, text in shown[1:] if text and not text.startswith("Step 6"))

        await pilot.press("w")
        await pilot.pause()
        assert header(app).startswith("step 10/12")
        await pilot.press("w")  # no pivot after the last: it stays, and says so
        await pilot.pause()
        assert header(app).startswith("step 10/12")
        await pilot.press("W")
        await pilot.pause()
        assert header(app).startswith("step 5/12")
        await pilot.press("S", "S")
        await pilot.pause()
        assert header(app).startswith("step 3/12")
        await pilot.press("s")
        await pilot.pause()
        assert header(app).startswith("step 4/12")
        # every pivot is marked in the margin wherever the pane is scrolled
        log.scroll_to(y=log.row_of(log.text.index("But then")), animate=False)
        await pilot.pause()
        assert (PIVOT_MARK, "But then again, maybe not.") in [(m, t[:26]) for m, t in marks(log)]
    store.close()
    await client.aclose()


async def test_configured_pivots_reach_the_pane(tmp_path: Path) -> None:
    trace = "Start here. Zebra thinks otherwise. Wait, no pivot now. Zebra again."
    app, store, client = make_app("http://127.0.0.1:9/openai/v1/", seeded(tmp_path, trace), pivots=("Zebra",))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(app, pilot)
        outline = app.main_screen.review.outline
        assert [s.pivot for s in outline.steps] == [None, "Zebra", "Zebra"]  # sentences: no blank line
        await pilot.press("w")
        await pilot.pause()
        assert header(app).startswith("step 2/3 · 2 pivots")
        log = app.main_screen.panes.reasoning.trace
        assert log.render_line(0).text.startswith(PIVOT_MARK + "Start here.")  # the pivot's first row
    store.close()
    await client.aclose()


async def test_step_seconds_come_from_the_stored_timeline(tmp_path: Path) -> None:
    first = len(PARAGRAPHS[0]) + 2  # step 1 with its blank line
    # the reasoning arrived over 10 s at a steady pace, then the answer
    timeline = Timeline((Sample(0.5, 1, 0), Sample(10.5, len(TRACE), 0), Sample(11.0, len(TRACE), 18)))
    usage = Usage(10, 1500, 1510, 1200, False)
    app, store, client = make_app("http://127.0.0.1:9/openai/v1/", seeded(tmp_path, timeline=timeline, usage=usage))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        seconds = 10.0 * (first - 1) / (len(TRACE) - 1)
        tokens = share_out(1200, [s.end - s.start for s in split_steps(TRACE)])[0]  # usage's, shared by characters
        assert header(app) == f"step 1/12 · 2 pivots · ~{tokens} tok · {seconds:.2f} s"  # under a second
    store.close()
    await client.aclose()


async def test_outline_follows_a_stream_without_splitting_every_delta(azure_server, tmp_path: Path) -> None:
    chunks = [f"Thought {i} goes on. " for i in range(60)] + ["Wait, check it. "] + [f"More {i}. " for i in range(60)]
    trace = "".join(chunks)
    azure_server.enqueue(Stream(reasoning_chunks=chunks, content_chunks=["391"], delay_s=0.01))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(80, 24)) as pilot:
        outline = app.main_screen.review.outline
        outline.clock = lambda: 0.0  # time stands still: while it streams, the outline is split once
        calls: list[int] = []
        update = outline.splitter.update
        outline.splitter.update = lambda text: calls.append(len(text)) or update(text)  # type: ignore[method-assign]
        await send(pilot, app, "17*23")
        await wait_for(pilot, lambda: not app.main_screen.exchanges.running)
        await pilot.pause(0.3)
        assert 1 <= len(calls) <= 3, calls  # 121 deltas: once when it started, once at the end
        assert app.main_screen.panes.reasoning.trace.text == trace
        assert [s.pivot for s in outline.steps] == [s.pivot for s in split_steps(app.main_screen.panes.reasoning.trace.text)]
        assert [s.pivot for s in outline.steps] == [None, "Wait"]
        log = app.main_screen.panes.reasoning.trace
        pivot_row = log.row_of(log.text.index("Wait, check it."))
        log.scroll_to(y=pivot_row, animate=False)
        await pilot.pause()
        assert log.render_line(0).text[:MARGIN] == PIVOT_MARK  # marked once the stream ended
        app.main_screen.set_focus(app.main_screen.panes.reasoning.trace)
        await pilot.press("w")
        await pilot.pause()
        assert header(app).startswith("step 2/2 · 1 pivot · ~")
    store.close()
    await client.aclose()


async def test_find_in_trace_counts_moves_and_gives_the_focus_back(tmp_path: Path) -> None:
    trace = TRACE + "\n\nWAIT: the word again, and wait once more. Escape \x1b[31m shown as text."
    app, store, client = make_app("http://127.0.0.1:9/openai/v1/", seeded(tmp_path, trace))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.main_screen
        await screen.history.open(app.context.store.list_conversations()[0].id)
        await pilot.pause()
        prompt = screen.query_one(PromptInput)
        screen.set_focus(prompt)
        await pilot.press("alt+s")  # works from the prompt
        await pilot.pause()
        bar = screen.query_one(FindBar)
        assert bar.is_open and screen.focused is bar.query_input
        await pilot.press(*"wait")
        await pilot.pause()
        count = screen.query_one("#find-count")
        assert str(count.render()) == "1/3"  # case-insensitive: Wait, WAIT, wait
        log = screen.panes.reasoning.trace
        assert log.scroll_y > 0  # jumped to the first match, far below the top
        row = next(log.render_line(y) for y in range(log.size.height) if "Wait, that" in log.render_line(y).text)
        assert any(seg.text == "Wait" and seg.style and seg.style.bgcolor for seg in row)
        await pilot.press("enter")
        await pilot.pause()
        assert str(count.render()) == "2/3"
        row = next(log.render_line(y) for y in range(log.size.height) if "WAIT:" in log.render_line(y).text)
        styles = {seg.text: seg.style.bgcolor for seg in row if seg.style and seg.style.bgcolor}
        assert styles["WAIT"] != styles["wait"]  # the current match stands out from the others
        await pilot.press("down")
        await pilot.pause()
        assert str(count.render()) == "3/3"
        await pilot.press("down")  # wraps round
        await pilot.pause()
        assert str(count.render()) == "1/3"
        await pilot.press("up")
        await pilot.pause()
        assert str(count.render()) == "3/3"
        await pilot.press("escape")
        await pilot.pause()
        assert not bar.is_open and screen.focused is prompt
        assert not prompt.text  # nothing typed into the prompt
        assert "\x1b" not in "".join(log.render_line(y).text for y in range(log.size.height))
        screen.set_focus(log)
        await pilot.press("n")  # the last query again, from the top of the view
        await pilot.pause()
        assert str(count.render()) != "" and log._match is not None
        await pilot.press("N")
        await pilot.pause()
        await pilot.press("alt+s")
        await pilot.pause()
        await pilot.press(*"[31m")  # the escape sequence is text here: found, and drawn sanitised
        await pilot.pause()
        assert bar.query_input.value == "[31m" and str(count.render()) == "1/1"
    store.close()
    await client.aclose()


async def test_find_spans_a_wrapped_row(tmp_path: Path) -> None:
    trace = "alpha " * 30 + "needle haystack " + "omega " * 30
    app, store, client = make_app("http://127.0.0.1:9/openai/v1/", seeded(tmp_path, trace))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(app, pilot)
        log = app.main_screen.panes.reasoning.trace
        query = "alpha " * 16 + "alpha needle"  # longer than a row: the match crosses a wrap
        assert len(query) > log.wrap_width
        await pilot.press("alt+s")
        await pilot.pause()
        app.main_screen.query_one(FindBar).query_input.value = query
        await pilot.pause()
        assert str(app.main_screen.query_one("#find-count").render()) == "1/1"
        marked = [y for y in range(log.size.height)
                  if any(seg.style and seg.style.bgcolor and seg.text.strip() for seg in log.render_line(y))]
        assert len(marked) >= 2 and marked == list(range(marked[0], marked[0] + len(marked)))
    store.close()
    await client.aclose()


async def test_palette_and_help_list_the_keys(tmp_path: Path) -> None:
    app, store, client = make_app("http://127.0.0.1:9/openai/v1/", seeded(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.main_screen
        entries = {e.name: e for e in palette_entries(screen)}
        assert entries["Next step of the trace"].why_not == "no reasoning is shown (choose an answer that has some)"
        assert "(s)" in entries["Next step of the trace"].help and "(Alt+S)" in entries["Find in trace"].help
        await screen.history.open(app.context.store.list_conversations()[0].id)
        await pilot.pause()
        entries = {e.name: e for e in palette_entries(screen)}
        assert entries["Next pivot of the trace"].why_not is None
        await screen.run_command("trace('next_pivot')")
        await pilot.pause()
        assert header(app).startswith("step 5/12")
        await pilot.press("f3")  # the pane hidden: the keys say how to show it and change nothing
        await pilot.pause()
        screen.set_focus(screen.panes.answers.answers()[0])
        await pilot.press("s")
        await pilot.pause()
        assert screen.review.outline.current == 4 and "shows it" in str(list(app._notifications)[-1].message)
        await pilot.press("f3", "f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = app.screen.plain_text()
        for key_id in ("next_step", "prev_step", "next_pivot", "prev_pivot", "find_in_trace", "find_next", "find_prev"):
            assert key_id in text
    store.close()
    await client.aclose()


async def test_closing_find_after_a_followed_stream_keeps_the_view(azure_server, tmp_path: Path) -> None:
    chunks = ["Needle first. "] + [f"Line {i} of a long trace.\n\n" for i in range(40)]
    azure_server.enqueue(Stream(reasoning_chunks=chunks, content_chunks=["done"]))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await send(pilot, app, "go")
        await wait_for(pilot, lambda: not app.main_screen.exchanges.running)
        log = app.main_screen.panes.reasoning.trace
        await wait_for(pilot, lambda: log.scroll_y == log.max_scroll_y > 0)  # followed to its end
        await pilot.press("alt+s", *"needle")
        await pilot.pause()
        assert log.scroll_y == 0  # the match, at the top
        await pilot.press("escape")  # the bar goes, the pane grows a row: the view stays on the match
        await pilot.pause()
        assert log.scroll_y == 0 and not app.main_screen.query_one(FindBar).is_open
    store.close()
    await client.aclose()
