"""The "keyboard-first over SSH" behaviour of R1App, as a mixin.

Switching profile or deployment (through the ``client_factory`` the CLI passes in),
first-run setup, settings, export, themes and the configurable keymap. The palette
(tui/ui/commands.py) and the keys call the actions defined here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui import paths
from tui.config import ConfigError
from tui.sanitize import one_line
from tui.ui.copying import CopyMixin
from tui.ui.navigation import NavigationMixin
from tui.ui.store_switch import make_store_writable

if TYPE_CHECKING:
    from tui.llm.client import ChatClient
    from tui.llm.request import RequestDefaults

# (profile or None, deployment or None) -> a new client and the request defaults of that profile.
# Raises ConfigError with a message to show when the profile cannot be used.
ClientFactory = Callable[[str | None, str | None], "tuple[ChatClient, RequestDefaults]"]

PROMPT_PLACEHOLDER = "Type a prompt · Enter sends · Ctrl+J newline"


class KeyboardFirstMixin(CopyMixin, NavigationMixin):
    """Mixed into R1App before ``App``; ``_init_keyboard_first`` is called from ``__init__``."""

    def _init_keyboard_first(self, *, client_factory: ClientFactory | None, keymap: Mapping[str, str] | None,
                             theme: str | None, profile: str | None, config_path: Path | None) -> None:
        self.client_factory = client_factory
        self.keymap_config: Mapping[str, Any] = dict(keymap or {})
        self.theme_config = theme
        self.profile_name = profile
        self._config_path = config_path
        self.keymap_problems: list[str] = []
        self._owned_clients: list[Any] = []

    @property
    def config_path(self) -> Path:
        return self._config_path or paths.config_file()

    def _mount_keyboard_first(self) -> None:
        """Theme, keymap, theme memory, and the setup offer when nothing is configured."""
        from tui.ui.keymap import apply_keymap
        from tui.ui.themes import ThemeMemory, start_theme

        from textual.widgets import Footer

        app: Any = self
        for footer in app.query(Footer):  # Ctrl+P is listed with the other keys, not docked right (80 columns)
            footer.show_command_palette = False
        problem = start_theme(app, self.theme_config)
        if problem:
            app.notify(f"{self.config_path}: {problem}", severity="error", timeout=15, markup=False)
        ThemeMemory(app, self.config_path).watch()
        self.keymap_problems = apply_keymap(app, self.keymap_config)
        if app.client is None and not app.read_only and self.client_factory is not None:
            app.call_after_refresh(self.action_setup)

    # -- connection ------------------------------------------------------------------

    async def switch_connection(self, profile: str | None, deployment: str | None) -> bool:
        """Build a client for ``profile`` / ``deployment`` and use it from now on."""
        app: Any = self
        if self.client_factory is None:
            app.notify("Switching needs the r1-tui launcher: restart with --profile NAME.", severity="warning")
            return False
        if app.read_only:
            app.notify("Offline: history is read-only. Restart r1-tui without --offline to chat.", severity="warning")
            return False
        if app._busy("switch the endpoint"):
            return False
        try:
            client, defaults = self.client_factory(profile, deployment)
        except (ConfigError, ValueError) as exc:
            app.notify(one_line(str(exc), 400), title="Cannot switch", severity="error", timeout=12, markup=False)
            return False
        if not make_store_writable(app):  # no endpoint at start: the history was opened read-only
            await client.aclose()
            return False
        old = app.client
        app.client, app.defaults = client, defaults
        if profile is not None:
            self.profile_name = profile
        self._owned_clients.append(client)
        if old is not None and old in self._owned_clients:
            self._owned_clients.remove(old)
            await old.aclose()
        self._go_online()
        ep = client.endpoint
        app.notify(f"Now using {one_line(ep.deployment, 40)} @ {one_line(ep.label, 60)}.", timeout=3, markup=False)
        return True

    def _go_online(self) -> None:
        app: Any = self
        app.offline = False
        app.remove_class("-offline")
        app.prompt.disabled = False
        app.prompt.read_only = False
        app.prompt.placeholder = PROMPT_PLACEHOLDER
        ep = app.client.endpoint
        app.sub_title = f"{one_line(ep.deployment, 40)} @ {one_line(ep.label, 60)}"
        app.status.model.endpoint = app._endpoint_label()
        app.status.render_now()
        app.prompt.focus()

    async def aclose_owned_clients(self) -> None:
        """Close the clients this app built (the CLI closes the one it passed in)."""
        owned, self._owned_clients = self._owned_clients, []
        for client in owned:
            await client.aclose()

    # -- screens -----------------------------------------------------------------------

    def action_setup(self) -> None:
        """Open the setup dialog (endpoint, deployment, auth; checked like ``doctor``)."""
        from tui.ui.screens.setup import SetupScreen

        app: Any = self
        if len(app.screen_stack) > 1 and isinstance(app.screen, SetupScreen):
            return

        async def done(profile: str | None) -> None:
            if profile is None:
                return
            if self.client_factory is None:
                app.notify(f"Saved profile {one_line(profile, 40)}; restart r1-tui to use it.", markup=False)
            else:
                await self.switch_connection(profile, None)

        app.push_screen(SetupScreen(self.config_path, first_run=app.client is None), done)

    def action_settings(self) -> None:
        """Open the settings dialog (profile, deployment, max_tokens, stop, n, system prompt)."""
        from tui.ui.screens.settings import SettingsScreen, SettingsValues

        app: Any = self
        current = SettingsValues(
            profile=self.profile_name or "default",
            deployment=app.client.endpoint.deployment if app.client is not None else "",
            defaults=app.defaults,
        )

        async def done(result: SettingsValues | None) -> None:
            if result is None:
                return
            app.defaults = result.defaults
            self.profile_name = result.profile
            app.notify(f"Settings saved to {one_line(str(self.config_path), 120)}.", timeout=3, markup=False)
            if app.client is not None and result.deployment and result.deployment != current.deployment:
                await self.switch_connection(self.profile_name if self.client_factory else None, result.deployment)
                app.defaults = result.defaults

        app.push_screen(SettingsScreen(self.config_path, current), done)

    def action_switch_deployment(self) -> None:
        """Ask for a deployment name on the current endpoint and switch to it."""
        from tui.ui.screens.ask import AskScreen

        app: Any = self
        current = app.client.endpoint.deployment if app.client is not None else ""

        async def done(name: str | None) -> None:
            if name:
                await self.switch_connection(self.profile_name if self.client_factory else None, name)

        app.push_screen(AskScreen("Switch deployment", "Deployment name (on Azure: not the model name)", current), done)

    # -- export --------------------------------------------------------------------------

    def action_export(self) -> Path | None:
        """Write the open conversation as Markdown (the ``history export`` format), 0600."""
        from tui.config_write import write_private
        from tui.formats.filenames import export_path
        from tui.formats.markdown import to_markdown

        app: Any = self
        if app.conv_id is None:
            app.notify("Open or start a conversation to export it.", severity="warning")
            return None
        try:
            text = to_markdown(app.store.export_conversation(app.conv_id))
            stamp = time.strftime("%Y%m%d-%H%M%S")
            path = export_path(paths.data_dir(ensure=True) / "exports", app.conv_id, stamp)
            write_private(path, text)
        except Exception as exc:  # store or file system: say so, keep running
            app.notify(one_line(f"Export failed: {exc}", 300), severity="error", markup=False)
            return None
        app.notify(f"Exported to {one_line(str(path), 300)}", title="Export", timeout=15, markup=False)
        return path
