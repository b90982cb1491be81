"""Themes: Textual's built-in themes, chosen from the palette and remembered in config.toml.

``styles/app.tcss`` uses theme variables only ($panel, $primary, $accent …), so every
theme, including the ANSI ones that use the terminal's own 16 colours, looks right.
With no theme configured and a 16-colour terminal (e.g. ``TERM=screen``), the app
starts with :data:`ANSI_THEME` instead of down-sampling truecolor.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App

from tui.config import ConfigError
from tui.sanitize import one_line

ANSI_THEME = "ansi-dark"  # Textual 8's "textual-ansi" successor: the terminal's ANSI palette


def start_theme(app: App[Any], configured: object) -> str | None:
    """Apply the configured theme (or the ANSI one on a 16-colour terminal); return a problem."""
    if isinstance(configured, str) and configured:
        if configured in app.available_themes:
            app.theme = configured
            return None
        known = ", ".join(sorted(app.available_themes))
        return f"theme {one_line(configured, 40)!r} is not a known theme (known: {known})"
    if configured is not None:
        return "theme must be a string such as \"ansi-dark\""
    if not app.is_headless and getattr(app.console, "color_system", None) == "standard":
        app.theme = ANSI_THEME
    return None


class ThemeMemory:
    """Writes ``theme = "..."`` to the config file whenever the user picks another theme."""

    def __init__(self, app: App[Any], config_path: Path, *, save: bool = True) -> None:
        self.app = app
        self.config_path = config_path
        self.save = save  # False in --demo: the theme is for this session only
        self.current = app.theme

    def watch(self) -> None:
        self.app.theme_changed_signal.subscribe(self.app, self._changed)

    def _changed(self, theme: object) -> None:
        name = getattr(theme, "name", str(theme))
        if name == self.current:
            return
        self.current = name
        if not self.save:
            self.app.notify(f"Theme {one_line(name, 40)} for this session only (--demo never writes config.toml).",
                            timeout=3, markup=False)
            return
        from tui.config_write import set_theme

        try:
            set_theme(self.config_path, name)
        except (ConfigError, OSError) as exc:
            self.app.notify(one_line(f"Theme not saved: {exc}", 200), severity="error", markup=False)
            return
        self.app.notify(f"Theme {one_line(name, 40)} saved to the config file.", timeout=2, markup=False)
