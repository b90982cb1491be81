"""The key footer: Textual's ``Footer``, rebuilt only when the keys it shows change.

Textual's Footer recomposes on every binding refresh — it removes and mounts a widget per key
and lays the whole screen out again — even when nothing it shows has changed. The app refreshes
bindings at each send, answer end and focus change, so an exchange paid for several rebuilds
that changed nothing. Here a refresh that would show the same keys, labels and states does nothing.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress

from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, str, bool], ...]  # (key, action, description, tooltip, enabled) per key


class KeyFooter(Footer):
    """A ``Footer`` that recomposes only when what it shows changes."""

    def __init__(self, *, show_command_palette: bool = True) -> None:
        super().__init__(show_command_palette=show_command_palette)
        self._shown: Shown | None = None  # what the last recompose showed (None: none yet)
        self.rebuilds = 0  # recomposes asked for (read by tests)
        self._rebuilding: asyncio.Event | None = None  # set once the rebuild asked for has happened

    def bindings_changed(self, screen: Screen) -> None:
        if not (screen.app.app_focus and self.is_attached and screen is self.screen):
            super().bindings_changed(screen)  # Footer does not rebuild now either
            return
        shown = self.shown_keys(screen)
        if shown == self._shown:
            return
        self._shown = shown
        self.rebuilds += 1
        if self._rebuilding is None:
            self._rebuilding = asyncio.Event()
        super().bindings_changed(screen)  # rebuilds after the next refresh

    async def recompose(self) -> None:
        try:
            await super().recompose()
        finally:
            rebuilt, self._rebuilding = self._rebuilding, None
            if rebuilt is not None:
                rebuilt.set()

    async def show_current_keys(self, timeout_s: float = 0.5) -> None:
        """Refresh the screen's bindings and return once the footer shows them: at once if its keys
        did not change, else after its rebuild (at most ``timeout_s``, should the app close first)."""
        if not self.is_attached:
            return
        checked = asyncio.Event()
        self.screen.refresh_bindings()  # reaches bindings_changed through this footer's queue,
        self.call_next(checked.set)  # so this runs after it
        with suppress(TimeoutError):
            await asyncio.wait_for(checked.wait(), timeout_s)
            rebuilt = self._rebuilding
            if rebuilt is not None:
                await asyncio.wait_for(rebuilt.wait(), timeout_s)

    @staticmethod
    def shown_keys(screen: Screen) -> Shown:
        """What Footer.compose would show for ``screen`` now."""
        return tuple(
            (binding.key, binding.action, binding.description, tooltip or "", enabled)
            for _node, binding, enabled, tooltip in screen.active_bindings.values()
            if binding.show
        )
