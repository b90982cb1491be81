"""The app, byte by byte in a real pty: escape sequences in model text, history and imports never reach the terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.loopback import Stream
from tests.ptyterm import PtyTerminal

EVIL = {
    "OSC 0": "\x1b]0;PWNED-TITLE\x07",
    "OSC 52": "\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "OSC 8": "\x1b]8;;https://evil.example/\x1b\\evil-link\x1b]8;;\x1b\\",
    "CSI 2J": "\x1b[2J",
    "CSI ?1049l": "\x1b[?1049l",
    "DCS": "\x1bP1$rPWNED-DCS\x1b\\",
    "APC": "\x1b_GPWNED-APC\x1b\\",
    "C1 CSI": "\x9b2J",
}
PAYLOAD = " ".join(EVIL.values())
FORBIDDEN = [b"\x1b]0;PWNED", b"\x1b]52;", b"\x1b]8;;https://evil", b"\x1bP1$r", b"\x1b_GPWNED", b"\xc2\x9b"]


def env_for(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI", "OPENAI_"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "c"), XDG_DATA_HOME=str(tmp_path / "d"), TERM="xterm-256color",
               COLORTERM="truecolor")
    return env


def assert_clean(output: bytes) -> None:
    for seq in FORBIDDEN:
        assert seq not in output, f"{seq!r} reached the terminal"
    # The app's own frames never clear the screen or leave the alternate screen mid-session.
    assert b"\x1b[2J" not in output and b"\x1b[?1049l" not in output


def test_streamed_reasoning_and_answer(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "REASON [bold red]rmarkup[/] " + PAYLOAD, "</think>",
                                                "ANSWER [bold red]amarkup[/] " + PAYLOAD]))
    term = PtyTerminal([sys.executable, "-m", "tui", "--endpoint", azure_server.base_url, "--deployment", "d",
                        "--auth", "none"], env_for(tmp_path))
    try:
        assert term.wait_for("Enter sends", timeout=30), term.output[-2000:]
        start = term.mark()
        term.send(b"show [b]pmarkup[/b]\r")
        assert term.wait_for("ANSWER", since=start), term.output[start:][-3000:]
        assert term.wait_quiet()  # the last frames (final Markdown update, status) are out
        session = term.output[start:]
    finally:
        term.close()
    assert_clean(session)
    text = session.decode("utf-8", "replace")
    assert "\u241b]0;PWNED-TITLE" in text  # shown visibly, not obeyed
    assert "PWNED-DCS" in text and "\u241b" in text
    # Content is never taken as Rich/Textual markup: the brackets show literally.
    assert "[bold red]rmarkup[/]" in text and "[bold red]amarkup[/]" in text and "[b]pmarkup[/b]" in text


def test_history_entry_and_imported_file(tmp_path: Path) -> None:
    export = {
        "format": "r1-tui/1",
        "id": "evilconv0001",
        "title": "imported " + EVIL["OSC 0"],
        "created_at": "2026-11-26T10:00:00.000Z",
        "updated_at": "2026-11-26T10:00:01.000Z",
        "archived": False,
        "messages": [
            {"id": "evilmsg00001", "role": "user", "content": "q " + PAYLOAD, "reasoning": None, "state": "complete",
             "finish_reason": None, "model": None, "deployment": None,
             "usage": {"prompt_tokens": None, "completion_tokens": None, "total_tokens": None,
                       "reasoning_tokens": None, "estimated": False},
             "timing": {"first_token_s": None, "reasoning_s": None, "total_s": None},
             "created_at": "2026-11-26T10:00:00.000Z"},
            {"id": "evilmsg00002", "role": "assistant", "content": "STOREDANSWER " + PAYLOAD,
             "reasoning": "STOREDREASON " + PAYLOAD, "state": "complete", "finish_reason": "stop",
             "model": "m", "deployment": "d",
             "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3, "reasoning_tokens": 1,
                       "estimated": False},
             "timing": {"first_token_s": 0.1, "reasoning_s": 0.2, "total_s": 0.3},
             "created_at": "2026-11-26T10:00:01.000Z", "reply_to": "evilmsg00001", "choice_index": 0},
        ],
    }
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(export))
    imported = subprocess.run([sys.executable, "-m", "tui", "history", "import", str(path)], capture_output=True,
                              timeout=60, env=env_for(tmp_path))
    assert imported.returncode == 0, imported.stderr
    shown = subprocess.run([sys.executable, "-m", "tui", "history", "show", "evilconv0001"], capture_output=True,
                           timeout=60, env=env_for(tmp_path))
    assert shown.returncode == 0 and b"STOREDANSWER" in shown.stdout
    assert not any(seq in shown.stdout for seq in FORBIDDEN)  # into a pipe, `show` is sanitised too

    term = PtyTerminal([sys.executable, "-m", "tui", "--offline"], env_for(tmp_path))
    try:
        assert term.wait_for("imported", timeout=30), term.output[-2000:]
        start = term.mark()
        term.send(b"\r")  # open the conversation under the cursor
        assert term.wait_for("STOREDANSWER", since=start), term.output[start:][-3000:]
        assert term.wait_for("STOREDREASON", since=start)
        assert term.wait_quiet()
        everything = term.output
    finally:
        term.close()
    assert_clean(everything[: everything.rfind(b"\x1b[?1049l")] if b"\x1b[?1049l" in everything else everything)
