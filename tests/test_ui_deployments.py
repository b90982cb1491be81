"""Switch deployment lists what the endpoint's GET /models answers, filtered as you type; without a
list the typed name is used and the dialog says why (#16, #11 Confusing)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList

from tui.llm.client import ChatClient
from tui.llm.endpoint import EndpointSettings
from tui.llm.request import RequestDefaults
from tui.store import HistoryStore
from tui.ui.factory import build_app
from tui.ui.screens.deployments import DeploymentScreen

try:
    from tests.loopback import ErrorResponse
    from tests.uihelpers import wait_for
except ImportError:  # tests/ itself on sys.path
    from loopback import ErrorResponse  # type: ignore[no-redef]
    from uihelpers import wait_for  # type: ignore[no-redef]


def _app(base_url: str, db: Path):
    def factory(profile: str | None, deployment: str | None):
        return ChatClient(EndpointSettings(base_url, deployment or "dep", "none")), RequestDefaults()

    client = ChatClient(EndpointSettings(base_url, "dep", "none"))
    store = HistoryStore.open(db)
    return build_app(client=client, store=store, client_factory=factory), store, client


def _status(app) -> str:
    return str(app.screen.query_one("#deployment-status").render())


async def test_switch_deployment_offers_the_listed_deployments(azure_server, tmp_path: Path) -> None:
    azure_server.models = ["DeepSeek-R1", "DeepSeek-V3.1", "evil\x1b]0;title\x07"]
    app, store, client = _app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.main_screen.run_command("switch_deployment")
        await wait_for(pilot, lambda: isinstance(app.screen, DeploymentScreen) and app.screen.listed is not None)
        screen = app.screen
        assert "3 deployments listed" in _status(app)
        options = screen.query_one(OptionList)
        assert options.option_count == 3
        assert all("\x1b" not in options.get_option_at_index(i).prompt.plain for i in range(3))
        screen.query_one(Input).value = "v3"
        await pilot.pause()
        assert options.option_count == 1
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: app.context.client.endpoint.deployment == "DeepSeek-V3.1")
    await client.aclose()
    await app.context.aclose_owned_clients()
    store.close()


async def test_without_a_list_the_typed_name_is_used(azure_server, tmp_path: Path) -> None:
    azure_server.models = ErrorResponse(404, {"error": {"code": "NotFound", "message": "no"}})
    app, store, client = _app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.main_screen.run_command("switch_deployment")
        await wait_for(pilot, lambda: isinstance(app.screen, DeploymentScreen) and app.screen.listed is not None)
        assert "No list from the endpoint" in _status(app) and "404" in _status(app)
        app.screen.query_one(Input).value = "typed-dep"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.context.client.endpoint.deployment == "typed-dep")
    await client.aclose()
    await app.context.aclose_owned_clients()
    store.close()
