"""toggle_thinking: offered only with a thinking switch, flips it per conversation, shown in the
status bar, and sent on the wire (#16)."""

from __future__ import annotations

from pathlib import Path

from tui.llm.client import ChatClient
from tui.llm.endpoint import EndpointSettings
from tui.llm.request import RequestDefaults
from tui.llm.thinking import BUILT_IN
from tui.store import HistoryStore
from tui.ui.commands import palette_entries
from tui.ui.factory import build_app

try:
    from tests.loopback import Stream
    from tests.uihelpers import send_and_wait, wait_for
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream  # type: ignore[no-redef]
    from uihelpers import send_and_wait, wait_for  # type: ignore[no-redef]


def _app(base_url: str, db: Path, defaults: RequestDefaults):
    client = ChatClient(EndpointSettings(base_url, "dep", "none"))
    store = HistoryStore.open(db)
    return build_app(client=client, store=store, defaults=defaults), store, client


def _top_row(app) -> str:
    return app.main_screen.panes.status.build_text().plain.split("\n")[0]


async def test_toggle_thinking_flips_the_switch_for_this_conversation(azure_server, tmp_path: Path) -> None:
    for _ in range(3):
        azure_server.enqueue(Stream(content_chunks=["ok"]))
    app, store, client = _app(azure_server.base_url, tmp_path / "h.db",
                              RequestDefaults(thinking_recipe=BUILT_IN["deepseek"]))
    async with app.run_test(size=(80, 24)) as pilot:
        assert "thinking default" in _top_row(app)
        await pilot.press("ctrl+t")  # from the prompt, before the conversation's first prompt
        await wait_for(pilot, lambda: "thinking on" in _top_row(app))
        await send_and_wait(pilot, app, "one")
        assert azure_server.requests[-1].json["thinking"] == {"type": "enabled"}
        assert "thinking on" in _top_row(app)  # the switch went with the new conversation
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: "thinking off" in _top_row(app))
        await send_and_wait(pilot, app, "two")
        assert azure_server.requests[-1].json["thinking"] == {"type": "disabled"}
        first = app.main_screen.history.conv_id
        await pilot.press("ctrl+n")  # another conversation: the profile's switch again
        await wait_for(pilot, lambda: "thinking default" in _top_row(app))
        await send_and_wait(pilot, app, "three")
        assert "thinking" not in azure_server.requests[-1].json
        assert app.context.thinking_choices.get(first) is False
    await client.aclose()
    store.close()


async def test_without_a_thinking_switch_the_key_is_not_offered(azure_server, tmp_path: Path) -> None:
    app, store, client = _app(azure_server.base_url, tmp_path / "h.db", RequestDefaults())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "thinking" not in _top_row(app) and not app.context.thinking_choices
        assert "no thinking switch" in "\n".join(str(n.message) for n in app._notifications)
        why = {e.name: e.why_not for e in palette_entries(app.main_screen)}["Thinking on/off"]
        assert why is not None and "thinking_param" in why
    await client.aclose()
    store.close()
