"""``r1-tui ask`` output in daily use: JSON safety, several choices, stdin with a prompt, empty answers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_n_2_text_mode_prints_every_choice_under_a_header(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(n=2, choice_content=[["<think>", "first thought", "</think>", "answer one"],
                                                     ["<think>", "second thought", "</think>", "answer two"]]))
    result = ask(tmp_path, azure_server, "-n", "2", "q")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "── choice 1/2 ──\nanswer one\n\n── choice 2/2 ──\nanswer two\n"
    # Each choice's reasoning goes to stderr, in choice order, as it does for one choice.
    assert result.stderr.index("first thought") < result.stderr.index("second thought")


def test_n_2_a_choice_that_sent_nothing_is_reported(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>t</think>", "only one"]))  # an endpoint that ignores n
    result = ask(tmp_path, azure_server, "-n", "2", "q")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "── choice 1/2 ──\nonly one\n"
    assert "sent 1 of the 2 choices" in result.stderr


@pytest.mark.parametrize(("finish", "args", "words"), [
    ("stop", ("--stop", "391"), "a stop sequence ('391') matched inside the reasoning"),
    ("length", ("--max-tokens", "5"), "max_tokens (5) ran out before the answer"),
    ("content_filter", (), "the content filter removed it"),
    ("stop", (), "the model sent no answer text"),
], ids=["stop-sequence", "length", "filtered", "plain-stop"])
def test_an_empty_answer_says_why(tmp_path: Path, azure_server, finish: str, args: tuple[str, ...],
                                  words: str) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "17 × 23 = "], finish_reason=finish))
    result = ask(tmp_path, azure_server, *args, "q")
    assert result.stdout == ""
    assert f"r1-tui: the answer is empty: {words}" in result.stderr


def test_a_non_empty_answer_gets_no_explanation(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", "391"], finish_reason="stop"))
    result = ask(tmp_path, azure_server, "--stop", "x", "q")
    assert result.stdout == "391\n" and "empty" not in result.stderr


def test_piped_input_and_a_prompt_argument_are_combined(tmp_path: Path, azure_server) -> None:
    diff = "--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", "looks fine"]))
    result = ask(tmp_path, azure_server, "review this", stdin=diff)
    assert result.returncode == 0, result.stderr
    sent = azure_server.requests[0].json["messages"][-1]["content"]
    assert sent == "review this\n\n```\n" + diff + "```"


def test_combined_input_with_backticks_gets_a_longer_fence(tmp_path: Path, azure_server) -> None:
    notes = "Example:\n```python\nprint(1)\n```"
    azure_server.enqueue(Stream(content_chunks=["ok"]))
    ask(tmp_path, azure_server, "summarise", stdin=notes)
    sent = azure_server.requests[0].json["messages"][-1]["content"]
    assert sent == "summarise\n\n````\n" + notes + "\n````"


def test_empty_piped_input_leaves_the_prompt_alone(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["ok"]))
    ask(tmp_path, azure_server, "just this", stdin="")
    assert azure_server.requests[0].json["messages"][-1]["content"] == "just this"


def test_partial_configuration_names_the_profile_section_and_the_variable(tmp_path: Path) -> None:
    result = ask(tmp_path, None, "q", AZURE_OPENAI_ENDPOINT="https://res.openai.azure.com/openai/v1/")
    assert result.returncode == 2
    assert "[profiles.NAME]" in result.stderr and "AZURE_OPENAI_DEPLOYMENT" in result.stderr
    assert "AZURE_OPENAI_ENDPOINT" in result.stderr  # where the endpoint came from
    assert "defaults" not in result.stderr
    assert "config.toml" not in result.stderr  # no file exists: none is named


def test_partial_configuration_in_a_profile_names_it_and_its_file(tmp_path: Path) -> None:
    cfg = tmp_path / "cfg" / "r1-tui" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('[profiles.work]\nendpoint = "https://res.openai.azure.com/openai/v1/"\n')
    result = ask(tmp_path, None, "q")
    assert result.returncode == 2
    assert f"[profiles.work] of {cfg}" in result.stderr and "AZURE_OPENAI_DEPLOYMENT" in result.stderr


def test_partial_configuration_is_typed_for_the_app() -> None:
    from tui.config import Overrides, PartialConfigError, load_settings

    env = {"AZURE_OPENAI_ENDPOINT": "https://res.openai.azure.com"}
    try:
        load_settings(Overrides(), env=env, path=Path("/nonexistent/config.toml"))
    except PartialConfigError as exc:
        assert (exc.endpoint, exc.endpoint_from, exc.profile, exc.missing) == (
            "https://res.openai.azure.com/openai/v1/", "AZURE_OPENAI_ENDPOINT", None, ("deployment",))
    else:
        raise AssertionError("no PartialConfigError")


def test_nothing_configured_names_no_missing_file(tmp_path: Path) -> None:
    result = ask(tmp_path, None, "q")
    assert result.returncode == 2 and "--demo" in result.stderr
    assert "config.toml" not in result.stderr and "[profiles.NAME]" in result.stderr
