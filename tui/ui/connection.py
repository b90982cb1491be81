"""The connection and the configuration: setup, settings, switching profile or deployment.

Dialogs are pushed on the host screen; what they decide is applied to the
:class:`~tui.ui.context.AppContext`, and ``on_online`` lets the main screen enable the
prompt and show the new endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual.screen import Screen

from tui.sanitize import one_line
from tui.ui.context import AppContext, SwitchError
from tui.llm.models import ModelList, list_models
from tui.ui.screens.deployments import DeploymentScreen
from tui.ui.screens.settings import SettingsScreen, SettingsValues
from tui.ui.screens.setup import SetupScreen


class ConnectionController:
    """Setup, settings and switching, for the main screen."""

    def __init__(self, context: AppContext, host: Screen[None], busy: Callable[[str], bool],
                 on_online: Callable[[], None]) -> None:
        self.context = context
        self.host = host
        self.busy = busy
        self.on_online = on_online

    def notify(self, message: str, *, severity: str = "information", timeout: float = 4, title: str = "") -> None:
        self.host.notify(message, title=title, severity=severity, timeout=timeout, markup=False)  # type: ignore[arg-type]

    async def switch(self, profile: str | None, deployment: str | None) -> bool:
        """Use ``profile`` / ``deployment`` from now on; say what happened."""
        if self.busy("switch the endpoint"):
            return False
        try:
            client = await self.context.switch(profile, deployment)
        except SwitchError as exc:
            self.notify(str(exc), title="Cannot switch", severity="error", timeout=12)
            return False
        self.on_online()
        ep = client.endpoint
        self.notify(f"Now using {one_line(ep.deployment, 40)} @ {one_line(ep.label, 60)}.", timeout=3)
        return True

    def setup(self) -> None:
        """Open the setup dialog (endpoint, deployment, auth; checked like ``doctor``)."""
        app = self.host.app
        if isinstance(app.screen, SetupScreen):
            return
        context = self.context

        async def done(profile: str | None) -> None:
            if profile is None:
                if context.client is None:
                    self.notify("Setup cancelled: the history stays read-only. To set up later, "
                                "press Ctrl+P and type “setup”.", timeout=10)
                return
            if context.client_factory is None:
                self.notify(f"Saved profile {one_line(profile, 40)}; restart r1-tui to use it.")
            else:
                await self.switch(profile, None)

        known = context.partial if context.client is None else None
        app.push_screen(SetupScreen(context.config_path, first_run=context.client is None, known=known), done)

    def settings(self) -> None:
        """Open the settings dialog (profile, deployment, max_tokens, stop, n, system prompt).

        In ``--demo`` the settings apply to this session only: config.toml is never written.
        """
        context = self.context
        current = SettingsValues(
            profile=context.profile_name or "default",
            deployment=context.client.endpoint.deployment if context.client is not None else "",
            defaults=context.defaults,
        )

        async def done(result: SettingsValues | None) -> None:
            if result is None:
                return
            edited = result.defaults
            context.defaults = edited
            if context.writes_config:
                context.profile_name = result.profile
                self.notify(f"Settings saved to {one_line(str(context.config_path), 120)}.", timeout=3)
            else:
                self.notify("Settings apply to this session only (--demo never writes config.toml).", timeout=4)
            if context.client is not None and result.deployment and result.deployment != current.deployment:
                # --demo: the same (demo) connection with another deployment, never a profile from the file
                profile = context.profile_name if context.client_factory and context.writes_config else None
                if await self.switch(profile, result.deployment):  # the new deployment's window, the edited fields
                    context.defaults = replace(context.defaults, system=edited.system, max_tokens=edited.max_tokens,
                                               stop=edited.stop, n=edited.n)

        self.host.app.push_screen(SettingsScreen(context.config_path, current, session_only=not context.writes_config),
                                  done)

    def switch_deployment(self) -> None:
        """Pick a deployment the endpoint lists (``GET /models``, asked in the background) or type one."""
        context = self.context
        client = context.client
        current = client.endpoint.deployment if client is not None else ""

        async def done(name: str | None) -> None:
            if name and name != current:
                await self.switch(context.profile_name if context.client_factory and context.writes_config else None,
                                  name)

        async def listed() -> ModelList:
            assert client is not None
            return await list_models(client)

        self.host.app.push_screen(DeploymentScreen(current, listed if client is not None else None), done)

    def toggle_thinking(self, why_not: str | None) -> None:
        """Thinking on/off for this conversation; ``why_not``: the profile has no thinking switch."""
        if why_not:
            self.notify(f"Not now: {why_not}.", timeout=6)
        else:
            state = "on" if self.context.toggle_thinking() else "off"
            self.notify(f"Thinking {state} for this conversation.", timeout=2)
