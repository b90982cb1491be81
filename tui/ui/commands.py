"""The command palette (Ctrl+P): every action of the app by name, typed and run from the keyboard."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.config import ConfigError
from tui.sanitize import one_line


@dataclass(frozen=True)
class PaletteCommand:
    """One palette entry."""

    name: str
    help: str
    run: Callable[[], Any]


def _profile_commands(app: Any) -> Iterator[PaletteCommand]:
    from tui.config_write import read_profile, profile_names

    try:
        names = profile_names(app.config_path)
    except ConfigError:
        return
    for name in names:
        try:
            profile = read_profile(app.config_path, name)
        except ConfigError:
            profile = {}
        where = one_line(f"{profile.get('deployment', '?')} @ {profile.get('endpoint', '?')}", 80)
        current = " (current)" if name == app.profile_name else ""
        yield PaletteCommand(f"Switch profile: {one_line(name, 40)}{current}", where,
                             partial(app.switch_connection, name, None))


def palette_commands(app: Any) -> list[PaletteCommand]:
    """The commands available now (search and regenerate only when the app has them)."""
    commands = [
        PaletteCommand("New conversation", "Start an empty conversation", app.action_new_conversation),
    ]
    if hasattr(app, "action_search"):
        commands.append(PaletteCommand("Search history", "Full-text search of saved conversations", app.action_search))
    if hasattr(app, "action_toggle_archived"):
        commands.append(PaletteCommand("Archived conversations", "Show the archived ones, or back (A in the list)",
                                       app.action_toggle_archived))
    if hasattr(app, "action_regenerate"):
        commands.append(PaletteCommand("Regenerate answer", "Ask again for the last prompt", app.action_regenerate))
    commands += [
        PaletteCommand("Toggle reasoning pane", "Show or hide the reasoning (F3)", app.action_toggle_reasoning),
        PaletteCommand("Toggle conversation list", "Show or hide the list (F2)", app.action_toggle_list),
        PaletteCommand("Copy answer", "Copy the selected answer to the clipboard (OSC 52)", app.action_copy_answer),
        PaletteCommand("Copy reasoning", "Copy the selected answer's reasoning (OSC 52)", app.action_copy_reasoning),
        PaletteCommand("Copy code block", "Copy the highlighted (or first) code block (OSC 52)", app.action_copy_code_block),
        PaletteCommand("Next code block", "Highlight the next code block of the selected answer", app.action_next_code_block),
        PaletteCommand("Export conversation (Markdown)", "Write it to a 0600 file in the data directory", app.action_export),
        PaletteCommand("Previous prompt", "Jump to the previous prompt of the conversation", app.action_prev_prompt),
        PaletteCommand("Next prompt", "Jump to the next prompt of the conversation", app.action_next_prompt),
        *_profile_commands(app),
        PaletteCommand("Switch deployment", "Use another deployment on the same endpoint", app.action_switch_deployment),
        PaletteCommand("Set up an endpoint", "Endpoint, deployment and auth, checked like doctor", app.action_setup),
        PaletteCommand("Settings", "max_tokens, stop, n, system prompt, deployment (F9)", app.action_settings),
        PaletteCommand("Change theme", "Pick a theme (remembered in config.toml)", app.action_change_theme),
        PaletteCommand("Help: keys", "Every key of the app (F1)", app.action_help),
        PaletteCommand("Quit", "Quit r1-tui (Ctrl+Q)", app.action_quit),
    ]
    return commands


class R1Commands(Provider):
    """Provider for R1App's palette."""

    async def discover(self) -> Hits:
        for command in palette_commands(self.app):
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in palette_commands(self.app):
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, text=command.name, help=command.help)
