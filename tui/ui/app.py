"""R1App: one screen (:class:`~tui.ui.screens.main.MainScreen`), the palette, theme and keymap.

Build it with :func:`tui.ui.factory.build_app`. The app holds the context (history,
connection, configuration) and the validated keymap; everything the user does happens on
the main screen.
"""

from __future__ import annotations

import gc
from functools import partial
from importlib.resources import files
from pathlib import Path

from textual.app import App

import tui
from tui.llm.client import ChatClient
from tui.sanitize import one_line
from tui.ui.bindings import APP_BINDINGS, SHARED_KEYS, keymap_scopes
from tui.ui.commands import R1Commands
from tui.ui.compat import install_all
from tui.ui.context import AppContext
from tui.ui.keymap import build_keymap
from tui.ui.screens.main import MainScreen
from tui.ui.themes import ThemeMemory, start_theme
from tui.ui.widgets.prompt import MAX_PROMPT_CHARS


def _css_path() -> str:
    """The installed ``tui.styles/app.tcss``; from a source checkout on sys.path, ``styles/``."""
    try:
        return str(files("tui.styles") / "app.tcss")
    except ModuleNotFoundError:  # ``tui`` imported from the repo root, not via the install
        return str(Path(tui.__file__).resolve().parent.parent / "styles" / "app.tcss")


def settle_memory() -> None:
    """Leave what start-up built out of the garbage collector's full passes (``gc.freeze``).

    The modules, styles and widgets of a started app are a few hundred thousand objects that live
    as long as it does; each full collection walked them all (~50 ms, a few times per streamed
    answer). Frozen, a full pass walks only what was made since.
    """
    gc.collect()
    gc.freeze()


def warm_up(client: ChatClient) -> None:
    """Import the chat SDK and build ``client``'s HTTP client (in a worker thread: the first send
    then starts at once), then settle what start-up built (:func:`settle_memory`)."""
    ChatClient.warm_up()
    client.prepare()
    settle_memory()


class R1App(App[None]):
    """The interactive client (``r1-tui`` with no subcommand)."""

    TITLE = "r1-tui"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = {R1Commands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = APP_BINDINGS

    def __init__(self, context: AppContext) -> None:
        super().__init__(css_path=_css_path())
        self.patches = install_all(paste_limit=MAX_PROMPT_CHARS + 1)  # before the driver reads input
        self.context = context
        self.keymap, self.keymap_problems = build_keymap(context.keys, keymap_scopes(), SHARED_KEYS)
        self.main_screen = MainScreen(context, self.keymap)

    def get_default_screen(self) -> MainScreen:
        return self.main_screen

    def on_mount(self) -> None:
        if self.keymap.overrides:
            self.set_keymap(self.keymap.overrides)
        for warning in self.context.warnings:  # e.g. "temperature is ignored", as ask and doctor say
            self.notify(one_line(warning, 300), title="Configuration", severity="warning", timeout=15, markup=False)
        for problem in self.keymap_problems:  # they quote the user's [keys] entries: sanitised like any text
            self.notify(one_line(problem, 1000), title="Key configuration", severity="error", timeout=15, markup=False)
        theme_problem = start_theme(self, self.context.theme)
        if theme_problem:
            self.notify(f"{self.context.config_path}: {theme_problem}", severity="error", timeout=15, markup=False)
        ThemeMemory(self, self.context.config_path, save=self.context.writes_config).watch()
        self._warm_up_after_first_paint()
        context = self.context
        if context.client is None and not context.read_only and context.client_factory is not None:
            self.call_after_refresh(self.main_screen.action_setup)

    def _warm_up_after_first_paint(self) -> None:
        """Import the chat SDK in a thread once the first frame is out, not on the first send."""
        client = self.context.client
        if client is None:
            self.call_after_refresh(settle_memory)
            return
        self.call_after_refresh(lambda: self.run_worker(partial(warm_up, client), thread=True, exclusive=False,
                                                        group="warm-up", exit_on_error=False))

    async def action_quit(self) -> None:
        """Quit; a running answer is stopped and saved first."""
        await self.main_screen.exchanges.stop_and_wait()
        self.exit()

    def on_unmount(self) -> None:
        self.context.close()  # the writer writes what it holds, then stops

