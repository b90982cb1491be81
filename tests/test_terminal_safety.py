"""At the byte level, in a real pseudo-terminal: model text never drives the terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from tests.loopback import Stream

EVIL = (
    "\x1b]0;PWNED-TITLE\x07"
    "\x1b]52;c;ZWNobyBwd25lZA==\x07"
    "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\"
    "\x1b[2J"
    "\x1b[?1049l"
    "\x1bP1$r0m\x1b\\"
    "\x1b_Gf=100;AAAA\x1b\\"
    "\x9b2J"
)
ALLOWED_OWN_SEQUENCES = (b"\x1b[2m", b"\x1b[0m")  # ask dims the reasoning on a terminal


def run_in_pty(args: list[str], env: dict[str, str], timeout: float = 30.0) -> tuple[int, bytes]:
    """Run a command with a pty as stdin/stdout/stderr; return its exit code and every byte it wrote."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    break
                if not data:
                    break
                output += data
            elif proc.poll() is not None:
                break
        return proc.wait(timeout=10), bytes(output)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)


def test_ask_on_a_terminal_neutralises_escape_sequences(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "reason " + EVIL, "</think>", "answer " + EVIL]))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI", "OPENAI_"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "c"), XDG_DATA_HOME=str(tmp_path / "d"), TERM="xterm-256color")
    code, output = run_in_pty(
        [sys.executable, "-m", "tui", "ask", "--endpoint", azure_server.base_url, "--deployment", "d", "q"], env
    )
    assert code == 0, output
    stripped = output
    for seq in ALLOWED_OWN_SEQUENCES:
        stripped = stripped.replace(seq, b"")
    assert b"\x1b" not in stripped and b"\xc2\x9b" not in stripped
    text = stripped.decode()
    assert "answer \u241b]0;PWNED-TITLE\u2407" in text
    assert "\u241b[2J" in text and "\u241b[?1049l" in text and "\u241bP1$r0m" in text and "\u241b[2J" in text


def test_ask_into_a_pipe_keeps_text_exact(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", "answer " + EVIL]))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI", "OPENAI_"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "c"), XDG_DATA_HOME=str(tmp_path / "d"))
    result = subprocess.run(
        [sys.executable, "-m", "tui", "ask", "--endpoint", azure_server.base_url, "--deployment", "d", "q"],
        capture_output=True, timeout=30, env=env,
    )
    assert result.stdout.decode() == "answer " + EVIL + "\n"
