"""Small helpers shared by the core tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tui.llm.client import ChatClient
from tui.llm.endpoint import EndpointSettings
from tui.llm.events import Event
from tui.llm.request import ChatRequest, Turn
from tui.llm.retry import RetryPolicy
from tui.chat.transcript import Transcript
from tui.store import MessageRecord
from tui.metrics import Timing, Usage
from tui.store import db as store_db
from tui.store.schema import migrate


def endpoint_for(base_url: str, *, auth: str = "none", api_key: str | None = None,
                 attempts: int = 4, base_delay_s: float = 0.01, timeout_s: float = 10.0,
                 max_delay_s: float = 60.0) -> EndpointSettings:
    """Settings pointing at a loopback server, with fast retries."""
    return EndpointSettings(base_url, "dep", auth, api_key, retry=RetryPolicy(attempts, base_delay_s, max_delay_s),  # type: ignore[arg-type]
                            timeout_s=timeout_s)


def ask_request(prompt: str = "hi", **kw: object) -> ChatRequest:
    """A one-turn request."""
    return ChatRequest((Turn("user", prompt),), **kw)  # type: ignore[arg-type]


class RecordedSleeps(list[float]):
    """A ChatClient ``sleep`` that records each wait between attempts instead of waiting."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


async def collect(endpoint: EndpointSettings, request: ChatRequest | None = None, *,
                  sleep: RecordedSleeps | None = None, client: ChatClient | None = None) -> tuple[list[Event], Transcript]:
    """Run one request to the end; return its events and transcript (``sleep``: waits recorded, not waited;
    ``client``: use this one, built by the test, instead of one for ``endpoint``; it is closed either way)."""
    if client is None:
        client = ChatClient(endpoint) if sleep is None else ChatClient(endpoint, sleep=sleep)
    transcript = Transcript()
    events: list[Event] = []
    try:
        async for event in client.stream(request or ask_request()):
            events.append(event)
            transcript.apply(event)
    finally:
        await client.aclose()
    return events, transcript


STAMP = "2026-01-02T03:04:05.678Z"


def db_at_schema(path: Path, upto: int) -> sqlite3.Connection:
    """A new private database with only the first ``upto`` migrations applied (an older r1-tui's file)."""
    store_db.ensure_private_file(path)
    conn = store_db.connect(path, read_only=False)
    store_db.configure_rw(conn)
    migrate(conn, path, upto=upto)
    return conn


def message(id: str, role: str, content: str, parent_id: str | None = None, *, state: str = "complete",
            choice_index: int = 0, created_at: str = STAMP, reasoning: str | None = None,
            selected: bool = False) -> MessageRecord:
    """A stored message record for tree tests (an answer's reply_to is its parent)."""
    return MessageRecord(
        id=id, conversation_id="c", role=role, content=content,  # type: ignore[arg-type]
        reasoning=reasoning if role == "assistant" else None, state=state, finish_reason=None, model=None,
        deployment=None, endpoint_host=None, usage=Usage(), timing=Timing(), created_at=created_at,
        reply_to=parent_id if role == "assistant" else None, choice_index=choice_index, updated_at=created_at,
        selected=selected, parent_id=parent_id,
    )
