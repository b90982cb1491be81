#!/usr/bin/env python3
"""Save the trace-review screenshots of README (issue 14): docs/trace-<shot>.svg.

Usage: python scripts/trace_screenshots.py [--out-dir docs] [--size 120x40] [--only compare]

Each shot is a function in :data:`SHOTS` that drives a fresh app (Textual's test driver,
headless) against the in-process DemoServer on 127.0.0.1, with a throwaway history and
config file, and leaves the screen to capture; it never touches the real config or data
directories. ``compare``: three demo answers to one prompt (n = 3), the compare screen on
the first two. ``outline``: a demo answer whose reasoning has a pivot, the reasoning pane on
its outline (the pivot step current, ``»`` in the margin, ``step n/m`` in the header).
Add a shot by adding a function to :data:`SHOTS`.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from tui.demo import DemoServer
from tui.llm.client import ChatClient
from tui.llm.endpoint import EndpointSettings
from tui.llm.request import RequestDefaults
from tui.store import HistoryStore
from tui.ui.app import R1App
from tui.ui.factory import build_app
from tui.ui.screens.compare import CompareScreen
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.prompt import PromptInput

ROOT = Path(__file__).resolve().parent.parent
COMPARE_PROMPT = "Which sorting algorithm should I learn first, and why?"
OUTLINE_PROMPT = "What is 17 * 23?"

Shot = Callable[[Any, R1App], Awaitable[None]]  # (pilot, app): leave the screen to capture


async def wait_until(pilot: Any, condition: Callable[[], object], timeout_s: float = 60.0) -> None:
    """Let the app run until ``condition()``; RuntimeError after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("the demo app did not get there in time")
        await pilot.pause(0.05)


async def ask(pilot: Any, app: R1App, prompt: str) -> None:
    """Send ``prompt`` and wait until every answer has finished."""
    app.query_one(PromptInput).insert(prompt)
    await pilot.press("enter")
    screen = app.main_screen
    await wait_until(pilot, lambda: screen.panes.answers.answers())
    await wait_until(pilot, lambda: not screen.exchanges.running)
    await pilot.pause(0.2)


async def compare_shot(pilot: Any, app: R1App) -> None:
    """Three alternatives (n = 3) of one prompt; the compare screen on the first two."""
    await ask(pilot, app, COMPARE_PROMPT)
    group = app.query_one(AnswerGroup)
    group.show(0)
    app.main_screen.set_focus(group.shown_block)
    await pilot.pause()
    await pilot.press("equals_sign")
    await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
    await pilot.pause(0.2)


async def outline_shot(pilot: Any, app: R1App) -> None:
    """The math demo's reasoning (it has a "Wait" step) with its pivot step chosen (key w)."""
    await ask(pilot, app, OUTLINE_PROMPT)
    screen = app.main_screen
    screen.set_focus(screen.panes.reasoning.trace)
    await pilot.pause()
    await pilot.press("w")
    await wait_until(pilot, lambda: screen.review.outline.current is not None)
    await pilot.pause(0.2)


SHOTS: dict[str, tuple[Shot, RequestDefaults]] = {
    "compare": (compare_shot, RequestDefaults(n=3)),
    "outline": (outline_shot, RequestDefaults()),
}


async def capture(out_dir: Path, names: list[str], size: tuple[int, int]) -> list[Path]:
    """Save ``docs/trace-<name>.svg`` for each shot in ``names``; return the files written."""
    server = DemoServer(tokens_per_s=2000.0, rate_limit_failures=0)
    base_url = server.start()
    written = []
    try:
        for name in names:
            shot, defaults = SHOTS[name]
            client = ChatClient(EndpointSettings(base_url, "demo-r1", "none", is_demo=True))
            with tempfile.TemporaryDirectory() as tmp:
                store = HistoryStore.open(Path(tmp) / "history.db")
                app = build_app(client=client, store=store, defaults=defaults, demo=True,
                                config_path=Path(tmp) / "config.toml")
                try:
                    async with app.run_test(size=size) as pilot:
                        await shot(pilot, app)
                        out_dir.mkdir(parents=True, exist_ok=True)
                        out = out_dir / f"trace-{name}.svg"
                        app.save_screenshot(filename=out.name, path=str(out_dir))
                        written.append(out)
                finally:
                    store.close()
                    await client.aclose()
    finally:
        server.stop()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=ROOT / "docs")
    parser.add_argument("--size", default="120x40", help="terminal size, COLSxROWS")
    parser.add_argument("--only", action="append", choices=sorted(SHOTS), help="one shot (repeatable); default all")
    args = parser.parse_args(argv)
    cols, rows = (int(v) for v in args.size.lower().split("x"))
    for path in asyncio.run(capture(args.out_dir, args.only or list(SHOTS), (cols, rows))):
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
