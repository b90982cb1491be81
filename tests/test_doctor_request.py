"""Deployments from ``GET /models``, and what doctor says about a profile's request and context window."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import endpoint_for
from tests.loopback import AZURE_404_BODY, ErrorResponse, LoopbackServer, Stream
from tui.checks.model import CHECKS
from tui.commands.doctor import run_checks, run_doctor
from tui.config import Overrides
from tui.llm.client import ChatClient
from tui.llm.models import ModelList, list_models

NAMES = [name for name, _ in CHECKS]


async def listed(server: LoopbackServer, timeout_s: float = 5.0, **kw: object) -> ModelList:
    client = ChatClient(endpoint_for(server.base_url, **kw))  # type: ignore[arg-type]
    try:
        return await list_models(client, timeout_s)
    finally:
        await client.aclose()


async def test_lists_what_the_endpoint_serves(azure_server: LoopbackServer) -> None:
    azure_server.models = ["DeepSeek-R1", "DeepSeek-V3.1", "DeepSeek-R1", "DeepSeek-V4-Flash"]
    result = await listed(azure_server)
    assert result == ModelList(("DeepSeek-R1", "DeepSeek-V3.1", "DeepSeek-V4-Flash"))
    assert azure_server.requests[-1].method == "GET" and azure_server.requests[-1].path == "/openai/v1/models"


@pytest.mark.parametrize(("answer", "says"), [
    (ErrorResponse(404, AZURE_404_BODY), "the endpoint does not list models (404)"),
    (ErrorResponse(500, {"error": {"message": "boom"}}), "500: boom"),
    (ErrorResponse(200, "<html>not json</html>"), "unexpected answer"),
])
async def test_clean_failures(azure_server: LoopbackServer, answer: ErrorResponse, says: str) -> None:
    azure_server.models = answer
    result = await listed(azure_server)
    assert not result.ok and result.ids == () and result.error is not None and says in result.error


async def test_a_key_in_an_error_never_shows(azure_server: LoopbackServer) -> None:
    key = "sk-listing-secret-0123456789"
    azure_server.models = ErrorResponse(403, {"error": {"message": f"key {key} may not list"}})
    result = await listed(azure_server, auth="key", api_key=key)
    assert result.error is not None and key not in result.error and "403" in result.error


async def test_a_silent_endpoint_times_out(azure_server: LoopbackServer) -> None:
    azure_server.models_delay_s = 30.0  # an answer after 30 s would be a list, not this error
    result = await listed(azure_server, timeout_s=0.3)
    assert result.error == "no answer within 0.3 s"


def write_profile(tmp_path: Path, server: LoopbackServer, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[profiles.p]\nendpoint = "{server.base_url}"\ndeployment = "DeepSeek-V3.1"\nauth = "none"\n{body}')
    os.chmod(path, 0o600)
    return path


PROFILE = ('thinking = "on"\nthinking_param = "deepseek"\nmax_tokens = 2048\n'
           '[profiles.p.extra_body]\ntop_k = 40\nsecret_looking = "value-42"\n')


async def test_doctor_reports_request_window_and_deployments(tmp_path: Path, azure_server: LoopbackServer) -> None:
    azure_server.models = ["DeepSeek-V3.1", "DeepSeek-R1"]
    azure_server.enqueue(Stream(reasoning_chunks=["hm"], content_chunks=["OK"]))
    path = write_profile(tmp_path, azure_server, PROFILE)
    report = await run_checks(Overrides(), env={}, config_path=path)
    assert report.ok, report.to_json()
    probe = azure_server.requests[0].json  # the probe carries the profile's extras and switch
    assert probe["top_k"] == 40 and probe["thinking"] == {"type": "enabled"} and probe["max_tokens"] == 64
    obj = report.to_json()
    assert [c["name"] for c in obj["checks"]] == NAMES
    assert obj["request"] == {"fields": ["model", "messages", "stream", "stream_options", "max_tokens", "top_k",
                                         "secret_looking", "thinking"],
                              "extra_body_fields": ["top_k", "secret_looking"], "thinking": "on",
                              "thinking_param": "deepseek"}
    assert obj["context_window"] == {"tokens": 131072, "source": "table"}
    assert obj["deployments"] == {"listed": True, "ids": ["DeepSeek-V3.1", "DeepSeek-R1"], "error": None}
    assert "value-42" not in json.dumps(obj)  # --json carries names, never values


def test_doctor_text_shows_the_values(tmp_path: Path, azure_server: LoopbackServer) -> None:
    azure_server.models = ErrorResponse(404, AZURE_404_BODY)
    cfg = tmp_path / "cfg" / "r1-tui"
    cfg.mkdir(parents=True)
    (cfg / "config.toml").write_text(write_profile(tmp_path, azure_server, "context_window = 65536\n" + PROFILE).read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "OPENAI_"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, "-m", "tui", "doctor"], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert '  extra_body           {"top_k": 40, "secret_looking": "value-42"}\n' in out
    assert '  thinking             on (deepseek recipe: {"thinking": {"type": "enabled"}})' in out
    assert "  context window       65536 tokens (the profile's context_window)\n" in out
    assert "  deployments          not listed by GET /models: the endpoint does not list models (404)\n" in out
    assert out.endswith("All checks passed.\n")


async def test_reasoning_check_does_not_apply_with_thinking_off(tmp_path: Path, azure_server: LoopbackServer) -> None:
    azure_server.enqueue(Stream(content_chunks=["OK"]))
    path = write_profile(tmp_path, azure_server, 'thinking = "off"\nthinking_param = "vllm"\n')
    report = await run_checks(Overrides(), env={}, config_path=path)
    reasoning = report.get("reasoning")
    assert report.ok and reasoning.skipped and "thinking is off" in reasoning.detail
    assert azure_server.requests[0].json["chat_template_kwargs"] == {"thinking": False}


def test_doctor_passes_on_the_demo_hybrid_model_either_way(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "OPENAI_"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"), R1_TUI_DEMO_RATE="5000")
    result = subprocess.run([sys.executable, "-m", "tui", "doctor", "--demo", "--deployment", "demo-v3"],
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "none, as expected: thinking is not switched on" in result.stdout
    assert "  deployments          demo-r1, demo-v3 (GET /models)\n" in result.stdout


async def test_failed_credential_lists_nothing(tmp_path: Path, azure_server: LoopbackServer) -> None:
    azure_server.require_auth(api_key="right")
    report = await run_checks(Overrides(endpoint="https://x.openai.azure.com", deployment="d", auth="entra"),
                              env={}, config_path=tmp_path / "none.toml", credential=_NoToken())
    assert not report.ok and report.to_json()["deployments"] is None
    assert report.info is not None and "earlier check failed" in report.info.lines()[-1]


class _NoToken:
    def get_token(self, *scopes: str, **kwargs: object):
        raise RuntimeError("no token here")


def test_doctor_without_config_has_no_request_fields(tmp_path: Path) -> None:
    import io

    out = io.StringIO()
    assert run_doctor(Overrides(), as_json=True, out=out, env={}, config_path=tmp_path / "none.toml") == 2
    assert set(json.loads(out.getvalue())) == {"ok", "checks"}
