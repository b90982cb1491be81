"""Screenshots (pytest-textual-snapshot): the main screen with a stored conversation, and the help screen.

The history is imported with fixed ids and timestamps; nothing on screen depends on the clock
(no header clock, a stored answer shows no timers) and the prompt's cursor does not blink,
so the pictures are the same on every run. Update with ``pytest tests/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tui.llm.client import ChatClient
from tui.llm.endpoint import EndpointSettings
from tui.llm.request import RequestDefaults
from tui.store import HistoryStore
from tui.ui.factory import build_app
from tui.ui.widgets.message_stats import MessageStats

REASONING = ("The user wants a function that adds two numbers.\n\n"
             "A one-liner is enough; show a call too so the result is clear.")
ANSWER = ("Here is a small function:\n\n```python\ndef add(a: int, b: int) -> int:\n    return a + b\n\n"
          "print(add(2, 3))  # 5\n```\n\nIt returns the **sum** of its arguments.")


def _message(ident: str, role: str, content: str, stamp: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": ident, "role": role, "content": content, "reasoning": extra.get("reasoning"),
        "state": "complete", "finish_reason": extra.get("finish_reason"), "model": extra.get("model"),
        "deployment": extra.get("deployment"),
        "usage": extra.get("usage", {"prompt_tokens": None, "completion_tokens": None, "total_tokens": None,
                                     "reasoning_tokens": None, "estimated": False}),
        "timing": extra.get("timing", {"first_token_s": None, "reasoning_s": None, "total_s": None}),
        "created_at": stamp, "reply_to": extra.get("reply_to"), "choice_index": 0,
    }


def seeded_store(path: Path) -> HistoryStore:
    """A history with fixed ids and times: one conversation with reasoning and a code block, one older."""
    store = HistoryStore.open(path)
    store.import_conversation({
        "format": "r1-tui/1", "id": "older0000001", "title": "What is a monad?", "archived": False,
        "created_at": "2025-01-02T09:00:00.000Z", "updated_at": "2025-01-02T09:00:05.000Z",
        "messages": [
            _message("oldermsg0001", "user", "What is a monad?", "2025-01-02T09:00:00.000Z"),
            _message("oldermsg0002", "assistant", "A way to chain computations.", "2025-01-02T09:00:05.000Z",
                     reasoning="Keep it short.", finish_reason="stop", model="DeepSeek-R1", deployment="dep",
                     reply_to="oldermsg0001"),
        ],
    })
    store.import_conversation({
        "format": "r1-tui/1", "id": "snapconv0001", "title": "Add two numbers in Python", "archived": False,
        "created_at": "2025-01-03T10:00:00.000Z", "updated_at": "2025-01-03T10:00:12.000Z",
        "messages": [
            _message("snapmsg00001", "user", "Write a Python function that adds two numbers.",
                     "2025-01-03T10:00:00.000Z"),
            _message("snapmsg00002", "assistant", ANSWER, "2025-01-03T10:00:12.000Z", reasoning=REASONING,
                     finish_reason="stop", model="DeepSeek-R1", deployment="dep", reply_to="snapmsg00001",
                     usage={"prompt_tokens": 14, "completion_tokens": 96, "total_tokens": 110,
                            "reasoning_tokens": 31, "estimated": False},
                     timing={"first_token_s": 0.42, "reasoning_s": 3.1, "total_s": 5.6}),
        ],
    })
    return store


def test_main_screen(snap_compare, tmp_path: Path) -> None:
    store = seeded_store(tmp_path / "h.db")
    # A client that is never used (nothing is sent): the screen shows the online layout.
    client = ChatClient(EndpointSettings("http://127.0.0.1:9/openai/v1/", "dep", "none"))
    app = build_app(client=client, store=store, defaults=RequestDefaults())

    async def open_conversation(pilot) -> None:
        await pilot.pause()  # the main screen is mounted
        app.main_screen.panes.prompt.cursor_blink = False
        await app.main_screen.history.open("snapconv0001")
        await pilot.pause()
        assert app.query_one(MessageStats).plain.startswith("reasoning 31 tok")
        app.main_screen.panes.prompt.focus()
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=(100, 30), run_before=open_conversation)
    finally:
        store.close()
        asyncio.run(client.aclose())


def test_help_screen(snap_compare, tmp_path: Path) -> None:
    store = seeded_store(tmp_path / "h.db")
    app = build_app(client=None, store=store, defaults=RequestDefaults())
    try:
        assert snap_compare(app, press=["f1"], terminal_size=(80, 24))
    finally:
        store.close()
