"""Keyboard-first over SSH: every palette command, settings and setup round trips, OSC 52, keymap, navigation."""

from __future__ import annotations

import base64
import re
import stat
from pathlib import Path

from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets import Checkbox, Input, RadioSet, TextArea

from tui.config import ConfigError, Overrides, load_settings, read_config_file
from tui.config_write import write_private
from tui.formats.markdown import to_markdown
from tui.llm.client import ChatClient
from tui.llm.request import RequestDefaults
from tui.store import HistoryStore
from tui.ui.app import R1App
from tui.ui.factory import build_app
from tui.ui.commands import palette_entries
from tui.ui.copying import clipboard_text, code_blocks
from tui.ui.screens.ask import AskScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.settings import SettingsScreen
from tui.ui.screens.setup import SetupScreen
from tui.ui.widgets.prompt import PromptInput
from tui.ui.widgets.reasoning_log import ReasoningLog

try:
    from tests.loopback import Stream, usage
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream, usage  # type: ignore

try:
    from tests.uihelpers import opened, seed, wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import opened, seed, wait_for  # type: ignore[no-redef]

ANSWER = "Here:\n\n```python\nprint('one')\n```\n\nand\n\n```sh\necho two\x1b]0;pwned\x07\n```\n\u001b[31mred\u001b[0m done\r\n"
REASONING = "Think \x1b]52;c;ZXZpbA==\x07 hard.\x9b2J"


def config_text(base_url: str) -> str:
    return f"""\
# r1-tui config written by hand — this comment must survive
default_profile = "first"

[profiles.first]
endpoint = "{base_url}"
deployment = "dep1"   # first deployment
auth = "none"

# the second profile
[profiles.second]
endpoint = "{base_url}"
deployment = "dep2"
auth = "none"
max_tokens = 99
"""


def factory_for(path: Path):
    def make(profile: str | None, deployment: str | None):
        settings = load_settings(Overrides(profile=profile, deployment=deployment), env={}, path=path)
        if settings.endpoint is None:
            raise ConfigError(settings.setup_hint)
        return ChatClient(settings.endpoint), settings.defaults

    return make


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if c == " " else c for c in text])


async def run_command(pilot, app: R1App, name: str, typed: str | None = None) -> None:
    """Ctrl+P, type (part of) the command, wait until it is the first hit, Enter."""
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    await type_text(pilot, typed or name)

    def first_is_it() -> bool:
        commands = app.screen.query_one(CommandList)
        return commands.option_count > 0 and commands.get_option_at_index(0).hit.text == name

    await wait_for(pilot, first_is_it)
    await pilot.press("enter")
    if isinstance(app.screen, CommandPalette) and app.screen.query_one(CommandInput).value:
        await pilot.pause()  # the palette handled that Enter (it may only have completed the command)
        if isinstance(app.screen, CommandPalette):
            await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette) or name == "Change theme")
    await pilot.pause()  # the command's own messages


def notes(app: R1App) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


