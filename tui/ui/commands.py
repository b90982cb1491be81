"""The command palette (Ctrl+P): every action of the app by name, typed and run from the keyboard.

To add a command: one :class:`PaletteCommand` in :data:`COMMANDS` naming an action of the
main screen. A command that cannot run now stays listed and says why (from
``MainScreen.unavailable``); choosing it shows that reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.config import ConfigError
from tui.config_write import profile_names, read_profile
from tui.sanitize import one_line
from tui.ui.screens.main import MainScreen


@dataclass(frozen=True)
class PaletteCommand:
    """One palette entry: ``action`` is an action of the main screen."""

    name: str
    help: str
    action: str



COMMANDS = [
    PaletteCommand("New conversation", "Start an empty conversation", "new_conversation"),
    PaletteCommand("Search history", "Full-text search of saved conversations", "search"),
    PaletteCommand("Archived conversations", "Show the archived ones, or back", "toggle_archived"),
    PaletteCommand("Undo archive", "Bring back the conversation just archived (or archive it again)", "undo_archive"),
    PaletteCommand("Compose in editor", "Edit the prompt in $VISUAL / $EDITOR (else vi)", "edit_in_editor"),
    PaletteCommand("Attach a file", "Send a text file with the next prompt (a path; Tab completes)", "attach"),
    PaletteCommand("Search earlier prompts", "Find a prompt of any conversation and put it in the prompt",
                   "recall_search"),
    PaletteCommand("Regenerate answer", "Ask again for the selected (or last) prompt", "regenerate"),
    PaletteCommand("Edit prompt (new branch)", "Put the selected (or last) prompt into the composer; sending "
                   "makes a new branch", "edit_prompt"),
    PaletteCommand("Previous branch", "Show the previous branch at the nearest fork", "prev_branch"),
    PaletteCommand("Next branch", "Show the next branch at the nearest fork", "next_branch"),
    PaletteCommand("Compare alternatives", "Two answers to the same prompt side by side, with the words that "
                   "differ marked and their reasoning, time and steps", "trace('compare')"),
    PaletteCommand("Fork into a new conversation", "Copy the active path into a new conversation and open it",
                   "fork_conversation"),
    PaletteCommand("Toggle reasoning pane", "Show or hide the reasoning", "toggle_reasoning"),
    PaletteCommand("Zoom pane", "The focused pane (else the answers) takes the screen; again gives the layout back",
                   "trace('zoom_pane')"),
    PaletteCommand("Math / raw LaTeX", "Show math as Unicode or the raw LaTeX in answers and reasoning "
                   "(copies keep the raw text)", "trace('toggle_raw')"),
    PaletteCommand("Toggle conversation list", "Show or hide the list", "toggle_list"),
    PaletteCommand("Copy answer", "Copy the selected answer to the clipboard (OSC 52)", "copy_answer"),
    PaletteCommand("Copy reasoning", "Copy the selected answer's reasoning (OSC 52)", "copy_reasoning"),
    PaletteCommand("Copy code block", "Copy the highlighted (or first) code block (OSC 52)", "copy_code_block"),
    PaletteCommand("Next code block", "Highlight the next code block of the selected answer", "next_code_block"),
    PaletteCommand("Export conversation (Markdown)", "Write it to a 0600 file in the data directory", "export"),
    PaletteCommand("Replay the answer", "Replay the selected (or last) answer at its recorded pace (never saved)",
                   "trace('replay')"),
    PaletteCommand("Note on a message", "Add, edit or delete a note on the selected answer (or its prompt)",
                   "trace('note')"),
    PaletteCommand("Find in trace", "Find text in the shown reasoning; Enter / Shift+Enter: next / previous",
                   "trace('find_in_trace')"),
    PaletteCommand("Next step of the trace", "Scroll the reasoning to its next step and mark it",
                   "trace('next_step')"),
    PaletteCommand("Previous step of the trace", "Scroll the reasoning to its previous step", "trace('prev_step')"),
    PaletteCommand("Next pivot of the trace", "The next step that opens with Wait, But, Hmm… ([trace] pivots)",
                   "trace('next_pivot')"),
    PaletteCommand("Previous pivot of the trace", "The previous step that opens with a pivot", "trace('prev_pivot')"),
    PaletteCommand("Previous prompt", "Jump to the previous prompt of the conversation", "prev_prompt"),
    PaletteCommand("Next prompt", "Jump to the next prompt of the conversation", "next_prompt"),
    PaletteCommand("Switch deployment", "Use another deployment on the same endpoint", "switch_deployment"),
    PaletteCommand("Set up an endpoint", "Endpoint, deployment and auth, checked like doctor", "setup"),
    PaletteCommand("Thinking on/off", "Switch the model's thinking for this conversation", "toggle_thinking"),
    PaletteCommand("Show the last error", "The last error in full, with what to do", "show_error"),
    PaletteCommand("Settings", "max_tokens, stop, n, system prompt, deployment", "settings"),
    PaletteCommand("Change theme", "Pick a theme (remembered in config.toml)", "app.change_theme"),
    PaletteCommand("Help: keys", "Every key of the app", "help"),
    PaletteCommand("Quit", "Quit r1-tui", "app.quit"),
]


@dataclass(frozen=True)
class Entry:
    """A command as offered now: what it runs and, if it cannot run now, why."""

    name: str
    help: str
    run: Callable[[], Awaitable[object] | object]
    why_not: str | None = None


def _profiles(screen: MainScreen) -> Iterator[Entry]:
    context = screen.context
    try:
        names = profile_names(context.config_path)
    except ConfigError:
        return
    why = screen.unavailable("switch_profile")
    for name in names:
        try:
            profile = read_profile(context.config_path, name)
        except ConfigError:
            profile = {}
        where = one_line(f"{profile.get('deployment', '?')} @ {profile.get('endpoint', '?')}", 80)
        current = " (current)" if name == context.profile_name else ""
        yield Entry(f"Switch profile: {one_line(name, 40)}{current}", where,
                    partial(screen.connection.switch, name, None), why)


def key_id_of(action: str) -> str:
    """The key id of a palette action: ``app.quit`` -> ``quit``, ``trace('note')`` -> ``note``."""
    action = action.removeprefix("app.")
    return action[len("trace('"):-len("')")] if action.startswith("trace('") and action.endswith("')") else action


def palette_entries(screen: MainScreen) -> list[Entry]:
    """Every command, with why it cannot run now (None when it can)."""
    entries = []
    for command in COMMANDS:
        why = screen.unavailable(command.action)
        key_id = key_id_of(command.action)
        keys = screen.keymap.describe(key_id) if screen.keymap.keys_for(key_id) else ""
        help_text = f"{command.help} ({keys})" if keys else command.help
        entries.append(Entry(command.name, help_text, partial(screen.run_command, command.action), why))
    switch_at = next(i for i, c in enumerate(COMMANDS) if c.action == "switch_deployment")
    entries[switch_at:switch_at] = list(_profiles(screen))
    return entries


def _help(entry: Entry) -> str:
    return entry.help if entry.why_not is None else f"Not now: {entry.why_not}"


class R1Commands(Provider):
    """The main screen's commands."""

    def _entries(self) -> list[Entry]:
        screen = self.screen
        return palette_entries(screen) if isinstance(screen, MainScreen) else []

    async def discover(self) -> Hits:
        for entry in self._entries():
            yield DiscoveryHit(entry.name, entry.run, help=_help(entry))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            score = matcher.match(entry.name)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.name), entry.run, text=entry.name, help=_help(entry))
