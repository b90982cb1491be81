"""Journeys of the installed ``r1-tui ask`` as a person drives it.

``ask ... | head -1`` in a real shell pipeline, and Ctrl-C on a real terminal (a pty that is
``ask``'s controlling terminal, so the typed ``\x03`` arrives as SIGINT), checked byte for byte.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.loopback import Stream
from tests.journey_signals import signal_state
from tests.ptyterm import PtyTerminal
from tests.test_ask_cli import env_for
from tests.test_closed_output import r1_tui

DIM, RESET = b"\x1b[2m", b"\x1b[0m"


def interrupt(tmp_path: Path, server, *args: str, wait_for: str) -> tuple[int, bytes]:
    """Start ``ask`` on a terminal, wait for ``wait_for`` on screen, type Ctrl-C; (exit code, all bytes)."""
    env = env_for(tmp_path, TERM="xterm-256color")
    term = PtyTerminal([r1_tui(), "ask", "--endpoint", server.base_url, "--deployment", "d", *args], env,
                       controlling=True)
    try:
        assert term.wait_for(wait_for), term.output
        state = signal_state(term.proc.pid)
        term.send(b"\x03")
        code = term.proc.wait(timeout=30)
        assert code == 130, f"exit {code}; before Ctrl-C: {state}"
        return code, term.drain()
    finally:
        term.close()


def test_ctrl_c_while_reasoning_resets_the_dim_ends_the_line_and_says_where_it_went(tmp_path: Path,
                                                                                     azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "slow "] + ["thought "] * 400, delay_s=0.02))
    code, out = interrupt(tmp_path, azure_server, "q", wait_for="thought thought")
    assert code == 130
    assert out.rfind(RESET) > out.rfind(DIM) >= 0, out[-200:]  # the dim is reset after it was set
    text = out.decode()
    match = re.search(r"\r\nr1-tui: stopped — saved as (\w+)\r\n$", text)
    assert match, text[-200:]
    # The line is ended before the message (the terminal echoes ^C where the cursor was).
    assert re.search(r"thought ?(\^C)?\x1b\[0m\r\nr1-tui: stopped", text), text[-200:]
    listed = subprocess.run([r1_tui(), "history", "show", match.group(1), "--json"], capture_output=True,
                            text=True, timeout=30, env=env_for(tmp_path), stdin=subprocess.DEVNULL)
    answer = json.loads(listed.stdout)["messages"][1]
    assert answer["state"] == "stopped" and answer["reasoning"].startswith("slow thought")


@pytest.mark.parametrize("save", [True, False], ids=["saved", "no-save"])
def test_ctrl_c_mid_answer_ends_the_line(tmp_path: Path, azure_server, save: bool) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", "answer "] + ["word "] * 400, delay_s=0.02))
    code, out = interrupt(tmp_path, azure_server, *(() if save else ("--no-save",)), "q", wait_for="word word")
    assert code == 130
    text = out.decode()
    assert out.rfind(RESET) > out.rfind(DIM)
    said = r"saved as \w+" if save else "not saved"
    assert re.search(r"word ?(\^C)?\r\nr1-tui: stopped — " + said + r"\r\n$", text), text[-200:]


def test_ask_piped_into_head_prints_one_line_ends_quietly_and_keeps_what_arrived(tmp_path: Path,
                                                                                 azure_server) -> None:
    lines = [f"line {i}\n" for i in range(300)]
    azure_server.enqueue(Stream(content_chunks=["<think>", "pondering", "</think>", *lines], delay_s=0.005))
    ask = shlex.join([r1_tui(), "ask", "--endpoint", azure_server.base_url, "--deployment", "d", "count"])
    result = subprocess.run(["bash", "-c", f'{ask} | head -1; echo "STATUS ${{PIPESTATUS[*]}}" >&2'],
                            capture_output=True, text=True, timeout=60, env=env_for(tmp_path),
                            stdin=subprocess.DEVNULL)
    assert result.stdout == "line 0\n"
    assert "STATUS 0 0" in result.stderr, result.stderr  # ask exits 0, not 1
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
    listed = subprocess.run([r1_tui(), "history", "list", "--json"], capture_output=True, text=True, timeout=30,
                            env=env_for(tmp_path), stdin=subprocess.DEVNULL)
    (conv,) = json.loads(listed.stdout)
    shown = subprocess.run([r1_tui(), "history", "show", conv["id"], "--json"], capture_output=True, text=True,
                           timeout=30, env=env_for(tmp_path), stdin=subprocess.DEVNULL)
    answer = json.loads(shown.stdout)["messages"][1]
    assert answer["reasoning"] == "pondering" and answer["content"].startswith("line 0\nline 1\n")
    assert answer["state"] == "stopped" and len(answer["content"].splitlines()) < 300