class Captured:
    """What the app writes to the terminal (OSC 52 goes through the driver)."""

    def __init__(self, app: R1App) -> None:
        self.data: list[str] = []
        original = app._driver.write

        def write(data: str) -> None:
            self.data.append(data)
            original(data)

        app._driver.write = write  # type: ignore[method-assign]

    def osc52(self) -> list[str]:
        found = re.findall(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07", "".join(self.data))
        return [base64.b64decode(p).decode("utf-8") for p in found]


async def open_first(pilot, app: R1App) -> None:
    app.main_screen.panes.listing.focus()
    await pilot.press("enter")
    await opened(pilot, app)


# -- palette commands ------------------------------------------------------------------


async def test_palette_new_conversation_toggle_reasoning_help(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    seed(store, None, [("old question", "old reasoning", "old answer")])
    app = build_app(client=None, store=store, defaults=RequestDefaults())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot, app)
        assert app.main_screen.history.conv_id is not None
        await run_command(pilot, app, "New conversation", "new conv")
        await wait_for(pilot, lambda: app.main_screen.history.conv_id is None and not app.main_screen.panes.answers.answers())
        await run_command(pilot, app, "Toggle reasoning pane", "toggle reas")
        assert app.main_screen.has_class("-hide-reasoning")
        await run_command(pilot, app, "Toggle reasoning pane", "toggle reas")
        assert not app.main_screen.has_class("-hide-reasoning")
        await run_command(pilot, app, "Help: keys", "help")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await run_command(pilot, app, "Toggle conversation list", "toggle conv")
        assert app.main_screen.has_class("-hide-list")
    store.close()


async def test_commands_that_cannot_run_now_say_why(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        entries = {e.name: e for e in palette_entries(app.main_screen)}
        assert entries["Search history"].why_not is None
        assert entries["Regenerate answer"].why_not == "no endpoint is configured (Set up an endpoint)"
        assert entries["Copy answer"].why_not == "there is no answer yet"
        assert entries["Export conversation (Markdown)"].why_not == "open or start a conversation first"
        await run_command(pilot, app, "Regenerate answer", "regenerate")
        assert "Not now: no endpoint is configured" in notes(app)
        await run_command(pilot, app, "Search history", "search hist")
        assert len(app.screen_stack) > 1  # the search screen is open
        await pilot.press("escape")
    store.close()


async def test_palette_switch_profile_and_deployment(azure_server, tmp_path: Path) -> None:
    cfg = tmp_path / "config" / "r1-tui" / "config.toml"
    write_private(cfg, config_text(azure_server.base_url))
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store, client_factory=factory_for(cfg), config_path=cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))  # nothing configured: setup offered
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "setup-endpoint")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SetupScreen))
        assert app.context.offline and app.query_one(PromptInput).disabled
        await run_command(pilot, app, "Switch profile: second", "profile second")
        await wait_for(pilot, lambda: app.context.client is not None)
        assert app.context.client.endpoint.deployment == "dep2" and app.context.profile_name == "second"
        assert app.context.defaults.max_tokens == 99
        assert not app.context.offline and not app.query_one(PromptInput).disabled and not app.main_screen.has_class("-offline")
        assert "dep2" in app.main_screen.panes.status.build_text().plain
        await run_command(pilot, app, "Switch deployment", "switch depl")
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "deployment-input")
        app.screen.query_one(Input).value = ""
        await type_text(pilot, "dep3")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.context.client.endpoint.deployment == "dep3")
        await run_command(pilot, app, "Switch profile: first", "profile first")
        await wait_for(pilot, lambda: app.context.client.endpoint.deployment == "dep1")
    await app.context.aclose_owned_clients()
    store.close()


