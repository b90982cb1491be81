"""The answer reads as Markdown while it streams (issue 17), driven through the app with Pilot."""

from __future__ import annotations

import html
import re
import threading
from pathlib import Path

from tui.ui.markdown.code import CONTINUATION
from tui.ui.widgets.prompt_block import PromptBlock

try:
    from tests.loopback import Stream
    from tests.uihelpers import generation_over, make_app, send, wait_for
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream  # type: ignore[no-redef]
    from uihelpers import generation_over, make_app, send, wait_for  # type: ignore[no-redef]

LONG = "    return " + " + ".join(f"value_{i}" for i in range(24)) + "  # the very end"
CHUNKS = ["<think>", "Plan it.", "</think>", "Intro with **bold** and `code`.\n\n", "```py", "thon\n",
          "def total():\n", LONG + "\n", "```\n\n", "| a | b |\n|---|---|\n| 1 | 2 |\n\n", "- first item\n",
          "- second ", "item, *still growing"]


def code_text(view, span: tuple[int, int]) -> str:
    """The code block's rows read back as its lines (continuation marks joined)."""
    lines: list[str] = []
    for row in view.rows[span[0] : span[1]]:
        text = "".join(seg.text for seg in row)
        if text.startswith(CONTINUATION):
            lines[-1] += text[1:-1]
        else:
            lines.append(text[1:-1])
    return "\n".join(line.rstrip() for line in lines)


async def test_stream_renders_blocks_live_and_nothing_moves_when_it_ends(azure_server, tmp_path: Path) -> None:
    resume = threading.Event()
    azure_server.enqueue(Stream(content_chunks=CHUNKS, hold_at=len(CHUNKS), resume=resume))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    try:
        async with app.run_test(size=(100, 26)) as pilot:  # the answer overflows the pane even when it all arrives in one frame (no reserve)
            await send(pilot, app, "Sum the values")
            await wait_for(pilot, lambda: app.main_screen.panes.answers.answers()
                           and "still growing" in app.main_screen.panes.answers.answers()[0].markdown.text)
            block = app.main_screen.panes.answers.answers()[0]
            view = block.markdown
            assert block.state == "streaming"
            # Mid-stream: the closed fence is a rendered code block, no Markdown syntax on screen.
            (span,) = view.code_spans()
            assert span[1] <= view.settled_rows  # complete: rendered once, final
            assert code_text(view, span) == "def total():\n" + LONG
            screen = html.unescape(re.sub(r"<[^>]*>", "", app.export_screenshot())).replace("\xa0", " ")
            assert "```" not in screen and "**" not in screen and "|---" not in screen
            long_rows = ["".join(seg.text for seg in row).strip() for row in view.rows[span[0] + 1 : span[1]]]
            assert len(long_rows) > 2 and all(row in screen for row in long_rows)  # the long line, all of it
            # Nothing above the last block moves when the stream ends.
            transcript = app.main_screen.panes.answers
            prompt = app.main_screen.panes.answers.query_one(PromptBlock)
            await wait_for(pilot, lambda: transcript.is_anchored and transcript.scroll_y == transcript.max_scroll_y > 0)
            await pilot.pause()  # the regions of the scrolled view are laid out on the next refresh
            before = (view.region, prompt.region, transcript.scroll_y, view.rows[: view.settled_rows])
            height_before = view.outer_size.height  # rows + the reserve, if the text grew in steps
            resume.set()
            # Signal that the end was handled: the worker finished (the final render is done before),
            # then the layout that render asked for and what runs after that refresh.
            await generation_over(pilot, app)
            await pilot.pause()
            assert block.state == "complete"
            assert (view.region.y, prompt.region, transcript.scroll_y, view.rows[: len(before[3])]) == (
                before[0].y, before[1], before[2], before[3])
            assert "• second item, *still growing" in view.text  # unclosed emphasis stays literal (CommonMark)
            assert view.outer_size.height == max(height_before, view.row_count)  # any reserve stays: nothing moves
            await send(pilot, app, "And another")  # the next prompt goes right under the answer
            await wait_for(pilot, lambda: not app.main_screen.exchanges.running)
            assert view.outer_size.height == view.row_count
            # The stored answer opens rendered exactly as it streamed.
            streamed = view.rows
            await app.main_screen.history.open(app.main_screen.history.conv_id)
            await pilot.pause()  # the open is awaited: let it draw
            reopened = app.main_screen.panes.answers.answers()[0].markdown
            await wait_for(pilot, lambda: reopened.row_count > 0)
            assert reopened.rows == streamed
    finally:
        resume.set()
        store.close()
        await client.aclose()
