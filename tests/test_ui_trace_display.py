"""Issue 14 in the app: zoom a pane and back, math shown as Unicode (raw on a key, copies raw),
and the stats line's sparkline of tokens/s and time to the first answer token."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region

from tui.store import HistoryStore
from tui.trace.timeline import Sample, Timeline, encode
from tui.ui.commands import palette_entries
from tui.ui.widgets.reasoning_log import ReasoningLog

try:
    from tests.loopback import Stream
    from tests.uihelpers import assistants, make_app, seed, send_and_wait, wait_for
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream  # type: ignore[no-redef]
    from uihelpers import assistants, make_app, seed, send_and_wait, wait_for  # type: ignore[no-redef]

ANSWER = "So the total is $17 \\times 23$ and $\\frac{a}{b}$.\n\n**Final Answer**\n\\[\n\\boxed{391}\n\\]\n"
REASONING = "Let me check \\(\\sqrt{2} < \\alpha\\). Wait, $x^2 \\geq 0$ always."
NOWHERE = "http://127.0.0.1:9/openai/v1/"


def _regions(app) -> dict[str, Region]:  # type: ignore[no-untyped-def]
    panes = app.main_screen.panes
    return {name: widget.region for name, widget in (
        ("title", panes.title), ("list", panes.listing), ("answers", panes.answers), ("reasoning", panes.reasoning),
        ("prompt", panes.prompt), ("status", panes.status))}


async def _open_seeded(pilot, app, tmp_path: Path, answer: str = ANSWER, reasoning: str = REASONING,  # type: ignore[no-untyped-def]
                       turns: int = 3) -> str:
    store = app.context.store
    conv = seed(store, "math", [(f"q{i}", reasoning, answer) for i in range(turns)])
    screen = app.main_screen
    await screen.history.open(conv)
    await pilot.pause()
    return conv


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_zoom_gives_the_answer_pane_the_screen_and_the_same_key_gives_the_layout_back(
        tmp_path: Path, size: tuple[int, int]) -> None:
    app, store, client = make_app(NOWHERE, tmp_path / "h.db")
    async with app.run_test(size=size) as pilot:
        await _open_seeded(pilot, app, tmp_path)
        screen, panes = app.main_screen, app.main_screen.panes
        if size[0] >= 100:
            await pilot.press("f2")  # the list hidden by hand: it stays hidden after the zoom
            await pilot.pause()
        assert app.focused is panes.prompt
        before = _regions(app)
        assert before["reasoning"].area and before["prompt"].area
        await pilot.press("alt+z")
        await pilot.pause()
        zoomed = _regions(app)
        assert not zoomed["reasoning"].area and not zoomed["prompt"].area and not zoomed["list"].area
        assert not zoomed["title"].area
        assert zoomed["answers"].width >= size[0] - 1 and zoomed["answers"].height > before["answers"].height
        assert zoomed["status"].area  # the status bar stays, and says so
        assert "zoom" in panes.status.build_text().plain
        assert app.focused in panes.answers.answers()  # keys (j/k, [ ]) act on the zoomed pane
        await pilot.press("alt+z")
        await pilot.pause()
        assert _regions(app) == before
        assert app.focused is panes.prompt
        assert "zoom" not in panes.status.build_text().plain
        assert screen.has_class("-hide-list")  # 80 columns: hidden from the start; 120: by hand
    store.close()
    await client.aclose()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_zoom_of_the_focused_reasoning_pane_and_esc_gives_the_layout_back(
        tmp_path: Path, size: tuple[int, int]) -> None:
    app, store, client = make_app(NOWHERE, tmp_path / "h.db")
    async with app.run_test(size=size) as pilot:
        await _open_seeded(pilot, app, tmp_path, reasoning=" ".join(["Hmm, $x_1$ again."] * 200))
        panes = app.main_screen.panes
        trace = app.main_screen.query_one(ReasoningLog)
        trace.focus()
        await pilot.pause()
        before = _regions(app)
        await pilot.press("alt+z")
        await pilot.pause()
        zoomed = _regions(app)
        assert not zoomed["answers"].area and not zoomed["prompt"].area and not zoomed["list"].area
        assert zoomed["reasoning"].width == size[0] and zoomed["reasoning"].height > before["reasoning"].height
        assert app.focused is trace
        await pilot.press("escape")
        await pilot.pause()
        assert _regions(app) == before
        assert app.focused is panes.prompt
    store.close()
    await client.aclose()


async def test_math_is_shown_as_unicode_raw_on_a_key_and_copies_stay_raw(tmp_path: Path) -> None:
    app, store, client = make_app(NOWHERE, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_seeded(pilot, app, tmp_path, turns=1)
        panes = app.main_screen.panes
        block = panes.answers.answers()[-1]
        shown = block.markdown.text
        assert "⟦391⟧" in shown and "17 × 23" in shown and "\\boxed" not in shown and "$" not in shown
        trace = app.main_screen.query_one(ReasoningLog)
        assert "√2 < α" in trace.text and "x² ≥ 0" in trace.text and "\\sqrt" not in trace.text
        assert "raw" not in panes.status.build_text().plain

        await pilot.press("alt+m")
        await pilot.pause()
        assert "\\boxed{391}" in block.markdown.text and "$17 \\times 23$" in block.markdown.text
        assert "\\sqrt{2} < \\alpha" in trace.text
        assert "raw LaTeX" in panes.status.build_text().plain

        await pilot.press("alt+m")
        await pilot.pause()
        assert "⟦391⟧" in block.markdown.text and "√2" in trace.text
        panes.answers.answers()[-1].focus()
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == ANSWER  # display only: the copy is the raw text
        await pilot.press("Y")
        await pilot.pause()
        assert app.clipboard == REASONING
    store.close()
    await client.aclose()


async def test_streamed_math_is_converted_when_complete_and_raw_mode_holds_for_new_answers(
        azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(Stream(reasoning_chunks=["Is ", "$\\alpha", " < \\beta$", "? Yes."],
                                content_chunks=["First $x", "^2$ here.\n\n", "Then $$\\frac{1}", "{2}$$"],
                                delay_s=0.01))
    azure_server.enqueue(Stream(content_chunks=["Again $\\pi$."]))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        block = await send_and_wait(pilot, app, "go")
        trace = app.main_screen.query_one(ReasoningLog)
        await wait_for(pilot, lambda: "½" in block.markdown.text)
        assert "x² here." in block.markdown.text and "$" not in block.markdown.text
        assert "α < β" in trace.text
        stored = assistants(store)[-1]
        assert stored.content == "First $x^2$ here.\n\nThen $$\\frac{1}{2}$$"  # stored raw
        assert stored.reasoning == "Is $\\alpha < \\beta$? Yes."

        await pilot.press("alt+m")
        await pilot.pause()
        second = await send_and_wait(pilot, app, "again")
        await wait_for(pilot, lambda: "Again" in second.markdown.text)
        assert "$\\pi$" in second.markdown.text  # an answer added while raw is shown raw
    store.close()
    await client.aclose()


async def test_stats_line_shows_the_sparkline_and_time_to_first_answer_from_the_timeline(tmp_path: Path) -> None:
    app, store, client = make_app(NOWHERE, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        conv = seed(store, "timed", [("q1", "r" * 200, "a" * 60), ("q2", "r" * 200, "a" * 60)])
        first, second = [m for m in store.get_conversation(conv).messages if m.role == "assistant"]
        samples = (Sample(0.5, 10, 0), Sample(1.0, 120, 0), Sample(2.0, 200, 0), Sample(2.25, 200, 5),
                   Sample(3.0, 200, 60))
        store.save_timeline(second.id, encode(Timeline(samples)))
        screen = app.main_screen
        await screen.history.open(conv)
        await pilot.pause()
        stats = screen.panes.reasoning.stats
        assert "answer at 2.25 s" in stats.plain
        assert any(bar in stats.plain for bar in "▁▂▃▄▅▆▇█")
        screen.panes.answers.answers()[0].focus()  # an answer saved without a timeline: neither
        await pilot.pause()
        assert "answer at" not in stats.plain and not any(bar in stats.plain for bar in "▂▃▄▅▆▇█")
        assert "tok/s" in stats.plain
    store.close()
    await client.aclose()


async def test_a_streamed_answer_gets_its_sparkline_and_time_to_first_answer(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(Stream(reasoning_chunks=[f"r{i} " for i in range(20)], content_chunks=["x"] * 10,
                                delay_s=0.02))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_wait(pilot, app, "go")
        stats = app.main_screen.panes.reasoning.stats
        await wait_for(pilot, lambda: "answer at" in stats.plain)
        assert any(bar in stats.plain for bar in "▁▂▃▄▅▆▇█")
    store.close()
    await client.aclose()


async def test_palette_offers_zoom_and_math_with_their_keys(tmp_path: Path) -> None:
    app, store, client = make_app(NOWHERE, tmp_path / "h.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_seeded(pilot, app, tmp_path, turns=1)
        entries = {e.name: e for e in palette_entries(app.main_screen)}
        zoom, raw = entries["Zoom pane"], entries["Math / raw LaTeX"]
        assert "Alt+Z" in zoom.help and "Alt+M" in raw.help and zoom.why_not is None
        await raw.run()  # type: ignore[misc]
        await pilot.pause()
        assert app.main_screen.panes.answers.raw_math
        await zoom.run()  # type: ignore[misc]
        await pilot.pause()
        assert app.main_screen.has_class("-zoom-answer")
    store.close()
    await client.aclose()


async def test_zoom_after_a_followed_stream_reads_from_the_top_when_it_now_fits(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "Plan.", "</think>"] + [f"Line {i}.\n\n" for i in range(6)]))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await send_and_wait(pilot, app, "go")
        answers = app.main_screen.panes.answers
        await wait_for(pilot, lambda: answers.max_scroll_y > 0)  # overflows the stacked pane: followed
        await pilot.press("alt+z")
        await pilot.pause()
        await wait_for(pilot, lambda: answers.query_one("PromptBlock").region.y <= 2)  # not bottom-aligned
        assert answers.scroll_y == 0 and answers.max_scroll_y == 0
    store.close()
    await client.aclose()


async def test_switching_math_while_the_trace_is_hidden_keeps_its_place(tmp_path: Path) -> None:
    app, store, client = make_app(NOWHERE, tmp_path / "h.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_seeded(pilot, app, tmp_path, turns=1, reasoning="\n\n".join(f"Step {i}: $x_{i}$." for i in range(80)))
        trace = app.main_screen.query_one(ReasoningLog)
        trace.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert trace.scroll_y > 50
        await pilot.press("alt+z")  # the answers zoomed: the trace is hidden
        await pilot.press("alt+m", "alt+m")
        await pilot.press("alt+z")
        await pilot.pause()
        await wait_for(pilot, lambda: trace.rows)
        assert trace.scroll_y > 50 and "Step 79: x₇9." in trace.text  # x_79 is x₇ then 9, as in LaTeX
    store.close()
    await client.aclose()