async def test_palette_export_writes_private_markdown(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    conv = seed(store, None, [("export me", "why", "because")])
    app = build_app(client=None, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot, app)
        await run_command(pilot, app, "Export conversation (Markdown)", "export")
        (path,) = (tmp_path / "data" / "r1-tui" / "exports").glob("*.md")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert path.read_text() == to_markdown(store.export_conversation(conv))
        assert str(path) in notes(app)
    store.close()


async def test_palette_copy_commands_emit_osc52_with_raw_clean_text(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    seed(store, None, [("code please", REASONING, ANSWER)])
    app = build_app(client=None, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot, app)
        captured = Captured(app)
        await run_command(pilot, app, "Copy answer", "copy answer")
        await run_command(pilot, app, "Copy reasoning", "copy reas")
        await run_command(pilot, app, "Copy code block", "copy code")
        await run_command(pilot, app, "Next code block", "next code")
        await run_command(pilot, app, "Next code block", "next code")
        await run_command(pilot, app, "Copy code block", "copy code")
        copied = captured.osc52()
        assert copied == [clipboard_text(ANSWER), clipboard_text(REASONING), "print('one')\n", "echo two]0;pwned\n"]
        assert all("\x1b" not in c and "\x07" not in c and "\x9b" not in c and "\r" not in c for c in copied)
        assert "\u001b" not in copied[0] and "[31mred[0m done\n" in copied[0]  # raw text, controls removed
        assert app.clipboard == copied[-1]
        assert app.main_screen.panes.answers.answers()[0].markdown.current_code == 1
    store.close()


def test_clipboard_cleaning_and_code_blocks() -> None:
    assert clipboard_text("a\x1b[2Jb\r\nc\td\x00\x9b\x85") == "a[2Jb\nc\td"
    assert code_blocks(ANSWER) == ["print('one')\n", "echo two\x1b]0;pwned\x07\n"]
    assert code_blocks("no code") == []


async def test_copy_keys_cycle_code_blocks(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    seed(store, None, [("code please", REASONING, ANSWER)])
    app = build_app(client=None, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot, app)
        app.main_screen.panes.answers.answers()[0].focus()
        captured = Captured(app)
        await pilot.press("c", "c", "c", "C")  # first, second, back to first; copy it
        await pilot.press("f5")
        await wait_for(pilot, lambda: len(captured.osc52()) >= 2)  # both copies reached the terminal
        assert captured.osc52() == ["print('one')\n", clipboard_text(ANSWER)]
    store.close()


async def test_palette_change_theme_is_remembered(tmp_path: Path) -> None:
    cfg = tmp_path / "config" / "r1-tui" / "config.toml"
    write_private(cfg, "# keep me\n[profiles.x]\nendpoint = \"http://127.0.0.1:1/v1/\"\ndeployment = \"d\"\n")
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store, theme="nord", config_path=cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == "nord"
        await run_command(pilot, app, "Change theme", "change theme")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette) and not app.screen.query_one(CommandInput).value)
        await type_text(pilot, "ansi-dark")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        if isinstance(app.screen, CommandPalette):
            await pilot.press("enter")
        await wait_for(pilot, lambda: app.theme == "ansi-dark" and "theme" in read_config_file(cfg))
    assert read_config_file(cfg)["theme"] == "ansi-dark"
    assert cfg.read_text().startswith("# keep me\n")
    store.close()


async def test_unknown_theme_is_reported(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store, theme="no-such-theme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "not a known theme" in notes(app) and app.theme != "no-such-theme"
    store.close()


async def test_palette_settings_round_trip(azure_server, tmp_path: Path) -> None:
    cfg = tmp_path / "config" / "r1-tui" / "config.toml"
    original = config_text(azure_server.base_url)
    write_private(cfg, original)
    store = HistoryStore.open(tmp_path / "h.db")
    client, defaults = factory_for(cfg)("first", None)
    app = build_app(client=client, store=store, defaults=defaults, profile="first", config_path=cfg,
                client_factory=factory_for(cfg))
    async with app.run_test(size=(80, 24)) as pilot:
        await run_command(pilot, app, "Settings", "settings")
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "settings-max-tokens")
        assert isinstance(app.screen, SettingsScreen)
        screen = app.screen
        assert "loosely" in str(screen.query_one("#settings-note").render())
        await type_text(pilot, "512")
        screen.query_one("#settings-n", Input).value = "2"
        screen.query_one("#settings-stop", TextArea).text = "</answer>\nSTOP"
        screen.query_one("#settings-system", TextArea).text = "Answer tersely."
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, SettingsScreen))
        assert app.context.defaults == RequestDefaults("Answer tersely.", 512, ("</answer>", "STOP"), 2)
        # a bad value stays in the dialog with a message
        await pilot.press("f9")
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "settings-max-tokens")
        app.screen.query_one("#settings-n", Input).value = "99"
        await pilot.press("ctrl+s")
        # the save was handled: the dialog says why it refused (it stays open)
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen)
                       and "between 1 and 16" in str(app.screen.query_one("#settings-error").render()))
        await pilot.press("escape")
    text = cfg.read_text()
    for line in original.splitlines():
        if not line.startswith("max_tokens"):
            assert line in text, line
    data = read_config_file(cfg)
    first = data["profiles"]["first"]
    assert (first["max_tokens"], first["n"], first["stop"], first["system_prompt"]) == (512, 2, ["</answer>", "STOP"], "Answer tersely.")
    assert data["profiles"]["second"] == {"endpoint": azure_server.base_url, "deployment": "dep2", "auth": "none", "max_tokens": 99}
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    await client.aclose()
    store.close()


async def test_first_run_setup_checks_and_saves(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "hm", "</think>", "ok"], usage=usage(3, 5, reasoning=2)))
    cfg = tmp_path / "config" / "r1-tui" / "config.toml"
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store, client_factory=factory_for(cfg), config_path=cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
        screen = app.screen
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "setup-endpoint")
        assert "--demo" in str(screen.query_one("#setup-intro").render())
        await type_text(pilot, azure_server.base_url)  # the endpoint has focus
        await pilot.press("tab")
        await type_text(pilot, "depx")
        await pilot.pause()
        assert screen.query_one(RadioSet).pressed_index == 2  # auth: none, README's default for a non-Azure host
        assert not screen.query_one(Checkbox).value
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: any(line.startswith(("All checks", "Fix what")) for line in screen.check_lines))
        assert screen.check_lines[-1] == "All checks passed: Ctrl+S saves.", screen.check_lines
        assert screen.check_lines[0].startswith("✓ configuration"), screen.check_lines
        assert str(cfg) not in screen.check_lines[0] and "this form (not saved yet)" in screen.check_lines[0]
        assert not cfg.exists()  # checking does not save
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.context.client is not None)
        assert app.context.client.endpoint.deployment == "depx" and not app.context.offline
    data = read_config_file(cfg)
    assert data["default_profile"] == "default"
    assert data["profiles"]["default"] == {"endpoint": azure_server.base_url, "deployment": "depx", "auth": "none"}
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600
    await app.context.aclose_owned_clients()
    store.close()


