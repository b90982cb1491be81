"""The end of an answer reaches the terminal as one frame: the final render, the stats, the status
bar and the key footer without Stop (they came as four frames within ~0.1 s; the last one set the
settle lag). StreamView.hold_frames / Exchanges._end_frame."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Footer

from tui.ui import stream_view
from tui.ui.widgets.answer_block import AnswerBlock

try:
    from tests.loopback import Stream, usage
    from tests.uihelpers import generation_over, make_app, send, wait_for
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream, usage  # type: ignore[no-redef]
    from uihelpers import generation_over, make_app, send, wait_for  # type: ignore[no-redef]


async def test_the_end_of_an_answer_is_one_frame(azure_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream_view, "END_HOLD_CAP_S", 60.0)  # released by the end's own steps, not the cap
    resume = threading.Event()
    azure_server.enqueue(Stream(content_chunks=["<think>plan", " it</think>", "the ", "answer"], delay_s=0.01,
                                usage=usage(completion=9), hold_at=4, resume=resume))  # waits before the finish
    app, store, _ = make_app(azure_server.base_url, tmp_path / "h.db")
    frames: list[tuple[str, bool, str]] = []  # per frame sent: the answer's state, Stop in the footer, the status
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            real = app._display

            def display(screen: Any, renderable: Any) -> None:
                if renderable is not None and not app._batch_count:  # what Textual would write to the terminal
                    blocks = list(app.query(AnswerBlock))
                    footer_keys = [k.action for k in app.screen.query_one(Footer).query("FooterKey")]
                    frames.append((blocks[-1].state if blocks else "", "stop" in footer_keys,
                                   app.main_screen.panes.status.build_text().plain))
                real(screen, renderable)

            app._display = display  # type: ignore[method-assign]
            await send(pilot, app, "q")
            await wait_for(pilot, lambda: any(f[0] == "streaming" and f[1] for f in frames))  # Stop shown while it streams
            resume.set()
            await generation_over(pilot, app)
            await wait_for(pilot, lambda: not app.main_screen.exchanges.current and frames and frames[-1][0] == "complete")
            view_frames = [f for f in frames if f[0] == "complete"]
            assert view_frames, frames
            first = view_frames[0]
            assert first[1] is False, frames  # the first frame with the final answer already has the footer without Stop
            assert first[2] == view_frames[-1][2], frames  # and the status bar's final text
    finally:
        store.close()


async def test_a_held_end_frame_is_let_out_by_the_cap(azure_server: Any, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the end's last steps never come (an app closing, a stuck save), the cap lets the frame out."""
    monkeypatch.setattr(stream_view, "END_HOLD_CAP_S", 0.05)
    app, store, _ = make_app(azure_server.base_url, tmp_path / "h.db")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            panes = app.main_screen.panes
            view = stream_view.StreamView(None,  # type: ignore[arg-type]
                                          panes.answers, panes.reasoning, panes.status, lambda _m: None)
            view.hold_frames()
            view.hold_frames()  # held once
            assert view.holding_frames and app._batch_count == 1
            await wait_for(pilot, lambda: not view.holding_frames, timeout=5)
            assert app._batch_count == 0
            view.release_frames()  # again: nothing to let out
            assert app._batch_count == 0
    finally:
        store.close()
