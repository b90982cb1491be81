"""``r1-tui ask`` end to end, as a subprocess, against the loopback server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.store import HistoryStore

from tests.journey_signals import signal_state
from tests.loopback import (
    AZURE_401_BODY,
    AZURE_404_BODY,
    ErrorResponse,
    Stream,
    azure_429_body,
    rate_limit_headers,
    usage,
)


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI", "OPENAI_"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"), R1_TUI_DEMO_RATE="5000")
    env.update(extra)
    return env


def ask(tmp_path: Path, server, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    conn = ["--endpoint", server.base_url, "--deployment", "dep"] if server is not None else []
    return subprocess.run(
        [sys.executable, "-m", "tui", "ask", *conn, *args],
        input=stdin if stdin is not None else "", capture_output=True, text=True, timeout=60,
        env=env_for(tmp_path, **env),
    )


def test_streams_answer_to_stdout_and_reasoning_to_stderr(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "Multiply.", "</think>", "\n\n391"], azure_quirks=True))
    result = ask(tmp_path, azure_server, "What is 17 * 23?")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "391\n"
    assert "Multiply." in result.stderr


def test_json_object_shape(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", "a"], usage=usage(3, 4, reasoning=2)))
    result = ask(tmp_path, azure_server, "--json", "q")
    assert result.returncode == 0, result.stderr
    obj = json.loads(result.stdout)
    assert set(obj) >= {"answer", "reasoning", "finish_reason", "model", "deployment", "usage", "retries",
                        "conversation_id", "timing"}
    assert (obj["answer"], obj["reasoning"], obj["finish_reason"], obj["deployment"]) == ("a", "r", "stop", "dep")
    assert obj["usage"] == {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7, "reasoning_tokens": 2,
                            "estimated": False, "reasoning_estimated": False}
    assert obj["model"] == "DeepSeek-R1" and obj["retries"] == 0
    assert set(obj["timing"]) == {"first_token_s", "reasoning_s", "total_s"}
    shown = subprocess.run([sys.executable, "-m", "tui", "history", "show", obj["conversation_id"], "--json"],
                           capture_output=True, text=True, timeout=30, env=env_for(tmp_path))
    assert shown.returncode == 0, shown.stderr
    messages = json.loads(shown.stdout)["messages"]
    assert [(m["role"], m["content"], m["reasoning"]) for m in messages] == [("user", "q", None), ("assistant", "a", "r")]


def test_hide_reasoning_and_stdin_prompt_and_no_save(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>hidden</think>shown"]))
    result = ask(tmp_path, azure_server, "--hide-reasoning", "--no-save", "--json", "-", stdin="from stdin")
    obj = json.loads(result.stdout)
    assert obj["conversation_id"] is None and obj["answer"] == "shown"
    assert azure_server.requests[0].json["messages"][-1]["content"] == "from stdin"
    assert "hidden" not in result.stderr


def test_options_reach_the_request(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(n=2, choice_content=[["<think>a</think>x"], ["<think>b</think>y"]]))
    result = ask(tmp_path, azure_server, "--system", "sys", "--max-tokens", "50", "--stop", "S1", "--stop", "S2",
                 "-n", "2", "--json", "q")
    assert result.returncode == 0, result.stderr
    body = azure_server.requests[0].json
    assert body["messages"][0] == {"role": "system", "content": "sys"}
    assert (body["max_tokens"], body["stop"], body["n"]) == (50, ["S1", "S2"], 2)
    assert [c["answer"] for c in json.loads(result.stdout)["choices"]] == ["x", "y"]


def test_retry_is_shown(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(ErrorResponse(429, azure_429_body(), headers=rate_limit_headers(retry_after_ms=100)))
    azure_server.enqueue(Stream(content_chunks=["ok"]))
    result = ask(tmp_path, azure_server, "--json", "q")
    assert result.returncode == 0
    assert "429 rate limited · retry 2/6 in 0.1 s" in result.stderr
    assert json.loads(result.stdout)["retries"] == 1


@pytest.mark.parametrize(
    ("script", "code", "words"),
    [
        (ErrorResponse(401, AZURE_401_BODY), 3, "az login"),
        (ErrorResponse(404, AZURE_404_BODY), 4, "not the model name"),
        (Stream(content_chunks=["<think>", "a", "b", "c"], cut_after=2), 7, "cut"),
        (Stream(content_chunks=["<think>r</think>", "x"], finish_reason="content_filter"), 7, ""),
        (Stream(content_chunks=["<think>r</think>", "x"], no_finish_reason=True), 7, "finish_reason"),
    ],
)
def test_exit_codes(tmp_path: Path, azure_server, script, code: int, words: str) -> None:
    azure_server.enqueue(script)
    result = ask(tmp_path, azure_server, "--auth", "none", "q")
    assert result.returncode == code, result.stderr
    assert words in result.stderr


def test_still_rate_limited_exits_5(tmp_path: Path, azure_server) -> None:
    (tmp_path / "cfg" / "r1-tui").mkdir(parents=True)
    (tmp_path / "cfg" / "r1-tui" / "config.toml").write_text(
        f'[profiles.t]\nendpoint = "{azure_server.base_url}"\ndeployment = "dep"\n[profiles.t.retry]\nmax_attempts = 2\n'
    )
    for _ in range(2):
        azure_server.enqueue(ErrorResponse(429, azure_429_body(), headers=rate_limit_headers(retry_after_ms=10)))
    result = ask(tmp_path, None, "q")
    assert result.returncode == 5 and "quota" in result.stderr


def test_unreachable_exits_6(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / "cfg" / "r1-tui").mkdir(parents=True)
    (tmp_path / "cfg" / "r1-tui" / "config.toml").write_text(
        f'[profiles.t]\nendpoint = "http://127.0.0.1:{port}/v1"\ndeployment = "d"\n'
        '[profiles.t.retry]\nmax_attempts = 2\nbase_delay_s = 0.01\n'
    )
    result = ask(tmp_path, None, "q")
    assert result.returncode == 6 and "cannot be reached" in result.stderr


def test_not_configured_exits_2_and_mentions_demo(tmp_path: Path) -> None:
    result = ask(tmp_path, None, "q")
    assert result.returncode == 2 and "--demo" in result.stderr and "AZURE_OPENAI_ENDPOINT" in result.stderr


def test_broken_config_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "cfg" / "r1-tui").mkdir(parents=True)
    path = tmp_path / "cfg" / "r1-tui" / "config.toml"
    path.write_text("[profiles.a]\nendpoint = \n")
    result = ask(tmp_path, None, "q")
    assert result.returncode == 2 and str(path) in result.stderr and "line 2" in result.stderr
    assert result.stdout == ""


def test_ctrl_c_exits_130_and_keeps_partial(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "slow "] + ["thought "] * 200, delay_s=0.05))
    proc = subprocess.Popen([sys.executable, "-m", "tui", "ask", "--endpoint", azure_server.base_url, "--deployment", "d",
                             "q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=env_for(tmp_path))
    read_until(proc.stderr, b"slow thought thought ")
    state = signal_state(proc.pid)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, f"before SIGINT: {state}\n" + err.decode(errors="replace")[-300:]
    listed = subprocess.run([sys.executable, "-m", "tui", "history", "list", "--json"], capture_output=True, text=True,
                            timeout=30, env=env_for(tmp_path))
    (conv,) = json.loads(listed.stdout)
    shown = json.loads(subprocess.run([sys.executable, "-m", "tui", "history", "show", conv["id"], "--json"],
                                      capture_output=True, text=True, timeout=30, env=env_for(tmp_path)).stdout)
    answer = shown["messages"][1]
    assert answer["state"] == "stopped" and "slow thought" in answer["reasoning"]


def test_demo_end_to_end(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "tui", "ask", "--demo", "--json", "What is 17 * 23?"],
                            capture_output=True, text=True, timeout=60, env=env_for(tmp_path))
    assert result.returncode == 0, result.stderr
    obj = json.loads(result.stdout)
    assert "391" in obj["answer"] and obj["reasoning"] and obj["deployment"] == "demo-r1"


def test_installed_console_script(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("r1-tui")
    if not exe.exists():
        pytest.skip("console script not installed next to this interpreter")
    result = subprocess.run([str(exe), "ask", "--demo", "hi"], capture_output=True, text=True, timeout=60,
                            env=env_for(tmp_path))
    assert result.returncode == 0 and result.stdout.strip()


def read_until(stream, needle: bytes, limit: int = 1_000_000) -> bytes:
    """Read ``stream`` byte by byte until ``needle`` has been seen (a readiness signal, not a sleep)."""
    seen = b""
    while needle not in seen:
        byte = stream.read(1)
        if not byte or len(seen) > limit:
            raise AssertionError(f"{needle!r} never came: {seen[-500:]!r}")
        seen += byte
    return seen


def test_sigkill_while_streaming_keeps_what_arrived(tmp_path: Path, azure_server) -> None:
    """kill -9 mid-stream: what ask had received is on disk (timed flush), marked interrupted at once
    (its writer's lock is gone: no waiting for the answer to look stale)."""
    words = [f"w{i} " for i in range(2000)]
    azure_server.enqueue(Stream(content_chunks=["<think>"] + words, delay_s=0.02))
    proc = subprocess.Popen([sys.executable, "-m", "tui", "ask", "--endpoint", azure_server.base_url, "--deployment", "d",
                             "q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=env_for(tmp_path))
    try:
        read_until(proc.stderr, b"w60 ")  # ask has received (and printed) 60 words
        db = tmp_path / "data" / "r1-tui" / "history.db"
        deadline = time.monotonic() + 20
        while True:  # the timed flush puts them on disk while the stream goes on
            assert time.monotonic() < deadline, "w60 never reached the history"
            if db.exists():
                with HistoryStore.open(db, read_only=True) as store:
                    convs = store.list_conversations()
                    answers = [m for m in store.get_conversation(convs[0].id).messages if m.role == "assistant"] if convs else []
                    if answers and "w60 " in (answers[0].reasoning or ""):
                        break
            time.sleep(0.05)
        proc.kill()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    opened = subprocess.run([sys.executable, "-m", "tui", "history", "delete", "nothing-such", "--yes"],
                            capture_output=True, text=True, timeout=30, env=env_for(tmp_path))  # a read-write open
    assert opened.returncode == 2
    listed = subprocess.run([sys.executable, "-m", "tui", "history", "list", "--json"], capture_output=True, text=True,
                            timeout=30, env=env_for(tmp_path))
    (conv,) = json.loads(listed.stdout)
    shown = json.loads(subprocess.run([sys.executable, "-m", "tui", "history", "show", conv["id"], "--json"],
                                      capture_output=True, text=True, timeout=30, env=env_for(tmp_path)).stdout)
    answer = shown["messages"][1]
    assert answer["state"] == "interrupted"
    assert answer["reasoning"].split()[:61] == [f"w{i}" for i in range(61)]


def test_key_never_reaches_history_exports_or_output(tmp_path: Path, azure_server) -> None:
    key = "sk-live-NEVERSTORED-1234567890"
    azure_server.require_auth(bearer=key)
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>a"]))
    azure_server.enqueue(ErrorResponse(401, {"error": {"message": f"bad key {key}"}}))
    ok = ask(tmp_path, azure_server, "--auth", "key", "q", OPENAI_API_KEY=key)
    bad = ask(tmp_path, azure_server, "--auth", "key", "--json", "q2", OPENAI_API_KEY=key)
    assert ok.returncode == 0 and bad.returncode == 3
    exported = subprocess.run([sys.executable, "-m", "tui", "history", "export", "--all", "--format", "json"],
                              capture_output=True, text=True, timeout=30, env=env_for(tmp_path))
    data_dir = tmp_path / "data" / "r1-tui"
    stored = b"".join(p.read_bytes() for p in data_dir.iterdir() if p.is_file())
    for text in (ok.stdout, ok.stderr, bad.stdout, bad.stderr, exported.stdout):
        assert key not in text
    assert key.encode() not in stored
    assert (data_dir.stat().st_mode & 0o777) == 0o700
    assert ((data_dir / "history.db").stat().st_mode & 0o777) == 0o600
