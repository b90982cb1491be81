"""#15.5: hostile field values in chunks end in a clean final state: a JSON object, no traceback, nothing left streaming."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ask_request, collect, endpoint_for
from tests.loopback import RawStream, usage
from tui.llm.events import Failed, Finished, Notice

try:
    from tests.test_ask_cli import env_for
except ImportError:  # tests/ itself on sys.path
    from test_ask_cli import env_for  # type: ignore[no-redef]


def chunk(delta: dict | None = None, *, index: object = 0, finish: object = None, **extra: object) -> dict:
    body: dict = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
                  "choices": [{"index": index, "delta": delta or {}, "finish_reason": finish}]}
    body.update(extra)
    return body


def ask_json(tmp_path: Path, server) -> tuple[subprocess.CompletedProcess[str], dict]:
    result = subprocess.run(
        [sys.executable, "-m", "tui", "ask", "--json", "--endpoint", server.base_url, "--deployment", "dep", "q"],
        capture_output=True, text=True, timeout=60, env=env_for(tmp_path))
    assert "Traceback" not in result.stderr, result.stderr
    obj = json.loads(result.stdout)
    shown = subprocess.run([sys.executable, "-m", "tui", "history", "show", obj["conversation_id"], "--json"],
                           capture_output=True, text=True, timeout=30, env=env_for(tmp_path))
    assert shown.returncode == 0, shown.stderr
    answer = json.loads(shown.stdout)["messages"][1]
    assert answer["state"] != "streaming"
    return result, answer


def test_string_index_is_a_clean_protocol_error(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(RawStream([chunk({"content": "<think>r</think>"}), chunk({"content": "a"}, index="0"),
                                    chunk(finish="stop")]))
    result, answer = ask_json(tmp_path, azure_server)
    obj = json.loads(result.stdout)
    assert result.returncode == 7 and obj["state"] == "interrupted"
    assert "index" in obj["error"]["message"] and "malformed" in obj["error"]["message"]
    assert answer["state"] == "interrupted" and answer["reasoning"] == "r"


def test_string_index_before_any_text_fails_as_a_server_error(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(RawStream([chunk({"content": "a"}, index="0"), chunk(finish="stop")]))
    result, answer = ask_json(tmp_path, azure_server)
    assert result.returncode == 1 and json.loads(result.stdout)["error"]["kind"] == "server"
    assert answer["state"] == "failed"


@pytest.mark.parametrize("bad", [2**63, 2**64, -5, "12", 1.5, [1]])
def test_impossible_token_counts_are_estimated_and_saved(tmp_path: Path, azure_server, bad: object) -> None:
    bad_usage = usage(10, 20, reasoning=5)
    bad_usage["completion_tokens"] = bad
    bad_usage["completion_tokens_details"]["reasoning_tokens"] = bad
    azure_server.enqueue(RawStream([chunk({"content": "<think>" + "r" * 40 + "</think>"}), chunk({"content": "a" * 8}),
                                    chunk(finish="stop"), {"id": "c", "choices": [], "usage": bad_usage}]))
    result, answer = ask_json(tmp_path, azure_server)
    obj = json.loads(result.stdout)
    assert result.returncode == 0 and obj["answer"] == "a" * 8
    assert obj["usage"]["prompt_tokens"] == 10 and obj["usage"]["completion_tokens"] == 12
    assert obj["usage"]["estimated"] is True and obj["usage"]["reasoning_tokens"] == 10
    assert answer["usage"]["completion_tokens"] == 12 and answer["state"] == "complete"


def test_choice_beyond_n_is_ignored_with_a_notice(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(RawStream([chunk({"content": "<think>r</think>a"}), chunk({"content": "x"}, index=2**64),
                                    chunk({"content": "y"}, index=1), chunk(finish="stop")]))
    result, answer = ask_json(tmp_path, azure_server)
    obj = json.loads(result.stdout)
    assert result.returncode == 0 and obj["answer"] == "a" and "choices" not in obj
    assert "beyond the 1 requested" in result.stderr
    assert answer["content"] == "a"


async def test_thirty_thousand_unrequested_choices_are_bounded(azure_server) -> None:
    many = {"id": "c", "object": "chat.completion.chunk", "model": "m",
            "choices": [{"index": i, "delta": {"content": "z"}, "finish_reason": None} for i in range(1, 30_001)]}
    azure_server.enqueue(RawStream([chunk({"content": "<think>r</think>a"}), many, chunk(finish="stop")]))
    events, t = await collect(endpoint_for(azure_server.base_url))
    assert list(t.choices) == [0] and t.choice(0).answer == "a" and t.state == "complete"
    assert sum(isinstance(e, Notice) for e in events) == 1


@pytest.mark.parametrize("pieces,expected", [
    (["\ud83d", "\ude00 ok"], "\U0001f600 ok"),  # a pair split across chunks is joined
    (["a\ud83d\ude00b"], "a\U0001f600b"),
    (["x\ud83d", "y"], "x\ufffdy"),  # a lone high surrogate
    (["x\ude00y"], "x\ufffdy"),  # a lone low surrogate
    (["end\ud83d"], "end\ufffd"),  # a high surrogate at the very end
])
def test_surrogate_escapes_are_joined_or_replaced(tmp_path: Path, azure_server, pieces: list[str], expected: str) -> None:
    events = [chunk({"reasoning_content": "think\ud83d"}), chunk({"reasoning_content": "\ude00"})]
    events += [chunk({"content": p}) for p in pieces] + [chunk(finish="stop")]
    azure_server.enqueue(RawStream(events))
    result, answer = ask_json(tmp_path, azure_server)
    obj = json.loads(result.stdout)
    assert result.returncode == 0, result.stderr
    assert obj["answer"] == expected and answer["content"] == expected
    assert answer["reasoning"] == "think\U0001f600"


def test_lone_surrogates_in_model_finish_reason_and_error(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(RawStream([chunk({"content": "<think>r</think>a"}, model="m\udc00"),
                                    chunk(finish="stop\ud800"), {"error": {"message": "bad \udfff thing"}}]))
    result, answer = ask_json(tmp_path, azure_server)
    obj = json.loads(result.stdout)
    assert obj["model"] == "m\ufffd" and obj["finish_reason"] == "stop\ufffd"
    assert answer["finish_reason"] == "stop\ufffd" and "bad \ufffd thing" in result.stderr


def test_gzip_content_encoding_on_a_plain_body(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(RawStream([chunk({"content": "a"}), chunk(finish="stop")],
                                   headers={"content-encoding": "gzip"}))
    result, answer = ask_json(tmp_path, azure_server)
    obj = json.loads(result.stdout)
    assert result.returncode == 1 and obj["error"]["kind"] == "server"
    assert "gzip" in obj["error"]["message"]
    assert answer["state"] == "failed"


@pytest.mark.parametrize("delta", [{"content": 5}, {"content": ["x"]}, {"reasoning_content": {"a": 1}}])
async def test_wrong_typed_text_is_ignored_with_a_notice(azure_server, delta: dict) -> None:
    azure_server.enqueue(RawStream([chunk({"content": "<think>r</think>a"}), chunk(delta), chunk(finish="stop")]))
    events, t = await collect(endpoint_for(azure_server.base_url))
    assert t.choice(0).answer == "a" and t.state == "complete"
    assert any(isinstance(e, Notice) and "not text" in e.message for e in events)


@pytest.mark.parametrize("choices", ["abc", {"0": {}}, 7])
async def test_choices_not_a_list(azure_server, choices: object) -> None:
    azure_server.enqueue(RawStream([chunk({"content": "<think>r</think>a"}), {"id": "c", "choices": choices},
                                    chunk(finish="stop")]))
    events, t = await collect(endpoint_for(azure_server.base_url))
    assert t.state == "complete" and t.choice(0).answer == "a"
    assert any(isinstance(e, Notice) for e in events)


async def test_deeply_nested_chunk_is_skipped(azure_server) -> None:
    azure_server.enqueue(RawStream([chunk({"content": "<think>r</think>a"}), "[" * 100_000 + "]" * 100_000,
                                    '{"deep": ' + "[" * 100_000 + "]" * 100_000 + "}", chunk(finish="stop")]))
    events, t = await collect(endpoint_for(azure_server.base_url))
    assert t.state == "complete" and t.choice(0).answer == "a"
    assert Finished("stop", 0) in events and not any(isinstance(e, Failed) for e in events)


async def test_requested_n_choices_still_arrive(azure_server) -> None:
    azure_server.enqueue(RawStream([chunk({"content": "<think>r</think>a"}), chunk({"content": "<think>s</think>b"}, index=1),
                                    chunk(finish="stop"), chunk(finish="stop", index=1)]))
    events, t = await collect(endpoint_for(azure_server.base_url), ask_request(n=2))
    assert (t.choice(0).answer, t.choice(1).answer) == ("a", "b")
    assert not any(isinstance(e, Notice) for e in events)