async def test_setup_key_mode_stores_the_variable_name_not_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "config" / "r1-tui" / "config.toml"
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store, config_path=cfg)
    async with app.run_test(size=(80, 24)) as pilot:
        await run_command(pilot, app, "Set up an endpoint", "set up")
        await wait_for(pilot, lambda: getattr(app.focused, "id", None) == "setup-endpoint")
        screen = app.screen
        assert isinstance(screen, SetupScreen)
        screen.query_one("#setup-endpoint", Input).value = "https://res.openai.azure.com/openai/v1/"
        screen.query_one("#setup-deployment", Input).value = "r1"
        screen.query_one("#setup-key-env", Input).value = "MY_KEY_VAR"
        screen.query_one(RadioSet).query("RadioButton")[1].value = True
        assert screen.query_one("#setup-key", Input).disabled  # the key itself is not asked for
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, SetupScreen))
    profile = read_config_file(cfg)["profiles"]["default"]
    assert profile == {"endpoint": "https://res.openai.azure.com/openai/v1/", "deployment": "r1", "auth": "key",
                       "api_key_env": "MY_KEY_VAR"}
    store.close()


# -- keys ----------------------------------------------------------------------------


async def test_keymap_conflicts_and_unknown_ids_are_reported(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    keymap = {"bogus_id": "x", "copy_answer": "ctrl+n", "toggle_reasoning": "f10"}
    app = build_app(client=None, store=store, keymap=keymap)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = notes(app)
        assert "bogus_id: unknown binding id" in text
        assert "'ctrl+n' is bound to both 'copy_answer' and 'new_conversation'" in text
        assert len(app.keymap_problems) == 2
        await pilot.press("f10")  # the valid entry is applied
        assert app.main_screen.has_class("-hide-reasoning")
        await pilot.press("f3")  # replaced, no longer bound
        assert app.main_screen.has_class("-hide-reasoning")
    store.close()


async def test_j_k_tab_and_prompt_jumps(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    seed(store, None, [("first conv", "r", "a")])
    seed(store, None, [("p1", "r1", "a1"), ("p2", "r2", "a2"), ("p3", "r3", "a3")])
    app = build_app(client=None, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.main_screen.panes.listing.has_focus and app.main_screen.panes.listing.highlighted == 0
        await pilot.press("j")
        assert app.main_screen.panes.listing.highlighted == 1
        await pilot.press("k")
        assert app.main_screen.panes.listing.highlighted == 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.main_screen.panes.answers.answers()) == 3)
        await pilot.press("tab")  # list -> answer pane
        assert app.focused in app.main_screen.panes.answers.answers()
        await pilot.press("tab")  # -> reasoning pane
        assert isinstance(app.focused, ReasoningLog)
        await pilot.press("tab")  # offline: no prompt -> back to the list
        assert app.main_screen.panes.listing.has_focus
        await pilot.press("shift+tab")
        assert isinstance(app.focused, ReasoningLog)
        app.main_screen.panes.answers.answers()[2].focus()
        await pilot.press("k")
        assert app.focused is app.main_screen.panes.answers.answers()[1]
        await pilot.press("{")  # first jump goes to the last prompt
        assert app.main_screen.panes.answers.query(".-prompt-current").first().render().plain == "p3"
        await pilot.press("{", "{")
        assert app.main_screen.panes.answers.query(".-prompt-current").first().render().plain == "p1"
        await wait_for(pilot, lambda: app.focused is app.main_screen.panes.answers.answers()[0])
        await pilot.press("}")
        assert app.main_screen.panes.answers.query(".-prompt-current").first().render().plain == "p2"
        await pilot.press("end", "home", "pagedown", "pageup")  # the pane's own scrolling keys
    store.close()
