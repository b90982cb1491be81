"""A reader that goes away (`| head`) ends every command quietly; `ask` still saves what arrived."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.loopback import Stream
from tests.test_ask_cli import env_for


def r1_tui() -> str:
    exe = Path(sys.executable).with_name("r1-tui")
    if not exe.exists():
        pytest.fail("the r1-tui console script is not installed next to this interpreter (pip install -e .)")
    return str(exe)


def run_into_closed_pipe(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed r1-tui with stdout a pipe whose reader has already gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([r1_tui(), *args], stdout=write_end, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                              text=True, timeout=60, env=env_for(tmp_path))
    finally:
        os.close(write_end)


def json_out(tmp_path: Path, *args: str) -> object:
    result = subprocess.run([r1_tui(), *args], capture_output=True, text=True, timeout=30, env=env_for(tmp_path),
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("args", [("history", "list"), ("history", "list", "--json"), ("doctor", "--demo")],
                         ids=["history-list", "history-list-json", "doctor"])
def test_history_and_doctor_end_quietly(tmp_path: Path, args: tuple[str, ...]) -> None:
    seeded = subprocess.run([r1_tui(), "ask", "--demo", "--json", "hello"], capture_output=True, text=True,
                            timeout=60, env=env_for(tmp_path), stdin=subprocess.DEVNULL)
    assert seeded.returncode == 0, seeded.stderr
    result = run_into_closed_pipe(tmp_path, *args)
    assert result.returncode == 0
    assert result.stderr == ""


def test_ask_stops_quietly_exits_0_and_saves_what_arrived(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "thinking hard", "</think>", "line one\n"]
                                + [f"more {i}\n" for i in range(200)], delay_s=0.002))
    result = run_into_closed_pipe(tmp_path, "ask", "--endpoint", azure_server.base_url, "--deployment", "d", "q")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Broken pipe" not in result.stderr
    assert "thinking hard" in result.stderr  # the reasoning still reached stderr
    (conv,) = json_out(tmp_path, "history", "list", "--json")  # type: ignore[misc]
    shown = json_out(tmp_path, "history", "show", conv["id"], "--json")
    answer = shown["messages"][1]  # type: ignore[index]
    assert answer["reasoning"] == "thinking hard"
    assert answer["content"].startswith("line one")
    assert answer["state"] == "stopped"  # the request was stopped, not run to the end for nobody
    assert len(azure_server.requests) == 1


def test_ask_json_into_a_closed_pipe_still_saves(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", "answer"]))
    result = run_into_closed_pipe(tmp_path, "ask", "--endpoint", azure_server.base_url, "--deployment",
                                  "DeepSeek-R1", "--json", "q")  # a known context window: no notice either
    assert result.returncode == 0 and result.stderr == ""
    (conv,) = json_out(tmp_path, "history", "list", "--json")  # type: ignore[misc]
    answer = json_out(tmp_path, "history", "show", conv["id"], "--json")["messages"][1]  # type: ignore[index]
    assert (answer["content"], answer["state"]) == ("answer", "complete")
