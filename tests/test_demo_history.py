"""`--demo` conversations live in their own database (demo-history.db), apart from real history."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_ask_cli import env_for
from tests.test_closed_output import r1_tui
from tui.store import HistoryStore


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([r1_tui(), *args], capture_output=True, text=True, timeout=60, env=env_for(tmp_path),
                          stdin=subprocess.DEVNULL)


def test_ask_demo_saves_apart_and_history_demo_browses_it(tmp_path: Path) -> None:
    asked = cli(tmp_path, "ask", "--demo", "--json", "What is 17 * 23?")
    assert asked.returncode == 0, asked.stderr
    conv_id = json.loads(asked.stdout)["conversation_id"]
    data = tmp_path / "data" / "r1-tui"
    assert (data / "demo-history.db").exists() and not (data / "history.db").exists()
    assert json.loads(cli(tmp_path, "history", "list", "--json").stdout) == []
    for args in (("history", "--demo", "list", "--json"), ("--demo", "history", "list", "--json")):
        listed = cli(tmp_path, *args)
        assert [r["id"] for r in json.loads(listed.stdout)] == [conv_id], listed.stderr
    assert "17 × 23 = 391" in cli(tmp_path, "history", "--demo", "show", conv_id).stdout


@pytest.mark.tmux
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_the_app_in_demo_mode_saves_apart(tmp_path: Path) -> None:
    from tests.test_tmux import Tmux

    env = env_for(tmp_path, TERM="xterm-256color", LANG="C.UTF-8", HOME=str(tmp_path / "home"))
    keep = {k: env[k] for k in ("PATH", "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "TERM", "LANG",
                                "R1_TUI_DEMO_RATE") if k in env}
    command = "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in keep.items())
    command += " " + shlex.join([r1_tui(), "--demo"]) + "; echo R1TUI-EXITED=$?; sleep 30"
    tmux = Tmux(tmp_path)
    try:
        tmux.start(command)
        tmux.wait_for("Type a prompt")
        tmux.keys("hi", literal=True)
        tmux.wait_for("hi")
        tmux.keys("Enter")
        tmux.wait_for("last:", "compl")  # the answer is complete (its usage is shown)
        tmux.keys("C-q")
        tmux.wait_for("R1TUI-EXITED=0")
    finally:
        tmux.kill()
    data = tmp_path / "data" / "r1-tui"
    assert not (data / "history.db").exists()
    with HistoryStore.open(data / "demo-history.db", read_only=True) as store:
        (row,) = store.list_conversations()
        assert row.title == "hi"
