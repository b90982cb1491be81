"""Answer and reasoning headers say what happened: alternatives numbered as the alternatives line counts,
the state never cut, and an answer stopped while thinking does not claim it "Thought for" (#11 Confusing)."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.widgets import Static

try:
    from tests.loopback import Stream, usage
    from tests.uihelpers import generation_over, make_app, send, send_and_wait, wait_for
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream, usage  # type: ignore[no-redef]
    from uihelpers import generation_over, make_app, send, send_and_wait, wait_for  # type: ignore[no-redef]

from tui.ui.widgets.alternatives import AnswerGroup


def _header(block) -> str:
    return str(block.query_one(".answer-header", Static).render())


async def test_a_regenerated_answer_is_numbered_like_the_alternatives_line(azure_server, tmp_path: Path) -> None:
    for text in ("first", "second"):
        azure_server.enqueue(Stream(content_chunks=["<think>", "hm", "</think>", text], usage=usage(3, 5, reasoning=2)))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_wait(pilot, app, "q")
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: len(app.main_screen.query_one(AnswerGroup).blocks) == 2)
        await generation_over(pilot, app)
        group = app.main_screen.query_one(AnswerGroup)
        assert group.marker_text.startswith("‹ 2/2 › answer")
        first, second = group.blocks
        assert "answer 2" in _header(second) and "choice" not in _header(second)
        assert "answer" not in _header(first).replace("assistant", "")
        # the marker starts in the header's text column (border + padding), not one column left
        marker = group.query_one(".alt-marker")
        header = second.query_one(".answer-header")
        assert marker.content_region.x == header.content_region.x
    await client.aclose()
    store.close()


async def test_stopped_while_thinking_says_so_and_the_state_is_never_cut(azure_server, tmp_path: Path) -> None:
    resume = threading.Event()
    azure_server.enqueue(Stream(content_chunks=["<think>", "Pondering", " slowly", "</think>", "never"],
                                hold_at=3, resume=resume))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await send(pilot, app, "q")
            screen = app.main_screen
            await wait_for(pilot, lambda: "slowly" in screen.panes.reasoning.trace.text)
            await pilot.press("escape")
            await generation_over(pilot, app)  # the stopped answer's worker finished, its headers final
            header = screen.query_one("#reasoning-header", Static)
            shown = str(header.render())
            assert "stopped while thinking" in shown and "Thought for" not in shown, shown
            assert shown.index("stopped") + len("stopped") <= header.content_size.width, (shown, header.content_size)
            block = screen.panes.answers.answers()[-1]
            assert "stopped" in _header(block) and "thinking " in _header(block) and "thought" not in _header(block)
    finally:
        resume.set()
    await client.aclose()
    store.close()


def test_header_text_order_and_wording() -> None:
    from tui.ui.widgets.reasoning_pane import header_text

    assert header_text(None, 1.5, "", True, 0).plain == "Reasoning · Thought for 1.5 s"
    assert header_text(None, 1.5, "stopped", True, 0).plain == "Reasoning · stopped · thought 1.5 s"
    assert header_text(None, 1.5, "stopped", False, 0).plain == "Reasoning · stopped while thinking · 1.5 s"
    assert header_text(10.0, None, "", False, 12.4).plain == "Reasoning · Thinking… 2 s"
