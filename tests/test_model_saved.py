"""The model the stream reports (Started(model), first chunk) is saved with the answer, by the app and by ask."""

from __future__ import annotations

import io
import json
from pathlib import Path

from tui.chat.session import Session
from tui.commands.ask import run_ask
from tui.llm.client import ChatClient
from tui.llm.request import RequestDefaults
from tui.store import HistoryStore
from tui.store.background import BackgroundWriter

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
    writer = BackgroundWriter(tmp_path / "h.db")
    client = ChatClient(endpoint_for(azure_server.base_url))
    try:
        session = Session(client=client, writer=writer)
        code = await run_ask(session, "q", out=io.StringIO(), err=io.StringIO())
    finally:
        await client.aclose()
        writer.close()
    assert code == 0
    with HistoryStore.open(tmp_path / "h.db") as store:
        assert [m.model for m in assistants(store)] == ["DeepSeek-R1"]


async def test_the_model_is_the_first_non_empty_one_azure_opens_without_it(azure_server, tmp_path: Path) -> None:
    """Azure's first chunk is the prompt-filter chunk with "model": "" (issue #11.6)."""
    azure_server.enqueue(Stream(content_chunks=["<think>", "r", "</think>", "a"], azure_quirks=True))
    writer = BackgroundWriter(tmp_path / "h.db")
    client = ChatClient(endpoint_for(azure_server.base_url))
    out = io.StringIO()
    try:
        code = await run_ask(Session(client=client, writer=writer), "q", as_json=True, out=out, err=io.StringIO())
    finally:
        await client.aclose()
        writer.close()
    assert code == 0 and json.loads(out.getvalue())["model"] == "DeepSeek-R1"
    with HistoryStore.open(tmp_path / "h.db") as store:
        assert [m.model for m in assistants(store)] == ["DeepSeek-R1"]


def test_update_answer_sets_the_model_and_leaves_it_otherwise(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    conv = store.create_conversation("t")
    msg = store.begin_answer(conv, store.add_user_message(conv, "q"), model=None, deployment="d", endpoint_host="h")
    store.update_answer(msg, model="M1")
    store.update_answer(msg, answer="a", state="complete")
    (saved,) = assistants(store)
    assert (saved.model, saved.content, saved.state) == ("M1", "a", "complete")
    store.close()
