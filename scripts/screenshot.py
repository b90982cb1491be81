#!/usr/bin/env python3
"""Save docs/screenshot.svg: the app answering a scripted question from the demo server.

Usage: python scripts/screenshot.py [--out docs/screenshot.svg] [--size 120x36]
Runs headless (Textual's test driver) against the in-process DemoServer on 127.0.0.1,
with a throwaway history database; never touches the real config or data directories.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from tui.demo import DemoServer
from tui.llm.client import ChatClient
from tui.llm.endpoint import EndpointSettings
from tui.llm.request import RequestDefaults
from tui.store import HistoryStore
from tui.ui.app import R1App
from tui.ui.widgets.prompt import PromptInput

QUESTION = "How do I reverse a string in Python?"
ROOT = Path(__file__).resolve().parent.parent


async def capture(out: Path, size: tuple[int, int], timeout_s: float = 60.0) -> None:
    server = DemoServer(tokens_per_s=400.0, rate_limit_failures=0)
    base_url = server.start()
    client = ChatClient(EndpointSettings(base_url, "demo-r1", "none", is_demo=True))
    with tempfile.TemporaryDirectory() as tmp:
        store = HistoryStore.open(Path(tmp) / "history.db")
        app = R1App(client=client, store=store, defaults=RequestDefaults())
        try:
            async with app.run_test(size=size) as pilot:
                app.query_one(PromptInput).insert(QUESTION)
                await pilot.press("enter")
                deadline = time.monotonic() + timeout_s
                await pilot.pause(0.5)
                while app.generation is not None and time.monotonic() < deadline:
                    await pilot.pause(0.2)
                await pilot.pause(0.5)
                out.parent.mkdir(parents=True, exist_ok=True)
                app.save_screenshot(filename=out.name, path=str(out.parent))
        finally:
            store.close()
            await client.aclose()
            server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.svg")
    parser.add_argument("--size", default="120x36", help="terminal size, COLSxROWS")
    args = parser.parse_args()
    cols, rows = (int(v) for v in args.size.lower().split("x"))
    asyncio.run(capture(args.out, (cols, rows)))
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
