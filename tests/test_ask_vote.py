"""``ask -n N --json`` carries the vote over its choices (null when nothing can be extracted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.loopback import Stream


def ask_json(tmp_path: Path, server, n: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI", "OPENAI_"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, "-m", "tui", "ask", "--endpoint", server.base_url, "--deployment", "dep",
                             "-n", str(n), "--json", "What is 17 * 23?"],
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_vote_over_choices(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(n=3, choice_content=[["<think>a</think>", "So \\boxed{391}"],
                                                    ["<think>b</think>", "The answer is 392."],
                                                    ["<think>c</think>", "\\boxed{391}"]]))
    obj = ask_json(tmp_path, azure_server, 3)
    assert obj["vote"] == {"answer": "391", "count": 2, "of": 3}
    assert len(obj["choices"]) == 3


def test_vote_is_null_when_nothing_can_be_extracted(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(n=2, choice_content=[["<think>a</think>", "No idea."], ["<think>b</think>", "Hmm."]]))
    obj = ask_json(tmp_path, azure_server, 2)
    assert "vote" in obj and obj["vote"] is None
