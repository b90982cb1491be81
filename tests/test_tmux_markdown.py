"""The installed ``r1-tui`` in tmux (120x40): the answer reads as Markdown while it streams (issue 17)."""

from __future__ import annotations

import os
import shlex
import shutil
import threading
from pathlib import Path

import pytest

try:
    from tests.loopback import Stream
    from tests.test_tmux import Tmux, _r1_tui
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream  # type: ignore[no-redef]
    from test_tmux import Tmux, _r1_tui  # type: ignore[no-redef]

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

LONG = "    return " + " + ".join(f"value_{i}" for i in range(20)) + "  # the very end"
CHUNKS = ["<think>", "Plan it.", "</think>", "Intro with **bold** and `code`.\n\n", "```py", "thon\n",
          "def total():\n", LONG + "\n", "```\n\n", "| a | b |\n|---|---|\n| 1 | 2 |\n\n", "- first item\n",
          "- second ", "item, still growing"]


def _command(tmp_path: Path, *args: str) -> str:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path / "home"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    command = "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    return command + " " + shlex.join([_r1_tui(), *args]) + "; echo R1TUI-EXITED=$?; sleep 30"


def answer_pane(screen: str) -> list[str]:
    """The answer pane's columns of each screen row (between the list's and the reasoning pane's borders)."""
    lines = screen.splitlines()
    header = next(line for line in lines if "Reasoning" in line)
    left, right = header.index("│"), header.rindex("│", 0, header.index("Reasoning"))
    return [line[left + 1 : right].rstrip() for line in lines[1:]]


def code_line(pane: list[str]) -> str:
    """The long code line read back from the screen: its first row and the rows marked ↪."""
    start = next(i for i, row in enumerate(pane) if "return value_0" in row)
    parts = ["return" + pane[start].split("return", 1)[1]]
    for row in pane[start + 1 :]:
        if "↪" not in row:
            break
        parts.append(row.split("↪", 1)[1])
    return "".join(parts).replace(" ", "")


def test_markdown_streams_rendered_and_stays_put_at_the_end(azure_server, tmp_path: Path) -> None:
    resume = threading.Event()
    azure_server.enqueue(Stream(content_chunks=CHUNKS, hold_at=len(CHUNKS), resume=resume))
    tmux = Tmux(tmp_path)
    try:
        tmux.run("new-session", "-d", "-s", "t", "-x", "120", "-y", "40",
                 _command(tmp_path, "--endpoint", azure_server.base_url, "--deployment", "dep", "--auth", "none"))
        tmux.wait_for("Type a prompt", "dep @ 127.0.0.1")
        tmux.keys("Sum the values", literal=True)
        tmux.wait_for("Sum the values")
        tmux.keys("Enter")
        held = tmux.wait_for("still growing", "streaming")
        pane = answer_pane(held)
        shown = "\n".join(pane)
        assert "```" not in shown and "**" not in shown and "|---" not in shown and "`code`" not in shown
        assert "def total():" in shown and "• first item" in shown
        assert code_line(pane) == LONG.replace(" ", "")  # wrapped with ↪ marks, nothing cut
        resume.set()
        done = tmux.wait_for("compl", absent=("streaming",))
        after = answer_pane(done)
        top = next(i for i, row in enumerate(pane) if "Intro with bold and code." in row)
        last = next(i for i, row in enumerate(pane) if "• second item" in row)
        assert top > 2 and after[top:last] == pane[top:last]  # the text above the last block did not move
        assert after[top - 1].startswith("   dep · ") and after[: top - 1] == pane[: top - 1]  # (header: its state)
        assert "• second item, still growing" in "\n".join(after)
        streamed = [row for row in after if row.strip()]
        tmux.keys("C-q")
        tmux.wait_for("R1TUI-EXITED=0")
        tmux.kill()

        tmux = Tmux(tmp_path)  # the stored answer, opened from history, reads the same
        tmux.run("new-session", "-d", "-s", "t", "-x", "120", "-y", "40", _command(tmp_path, "--offline"))
        tmux.wait_for("Sum the values")
        tmux.keys("Enter")
        reopened = [row for row in answer_pane(tmux.wait_for("still growing", "def total")) if row.strip()]
        def answer(rows: list[str]) -> list[str]:
            first = next(i for i, row in enumerate(rows) if "def total():" in row)
            end = next(i for i, row in enumerate(rows) if "still growing" in row)
            return rows[first : end + 1]

        assert len(answer(streamed)) > 8 and answer(reopened) == answer(streamed)
    finally:
        resume.set()
        tmux.kill()
