"""The installed ``r1-tui`` in a real 80x24 terminal (tmux) against the loopback server."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from tui.store import HistoryStore

try:
    from tests.loopback import Stream, usage
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream, usage  # type: ignore

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def _r1_tui() -> str:
    beside = Path(sys.executable).parent / "r1-tui"
    found = str(beside) if beside.exists() else shutil.which("r1-tui")
    if not found:
        pytest.fail("the r1-tui console script is not installed (pip install -e .)")
    return found


class Tmux:
    """One private tmux server (its own socket) running one session."""

    def __init__(self, tmp: Path) -> None:
        self.socket = f"r1tui-test-{os.getpid()}-{time.monotonic_ns()}"
        self.tmp = tmp

    def run(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10)
        return out.stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", "t", "-x", "80", "-y", "24", command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "t")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", "t", *(["-l"] if literal else []), *keys)

    def wait_for(self, *needles: str, absent: tuple[str, ...] = (), timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(n in screen for n in needles) and not any(a in screen for a in absent):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {needles!r}; screen was:\n{screen}")

    def wait_until(self, condition: "Callable[[str], bool]", what: str, timeout: float = 20.0) -> str:
        """Wait until ``condition(screen)`` holds; ``what`` names it in the failure."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if condition(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; screen was:\n{screen}")

    def wait_stable(self, timeout: float = 20.0) -> str:
        """Wait until two screens in a row are the same (what was typed has been taken in)."""
        deadline = time.monotonic() + timeout
        before = self.screen()
        while time.monotonic() < deadline:
            time.sleep(0.2)
            screen = self.screen()
            if screen == before:
                return screen
            before = screen
        raise AssertionError(f"the screen never settled; it was:\n{before}")

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10)


def test_installed_app_in_80x24_terminal(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(
        Stream(
            content_chunks=["<think>", "Pondering", " the sum.", "</think>", "The answer", " is 4."],
            usage=usage(12, 40, reasoning=21),
            delay_s=0.05,
        )
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    argv = [_r1_tui(), "--endpoint", azure_server.base_url, "--deployment", "dep", "--auth", "none"]
    command = "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command += " " + shlex.join(argv) + "; echo R1TUI-EXITED=$?; sleep 30"
    tmux = Tmux(tmp_path)
    try:
        tmux.start(command)
        tmux.wait_for("Type a prompt", "dep @ 127.0.0.1")
        # Ctrl+J and Alt+Enter (ESC CR in this terminal) insert newlines; each piece shown before the next.
        for keys, literal in (("What is", True), ("C-j", False), ("2+2?", True), ("M-Enter", False), ("Thanks.", True)):
            tmux.keys(keys, literal=literal)
            if literal:
                tmux.wait_for(keys)
        screen = tmux.wait_for("Thanks.")
        lines = [line.strip() for line in screen.splitlines()]
        assert "What is" in lines and "2+2?" in lines and "Thanks." in lines, screen
        tmux.keys("Enter")
        screen = tmux.wait_for("The answer is 4.", "Pondering the sum.", "40 compl", "Thought for")
        assert "Reasoning" in screen and "dep @ 127.0.0.1" in screen
        assert "12 prompt" in screen and "21 reasoning" in screen
        tmux.keys("F3")  # the reasoning pane toggles away and back
        tmux.wait_for("The answer is 4.", absent=("Pondering the sum.",))
        tmux.keys("F3")
        tmux.wait_for("The answer is 4.", "Pondering the sum.")
        tmux.keys("C-q")
        tmux.wait_for("R1TUI-EXITED=0")
    finally:
        tmux.kill()
    store = HistoryStore.open(tmp_path / "data" / "r1-tui" / "history.db")
    try:
        (row,) = store.list_conversations()
        assert row.title == "What is 2+2? Thanks."
        messages = store.get_conversation(row.id).messages
        assert messages[0].content == "What is\n2+2?\nThanks."
        assert messages[1].content == "The answer is 4." and messages[1].state == "complete"
    finally:
        store.close()
