"""Helpers shared by the app (Pilot) tests: building apps, waiting, reading widgets, seeding a store."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tui.llm.client import ChatClient
from tui.llm.endpoint import EndpointSettings
from tui.llm.request import RequestDefaults
from tui.llm.retry import RetryPolicy
from tui.store import HistoryStore
from tui.metrics import Timing, Usage
from tui.ui.app import R1App
from tui.ui.factory import build_app
from tui.ui.widgets.prompt import PromptInput
from tui.ui.widgets.reasoning_log import ReasoningLog
from tui.ui.widgets.answer_block import AnswerBlock

USAGE = Usage(5, 7, 12, 3, False)
TIMING = Timing(0.1, 1.5, 2.0)


def make_app(base_url: str, db: Path, *, attempts: int = 2, base_delay_s: float = 0.05,
             **kwargs: object) -> tuple[R1App, HistoryStore, ChatClient]:
    """An app with a client for ``base_url`` (fast retries) and a fresh store at ``db``."""
    client = ChatClient(EndpointSettings(base_url, "dep", "none",
                                         retry=RetryPolicy(max_attempts=attempts, base_delay_s=base_delay_s)))
    store = HistoryStore.open(db)
    return build_app(client=client, store=store, defaults=RequestDefaults(), **kwargs), store, client  # type: ignore[arg-type]


async def open_conversation(pilot, app: R1App, conv_id: str):  # type: ignore[no-untyped-def]
    """Open stored conversation ``conv_id`` in the app and let it draw; return the main screen."""
    screen = app.main_screen
    await screen.history.open(conv_id)
    await pilot.pause()
    return screen


async def wait_for(pilot, condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Let the app run until ``condition()`` is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.05)


def reasoning_text(app: R1App) -> str:
    """All the reasoning the pane shows, whitespace collapsed."""
    return " ".join(app.main_screen.query_one(ReasoningLog).text.split())


async def send(pilot, app: R1App, text: str) -> None:
    """Type ``text`` into the prompt and send it; wait until the generation started."""
    app.query_one(PromptInput).focus()
    app.query_one(PromptInput).insert(text)
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.main_screen.exchanges.running or app.main_screen.panes.answers.answers())


def generating(app: R1App) -> bool:
    """An answer's worker has not finished: it streams, or does its last steps after ``running`` went
    false (saving, the list's counts, the branch headers: ``Exchanges._run``'s ``on_done``)."""
    return app.main_screen.exchanges.running or any(
        w.group == "generate" and not w.is_finished for w in app.workers)


async def generation_over(pilot, app: R1App) -> None:  # type: ignore[no-untyped-def]
    """Wait until the answer's worker has finished (all its steps), then let the app handle what it posted."""
    await wait_for(pilot, lambda: not generating(app))
    await pilot.pause()


async def opened(pilot, app: R1App) -> None:  # type: ignore[no-untyped-def]
    """After Enter on a conversation in the list: wait until it is on screen, then let it draw."""
    await app.main_screen.history.settled()
    await pilot.pause()


async def send_and_wait(pilot, app: R1App, text: str) -> AnswerBlock:
    """Send ``text`` and wait for the generation to end; return the last answer block."""
    await send(pilot, app, text)
    await generation_over(pilot, app)
    return app.main_screen.panes.answers.answers()[-1]


def seed(store: HistoryStore, title: str | None, pairs: Sequence[tuple[str, str, str]], *,
         usage: Usage = USAGE, timing: Timing = TIMING) -> str:
    """A stored conversation of complete (prompt, reasoning, answer) turns; title defaults to the first prompt."""
    conv = store.create_conversation(pairs[0][0] if title is None else title)
    for prompt, reasoning, answer in pairs:
        user = store.add_user_message(conv, prompt)
        msg = store.begin_answer(conv, user, model="m", deployment="dep", endpoint_host="h")
        store.update_answer(msg, answer=answer, reasoning=reasoning, state="complete", finish_reason="stop",
                            usage=usage, timing=timing)
    return conv


def assistants(store: HistoryStore) -> list:
    """The stored answers of the newest conversation, in order."""
    conv = store.get_conversation(store.list_conversations()[0].id)
    assert conv is not None
    return [m for m in conv.messages if m.role == "assistant"]
