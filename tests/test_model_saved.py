"""The model the stream reports (Started(model), first chunk) is saved with the answer, by the app and by ask."""

from __future__ import annotations

import io
from pathlib import Path

from tui.commands.ask import run_ask
from tui.llm.client import ChatClient
from tui.llm.request import RequestDefaults
from tui.chat.recorder import Recorder
from tui.store import HistoryStore

try:
    from tests.helpers import endpoint_for
    from tests.loopback import Stream
    from tests.uihelpers import assistants, make_app, send_and_wait
except ImportError:  # tests/ itself on sys.path
    from helpers import endpoint_for  # type: ignore[no-redef]
    from loopback import Stream  # type: ignore[no-redef]
    from uihelpers import assistants, make_app, send_and_wait  # type: ignore[no-redef]


async def test_app_saves_the_streamed_model(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(Stream(n=2, choice_content=[["<think>", "r0", "</think>", "A"], ["<think>", "r1", "</think>", "B"]]))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    app.context.defaults = RequestDefaults(n=2)
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_wait(pilot, app, "which model?")
    saved = assistants(store)
    assert sorted(m.choice_index for m in saved) == [0, 1]
    assert [m.model for m in saved] == ["DeepSeek-R1", "DeepSeek-R1"]
    assert all(m.deployment == "dep" and m.state == "complete" for m in saved)
    exported = store.export_conversation(store.list_conversations()[0].id)
    assert [m["model"] for m in exported["messages"]] == [None, "DeepSeek-R1", "DeepSeek-R1"]
    store.close()
    await client.aclose()


async def test_ask_saves_the_streamed_model(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "r", "</think>", "a"]))
    store = HistoryStore.open(tmp_path / "h.db")
    client = ChatClient(endpoint_for(azure_server.base_url))
    try:
        code = await run_ask(client, "q", RequestDefaults(), Recorder(store), out=io.StringIO(), err=io.StringIO())
    finally:
        await client.aclose()
    assert code == 0
    assert [m.model for m in assistants(store)] == ["DeepSeek-R1"]
    store.close()


def test_update_answer_sets_the_model_and_leaves_it_otherwise(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    conv = store.create_conversation("t")
    msg = store.begin_answer(conv, store.add_user_message(conv, "q"), model=None, deployment="d", endpoint_host="h")
    store.update_answer(msg, model="M1")
    store.update_answer(msg, answer="a", state="complete")
    (saved,) = assistants(store)
    assert (saved.model, saved.content, saved.state) == ("M1", "a", "complete")
    store.close()
