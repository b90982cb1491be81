#!/usr/bin/env python3
"""Save docs/screenshot.svg: the app answering a scripted question from the demo server.

Usage: python scripts/screenshot.py [--out docs/screenshot.svg] [--size 120x36]
Runs headless (Textual's test driver) against the in-process DemoServer on 127.0.0.1,
with a throwaway history database; never touches the real config or data directories.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from tui.demo import DemoServer
from tui.llm.client import ChatClient
from tui.llm.endpoint import EndpointSettings
from tui.llm.request import RequestDefaults
from tui.store import HistoryStore
from tui.ui.factory import build_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from trace_screenshots import ask  # noqa: E402  (the same "send and wait for the end" as the trace shots)

QUESTION = "How do I reverse a string in Python?"
ROOT = Path(__file__).resolve().parent.parent


async def capture(out: Path, size: tuple[int, int]) -> None:
    server = DemoServer(tokens_per_s=400.0, rate_limit_failures=0)
    base_url = server.start()
    client = ChatClient(EndpointSettings(base_url, "demo-r1", "none", is_demo=True))
    with tempfile.TemporaryDirectory() as tmp:
        store = HistoryStore.open(Path(tmp) / "history.db")
        app = build_app(client=client, store=store, defaults=RequestDefaults())
        try:
            async with app.run_test(size=size) as pilot:
                await ask(pilot, app, QUESTION)
                out.parent.mkdir(parents=True, exist_ok=True)
                app.save_screenshot(filename=out.name, path=str(out.parent))
        finally:
            store.close()
            await client.aclose()
            server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.svg")
    parser.add_argument("--size", default="120x36", help="terminal size, COLSxROWS")
    args = parser.parse_args(argv)
    cols, rows = (int(v) for v in args.size.lower().split("x"))
    asyncio.run(capture(args.out, (cols, rows)))
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
