"""``r1-tui ask`` output in daily use: JSON safety, several choices, stdin with a prompt, empty answers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.loopback import Stream
from tests.test_ask_cli import ask


def test_json_escapes_c1_controls_and_del_like_history_json(tmp_path: Path, azure_server) -> None:
    hostile = "a\x9b2J b\x9d0;title\x9c c\x7f d\u2028e"
    azure_server.enqueue(Stream(content_chunks=["<think>r\x9b1m</think>", hostile]))
    result = ask(tmp_path, azure_server, "--json", "q")
    assert result.returncode == 0, result.stderr
    assert not any(ch in result.stdout for ch in "\x9b\x9c\x9d\x7f\u2028"), repr(result.stdout)
    assert "\\u009b2J" in result.stdout and "\\u007f" in result.stdout
    assert result.stdout.count("\n") == 1  # still one line
    obj = json.loads(result.stdout)
    assert obj["answer"] == hostile and obj["reasoning"] == "r\x9b1m"  # lossless
    shown = subprocess.run([sys.executable, "-m", "tui", "history", "show", obj["conversation_id"], "--json"],
                           capture_output=True, text=True, timeout=30, env=_env(tmp_path))
    assert "\\u009b2J b\\u009d0;title\\u009c c\\u007f d\\u2028e" in shown.stdout
    assert "\\u009b2J b\\u009d0;title\\u009c c\\u007f d\\u2028e" in result.stdout


def _env(tmp_path: Path) -> dict[str, str]:
    from tests.test_ask_cli import env_for

    return env_for(tmp_path)
