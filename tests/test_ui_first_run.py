"""Nothing configured: the app browses history read-only and offline until first-run setup, then saves."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import RadioSet

from tui import cli, paths
from tui.config import Overrides, load_settings
from tui.store import HistoryStore, StoreError
from tui.ui.app import R1App
from tui.ui.screens.setup import SetupScreen

try:
    from tests.loopback import Stream
    from tests.uihelpers import send_and_wait, wait_for
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream  # type: ignore[no-redef]
    from uihelpers import send_and_wait, wait_for  # type: ignore[no-redef]


class SocketLog:
    """Record every connect / name lookup (and let it through: setup talks to the loopback server)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.attempts: list[str] = []
        for owner, name in ((socket.socket, "connect"), (socket.socket, "connect_ex"),
                            (socket, "create_connection"), (socket, "getaddrinfo")):
            monkeypatch.setattr(owner, name, self._wrap(name, getattr(owner, name)))

    def _wrap(self, name: str, original):
        def record(*args, **kwargs):
            self.attempts.append(name)
            return original(*args, **kwargs)
        return record


async def test_no_endpoint_is_read_only_until_setup_then_saves(azure_server, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "hm", "</think>", "saved answer"]))
    db = paths.history_db_path()
    with HistoryStore.open(db) as writer:
        writer.create_conversation("earlier")
    settings = load_settings(Overrides())
    assert settings.endpoint is None
    sockets = SocketLog(monkeypatch)
    seen: dict[str, object] = {}

    async def drive(app: R1App) -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))  # first-run setup offered
            first = app.context.store
            assert first.read_only and app.context.client is None and app.context.offline
            with pytest.raises(StoreError):
                first.create_conversation("refused")
            assert [c.title for c in first.list_conversations()] == ["earlier"]
            assert sockets.attempts == []  # nothing configured: no network, no credential
            await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "setup-endpoint")
            await pilot.press(*azure_server.base_url)
            await pilot.press("tab", *"depx")
            await pilot.pause()
            assert app.screen.query_one(RadioSet).pressed_index == 2  # auth: none, the default for a non-Azure host
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: app.context.client is not None)
            assert not app.context.store.read_only and app.context.store is not first
            await send_and_wait(pilot, app, "after setup")
            seen["store"] = app.context.store

    monkeypatch.setattr(R1App, "run_async", drive)
    assert await cli._run_app(settings, offline=False, low_bandwidth=False, overrides=Overrides()) == 0
    with pytest.raises(sqlite3.ProgrammingError):  # the CLI closed the reopened store
        seen["store"].list_conversations()  # type: ignore[attr-defined]
    with HistoryStore.open(db, read_only=True) as store:
        titles = [c.title for c in store.list_conversations()]
        assert titles == ["after setup", "earlier"]
        messages = store.get_conversation(store.list_conversations()[0].id).messages
        assert [m.content for m in messages] == ["after setup", "saved answer"]
        assert messages[1].state == "complete" and messages[1].deployment == "depx"


async def test_no_endpoint_and_no_history_writes_no_file(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(Overrides())
    sockets = SocketLog(monkeypatch)
    stores: list[object] = []

    async def fake_run(app: R1App) -> None:
        stores.append(app.context.store)

    monkeypatch.setattr(R1App, "run_async", fake_run)
    assert await cli._run_app(settings, offline=False, low_bandwidth=False) == 0
    assert stores[0].read_only  # type: ignore[attr-defined]
    assert not paths.history_db_path().exists() and sockets.attempts == []


def test_a_partial_configuration_opens_setup_with_what_is_known(azure_server, monkeypatch: pytest.MonkeyPatch) -> None:
    """AZURE_OPENAI_ENDPOINT without a deployment: the app starts, setup has the endpoint filled in (#11.13)."""
    azure_server.enqueue(Stream(content_chunks=["<think>", "hm", "</think>", "after partial"]))
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", azure_server.base_url)
    seen: dict[str, object] = {}

    async def drive(app: R1App) -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "setup-deployment")
            screen = app.screen
            assert isinstance(screen, SetupScreen)
            seen["endpoint"] = screen.query_one("#setup-endpoint").value
            seen["intro"] = str(screen.query_one("#setup-intro").render())
            await pilot.press(*"depx")
            await pilot.pause()
            seen["auth"] = screen.query_one(RadioSet).pressed_index
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: app.context.client is not None)
            seen["answer"] = (await send_and_wait(pilot, app, "hello")).answer

    monkeypatch.setattr(R1App, "run_async", drive)
    assert cli.main([]) == 0
    assert seen["endpoint"] == azure_server.base_url
    assert "AZURE_OPENAI_ENDPOINT" in str(seen["intro"]) and "deployment" in str(seen["intro"])
    assert seen["auth"] == 2  # none: a loopback, non-Azure endpoint
    assert seen["answer"] == "after partial"


async def test_cancelling_first_run_setup_says_how_to_get_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Esc in first-run setup: the app stays read-only and a toast names the way back (#11)."""
    settings = load_settings(Overrides())
    toasts: list[str] = []

    async def drive(app: R1App) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
            original = app.notify
            monkeypatch.setattr(app, "notify", lambda message, *a, **k: (toasts.append(str(message)),
                                                                         original(message, *a, **k))[1])
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, SetupScreen) and toasts)
            assert app.context.client is None and app.context.offline

    monkeypatch.setattr(R1App, "run_async", drive)
    assert await cli._run_app(settings, offline=False, low_bandwidth=False) == 0
    assert any("Setup cancelled" in t and "Ctrl+P" in t and "setup" in t for t in toasts)
