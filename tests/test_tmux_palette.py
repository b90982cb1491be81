"""The installed ``r1-tui`` at 80x24 in tmux, driven only from the keyboard: palette, settings, theme, first run."""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

import pytest

from tui.config import read_config_file
from tui.config_write import write_private

try:
    from tests.test_tmux import Tmux, _r1_tui
except ImportError:  # tests/ itself on sys.path
    from test_tmux import Tmux, _r1_tui  # type: ignore

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def _command(tmp_path: Path, term: str) -> str:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TERM": term,
        "LANG": "C.UTF-8",
    }
    command = "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    return command + " " + shlex.quote(_r1_tui()) + "; echo R1TUI-EXITED=$?; sleep 30"


def _palette(tmux: Tmux, typed: str, expect: str) -> None:
    tmux.keys("C-p")
    tmux.wait_for("Search for commands")
    tmux.keys(typed, literal=True)
    tmux.wait_for(expect)
    tmux.wait_stable()  # the palette has ranked what was typed
    tmux.keys("Enter")


@pytest.mark.parametrize("term", ["xterm-256color", "screen"])
def test_palette_settings_and_theme_from_the_keyboard(azure_server, tmp_path: Path, term: str) -> None:
    cfg = tmp_path / "config" / "r1-tui" / "config.toml"
    write_private(cfg, f'default_profile = "main"\n# hand-written\n[profiles.main]\nendpoint = "{azure_server.base_url}"\n'
                       'deployment = "dep"\nauth = "none"   # loopback\n\n[profiles.other]\n'
                       f'endpoint = "{azure_server.base_url}"\ndeployment = "dep-b"\nauth = "none"\n')
    tmux = Tmux(tmp_path)
    try:
        tmux.start(_command(tmp_path, term))
        tmux.wait_for("Type a prompt", "dep @ 127.0.0.1")
        _palette(tmux, "settings", "Settings")
        tmux.wait_for("Stop sequences", "loosely", "Save (^S)", "Cancel (Esc)")  # all of it fits 80x24
        tmux.keys("123", literal=True)
        tmux.wait_until(lambda screen: any("max_tokens" in line and "123" in line for line in screen.splitlines()),
                        "all three digits in the max_tokens field")
        tmux.keys("C-s")
        tmux.wait_for("Type a prompt", absent=("Stop sequences",))
        _palette(tmux, "profile other", "Switch profile: other")
        tmux.wait_for("dep-b @ 127.0.0.1")
        _palette(tmux, "change theme", "Change theme")
        tmux.wait_for("Search for themes")
        tmux.keys("ansi-light", literal=True)
        # Typed into the search box and listed as a result: twice on screen (once is only the typing).
        tmux.wait_until(lambda screen: screen.count("ansi-light") >= 2, "ansi-light among the themes")
        tmux.wait_stable()
        tmux.keys("Enter")
        tmux.wait_for("Type a prompt", absent=("Search for themes",))
        tmux.keys("C-q")
        tmux.wait_for("R1TUI-EXITED=0")
    finally:
        tmux.kill()
    data = read_config_file(cfg)
    assert data["profiles"]["main"]["max_tokens"] == 123
    assert data["theme"] == "ansi-light"
    assert cfg.read_text().startswith('default_profile = "main"\n# hand-written\n')
    assert 'auth = "none"   # loopback' in cfg.read_text()


def test_first_run_offers_setup_and_keeps_history_browsable(tmp_path: Path) -> None:
    tmux = Tmux(tmp_path)
    try:
        tmux.start(_command(tmp_path, "screen"))
        tmux.wait_for("Set up an endpoint", "--demo", "Ctrl+S save")
        tmux.keys("Escape")
        tmux.wait_for("no endpoint configured", absent=("Set up an endpoint",))
        _palette(tmux, "help", "Help: keys")
        tmux.wait_for("r1-tui keys", "New conversation", "new_conversation")  # keys, what they do, their ids
        tmux.keys("Escape")
        tmux.wait_for("no endpoint configured", absent=("r1-tui keys",))
        tmux.keys("C-q")
        tmux.wait_for("R1TUI-EXITED=0")
    finally:
        tmux.kill()


def test_alternatives_from_the_keyboard(azure_server, tmp_path: Path) -> None:
    """Ask, ask again (Ctrl+G), then flip between the two answers with the keyboard at 80x24."""
    from tests.loopback import Stream

    cfg = tmp_path / "config" / "r1-tui" / "config.toml"
    write_private(cfg, f'[profiles.main]\nendpoint = "{azure_server.base_url}"\ndeployment = "dep"\nauth = "none"\n')
    azure_server.enqueue(Stream(content_chunks=["<think>", "first-thought", "</think>", "FIRST-ANSWER"]))
    azure_server.enqueue(Stream(content_chunks=["<think>", "second-thought", "</think>", "SECOND-ANSWER"]))
    tmux = Tmux(tmp_path)
    try:
        tmux.start(_command(tmp_path, "xterm-256color"))
        tmux.wait_for("Type a prompt")
        tmux.keys("which one?", literal=True)
        tmux.keys("Enter")
        tmux.wait_for("FIRST-ANSWER", "first-thought")
        tmux.keys("C-g")
        tmux.wait_for("SECOND-ANSWER", "2/2", "second-thought", "conv: 32 total")  # the second answer is complete
        # Keys go where the focus is when they arrive: wait for each move before the next key.
        tmux.keys("Tab")  # from the prompt to the next area: the answer
        tmux.wait_for("Prev alternative")  # the footer shows the focused answer's keys
        tmux.keys("C-Up")
        tmux.keys("<", literal=True)
        tmux.wait_for("FIRST-ANSWER", "1/2", "first-thought", absent=("SECOND-ANSWER",))
        tmux.keys("M-Right")
        tmux.wait_for("SECOND-ANSWER", "2/2", absent=("FIRST-ANSWER",))
        tmux.keys("C-q")
        tmux.wait_for("R1TUI-EXITED=0")
    finally:
        tmux.kill()
    assert len(azure_server.requests) == 2
    assert "first-thought" not in azure_server.requests[1].body.decode()
