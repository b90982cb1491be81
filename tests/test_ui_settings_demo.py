"""Settings and themes in ``--demo`` never write config.toml; settings keep the profile's extras (#11.4, #16)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tui.llm.client import ChatClient
from tui.llm.context_window import ContextWindow
from tui.llm.endpoint import EndpointSettings
from tui.llm.request import RequestDefaults
from tui.llm.thinking import BUILT_IN
from tui.store import HistoryStore
from tui.ui.commands import palette_entries
from tui.ui.factory import build_app
from tui.ui.screens.settings import SettingsScreen

try:
    from tests.uihelpers import wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import wait_for  # type: ignore[no-redef]

PROFILE = RequestDefaults(max_tokens=100, extra_body={"top_k": 40}, thinking=True,
                          thinking_recipe=BUILT_IN["deepseek"], context=ContextWindow(131072, "table", "DeepSeek-V3.1"))


def _notes(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def _save_settings(app, pilot, max_tokens: str) -> None:
    await pilot.press("f9")
    await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "settings-max-tokens")
    app.screen.query_one("#settings-max-tokens", Input).value = max_tokens
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not isinstance(app.screen, SettingsScreen))


async def test_demo_settings_apply_to_the_session_and_never_write_config(tmp_path: Path) -> None:
    cfg = tmp_path / "config" / "config.toml"
    calls: list[tuple[str | None, str | None]] = []
    client = ChatClient(EndpointSettings("http://127.0.0.1:9/v1", "demo-r1", "none"))

    def factory(profile: str | None, deployment: str | None):
        calls.append((profile, deployment))
        return ChatClient(EndpointSettings("http://127.0.0.1:9/v1", deployment or "demo-r1", "none")), RequestDefaults()

    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=client, store=store, defaults=PROFILE, profile="default", config_path=cfg,
                    client_factory=factory, demo=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f9")
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "settings-max-tokens")
        assert "this session only" in str(app.screen.query_one("#settings-where").render())
        assert "131072 tokens" in str(app.screen.query_one("#settings-context").render())
        app.screen.query_one("#settings-max-tokens", Input).value = "500"
        app.screen.query_one("#settings-deployment", Input).value = "demo-v3"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, SettingsScreen) and calls)
        await wait_for(pilot, lambda: app.context.client is not None and app.context.client.endpoint.deployment == "demo-v3")
        assert app.context.defaults.max_tokens == 500
        assert "session only" in _notes(app)
        assert calls == [(None, "demo-v3")]  # the demo connection, not the file's profile "default"
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        assert "for this session only" in _notes(app)
        why = {e.name: e.why_not for e in palette_entries(app.main_screen)}["Set up an endpoint"]
        assert why is not None and "--demo" in why
    assert not cfg.exists()
    await client.aclose()
    await app.context.aclose_owned_clients()
    store.close()


async def test_saved_settings_keep_the_profiles_extras_and_thinking_switch(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    client = ChatClient(EndpointSettings("http://127.0.0.1:9/v1", "dep", "none"))
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=client, store=store, defaults=PROFILE, profile="default", config_path=cfg)
    async with app.run_test(size=(100, 40)) as pilot:
        await _save_settings(app, pilot, "700")
        defaults = app.context.defaults
        assert defaults.max_tokens == 700
        assert dict(defaults.extra_body) == {"top_k": 40}
        assert defaults.thinking is True and defaults.thinking_recipe == BUILT_IN["deepseek"]
        assert defaults.context_window == 131072
    assert "max_tokens = 700" in cfg.read_text()
    await client.aclose()
    store.close()


async def test_setup_auth_follows_the_endpoint_until_the_user_picks_one(tmp_path: Path, monkeypatch) -> None:
    """README's table: none for a non-Azure endpoint, entra for Azure, key when the key variable is set (#11.12)."""
    from textual.widgets import RadioButton, RadioSet

    from tui.ui.screens.setup import SetupScreen

    monkeypatch.delenv("AZURE_OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store, config_path=tmp_path / "config.toml")
    async with app.run_test(size=(100, 40)) as pilot:
        app.main_screen.action_setup()
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "setup-endpoint")
        screen = app.screen
        endpoint = screen.query_one("#setup-endpoint", Input)
        auth = screen.query_one(RadioSet)

        async def typed(url: str) -> int:
            endpoint.value = url
            await pilot.pause()
            return auth.pressed_index

        assert await typed("http://127.0.0.1:8000/v1") == 2  # none
        assert await typed("https://res.openai.azure.com/openai/v1/") == 0  # entra
        monkeypatch.setenv("AZURE_OPENAI_API_KEY", "k")
        assert await typed("https://res2.openai.azure.com/openai/v1/") == 1  # key: one is set
        auth.query(RadioButton)[2].value = True  # the user's choice stays
        await pilot.pause()
        assert await typed("https://res3.openai.azure.com/openai/v1/") == 2
    store.close()


def test_the_app_shows_the_temperature_warning(azure_server, tmp_path: Path, monkeypatch) -> None:
    """A profile with temperature: the app says it is ignored, as ask and doctor do (#11 Confusing)."""
    from tui import cli
    from tui.ui.app import R1App

    cfg = tmp_path / "config" / "r1-tui" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text(f'[profiles.p]\nendpoint = "{azure_server.base_url}"\ndeployment = "d"\nauth = "none"\n'
                   "temperature = 0.6\n")
    seen: list[str] = []

    async def drive(app: R1App) -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            seen.extend(str(n.message) for n in app._notifications)

    monkeypatch.setattr(R1App, "run_async", drive)
    assert cli.main([]) == 0
    assert any("temperature is ignored" in note for note in seen), seen


async def test_setup_check_results_are_aligned(azure_server, tmp_path: Path) -> None:
    """Every check's detail starts in one column, wrapped lines too (#11 Confusing: setup-check output)."""
    from textual.widgets import Static

    from tui.ui.screens.setup import SetupScreen

    try:
        from tests.loopback import Stream, usage
    except ImportError:  # tests/ itself on sys.path
        from loopback import Stream, usage  # type: ignore[no-redef]

    azure_server.enqueue(Stream(content_chunks=["<think>", "hm", "</think>", "ok"], usage=usage(3, 5, reasoning=2)))
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store, config_path=tmp_path / "config.toml")
    async with app.run_test(size=(80, 40)) as pilot:
        app.main_screen.action_setup()
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "setup-endpoint")
        screen = app.screen
        assert isinstance(screen, SetupScreen)
        screen.query_one("#setup-endpoint", Input).value = azure_server.base_url
        screen.query_one("#setup-deployment", Input).value = "a-rather-long-deployment-name-for-wrapping"
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: screen.check_lines and screen.check_lines[-1].startswith(("All", "Fix")))
        await pilot.pause()
        checks = screen.query_one("#setup-checks", Static)
        rows = [strip.text.rstrip() for strip in checks.render_lines(checks.region.reset_offset)]
        marked = [r for r in rows if r[:1] in "✓✗–"]
        wrapped = [r for r in rows if r[:1] == " " and r.strip()]
        column = 2 + 18 + 1  # mark, space, the longest title ("deployment streams"), space
        assert len(marked) == 9 and wrapped, rows
        assert all(r[column - 1] == " " and r[column] != " " for r in marked), rows
        assert all(len(r) - len(r.lstrip()) == column for r in wrapped), rows
    store.close()
