"""The installed ``r1-tui --demo`` at 80x24 in tmux: the thinking switch of the demo's hybrid model
(Ctrl+T, shown in the status bar, the model then thinks) and settings that apply to the session only,
leaving the user's config.toml untouched (#16, #11.4)."""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

import pytest

from tui.config_write import write_private

try:
    from tests.test_tmux import Tmux, _r1_tui
except ImportError:  # tests/ itself on sys.path
    from test_tmux import Tmux, _r1_tui  # type: ignore

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

CONFIG = '# mine\ndefault_profile = "main"\n\n[profiles.main]\nendpoint = "http://127.0.0.1:9/v1"\n' \
         'deployment = "real-dep"\nauth = "none"\n'


def test_demo_thinking_switch_and_session_only_settings_at_80x24(tmp_path: Path) -> None:
    cfg = tmp_path / "config" / "r1-tui" / "config.toml"
    write_private(cfg, CONFIG)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path / "home"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    command = "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command += " " + shlex.join([_r1_tui(), "--demo", "--deployment", "demo-v3"]) + "; echo R1TUI-EXITED=$?; sleep 30"
    tmux = Tmux(tmp_path)
    try:
        tmux.start(command)
        tmux.wait_for("Type a prompt", "demo-v3 @ demo", "thinking default")
        tmux.keys("C-t")
        tmux.wait_for("thinking on", absent=("thinking default",))
        tmux.keys("What is 17 * 23?", literal=True)
        tmux.keys("Enter")
        tmux.wait_for("391", "Thought for", timeout=30)  # the hybrid model thought: the switch was sent
        tmux.keys("F9")
        tmux.wait_for("this session only")
        tmux.keys("500", literal=True)
        tmux.keys("C-s")
        tmux.wait_for("Settings apply to this session only")
        tmux.keys("C-q")
        tmux.wait_for("R1TUI-EXITED=0")
    finally:
        tmux.kill()
    assert cfg.read_text() == CONFIG  # --demo never writes the user's config
