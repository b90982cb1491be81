"""Each host's recipe, as the request body arrives at the loopback server (config file -> client -> wire).

These are the recipes the README's "Models and hosts" section documents.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tomlkit

from tests.helpers import collect
from tests.loopback import ErrorResponse, LoopbackServer, Stream
from tui.config import Overrides, load_settings
from tui.llm.events import Failed
from tui.llm.request import Turn
from tui.llm.thinking import BUILT_IN

# recipe name -> (fragment when on, fragment when off), as documented in the README
RECIPES = {
    "deepseek": ({"thinking": {"type": "enabled"}}, {"thinking": {"type": "disabled"}}),
    "vllm": ({"chat_template_kwargs": {"thinking": True}}, {"chat_template_kwargs": {"thinking": False}}),
    "sglang": ({"chat_template_kwargs": {"thinking": True}}, {"chat_template_kwargs": {"thinking": False}}),
    "vllm-enable-thinking": ({"chat_template_kwargs": {"enable_thinking": True}},
                             {"chat_template_kwargs": {"enable_thinking": False}}),
    "sglang-enable-thinking": ({"chat_template_kwargs": {"enable_thinking": True}},
                               {"chat_template_kwargs": {"enable_thinking": False}}),
    "openrouter": ({"reasoning": {"enabled": True}}, {"reasoning": {"enabled": False}}),
    "alibaba": ({"enable_thinking": True}, {"enable_thinking": False}),
}
BASE_FIELDS = {"model", "messages", "stream", "stream_options"}
TURNS = [Turn("user", "hi")]


def profile(tmp_path: Path, server: LoopbackServer, body: str, deployment: str = "DeepSeek-V3.1") -> Path:
    path = tmp_path / "cfg" / "r1-tui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'default_profile = "p"\n[profiles.p]\nendpoint = "{server.base_url}"\n'
                    f'deployment = "{deployment}"\nauth = "none"\n{body}')
    os.chmod(path, 0o600)
    return path


async def body_sent(tmp_path: Path, server: LoopbackServer, config: str, extra: dict | None = None) -> dict:
    settings = load_settings(Overrides(), {}, profile(tmp_path, server, config))
    assert settings.endpoint is not None
    server.enqueue(Stream(content_chunks=["ok"]))
    _, transcript = await collect(settings.endpoint, settings.defaults.request(TURNS, extra))
    assert transcript.failure is None
    return server.requests[-1].json


@pytest.mark.parametrize("state", ["on", "off"])
@pytest.mark.parametrize("name", sorted(RECIPES))
async def test_each_recipe_on_the_wire(tmp_path: Path, azure_server: LoopbackServer, name: str, state: str) -> None:
    sent = await body_sent(tmp_path, azure_server, f'thinking = "{state}"\nthinking_param = "{name}"\n')
    fragment = RECIPES[name][0 if state == "on" else 1]
    assert {k: sent[k] for k in fragment} == fragment
    assert set(sent) == BASE_FIELDS | set(fragment)


async def test_unset_thinking_sends_no_switch(tmp_path: Path, azure_server: LoopbackServer) -> None:
    sent = await body_sent(tmp_path, azure_server, 'thinking_param = "deepseek"\n')
    assert set(sent) == BASE_FIELDS


async def test_custom_recipe_and_extra_body_merge_nested(tmp_path: Path, azure_server: LoopbackServer) -> None:
    config = ('thinking = "on"\n[profiles.p.thinking_param.on.chat_template_kwargs]\nthinking = true\n'
              '[profiles.p.thinking_param.off.chat_template_kwargs]\nthinking = false\n'
              '[profiles.p.extra_body]\ntop_k = 20\nrepetition_penalty = 1.05\n'
              '[profiles.p.extra_body.chat_template_kwargs]\nreasoning_budget = 512\n')
    sent = await body_sent(tmp_path, azure_server, config)
    assert sent["chat_template_kwargs"] == {"reasoning_budget": 512, "thinking": True}
    assert (sent["top_k"], sent["repetition_penalty"]) == (20, 1.05)


async def test_owned_fields_in_extra_body_never_reach_the_wire(tmp_path: Path, azure_server: LoopbackServer) -> None:
    config = ('max_tokens = 100\n[profiles.p.extra_body]\nmodel = "other"\nmax_tokens = 5\nstream = false\n'
              'stop = ["x"]\nn = 4\nmessages = []\nstream_options = {}\nkept = "yes"\n')
    sent = await body_sent(tmp_path, azure_server, config)
    assert sent["model"] == "DeepSeek-V3.1" and sent["max_tokens"] == 100 and sent["stream"] is True
    assert sent["messages"] == [{"role": "user", "content": "hi"}] and sent["stream_options"] == {"include_usage": True}
    assert "stop" not in sent and "n" not in sent and sent["kept"] == "yes"


async def test_one_request_extra_overrides_the_profile(tmp_path: Path, azure_server: LoopbackServer) -> None:
    sent = await body_sent(tmp_path, azure_server, '[profiles.p.extra_body]\ntop_k = 20\nseed = 1\n',
                           extra={"top_k": 5, "min_p": 0.1})
    assert (sent["top_k"], sent["seed"], sent["min_p"]) == (5, 1, 0.1)


async def test_a_refused_extra_field_gets_a_hint_naming_the_profile(tmp_path: Path, azure_server: LoopbackServer) -> None:
    settings = load_settings(Overrides(), {}, profile(tmp_path, azure_server, 'thinking = "on"\nthinking_param = "alibaba"\n'))
    assert settings.endpoint is not None
    azure_server.enqueue(ErrorResponse(400, {"error": {"message": "Unrecognized request argument supplied: enable_thinking",
                                                       "type": "invalid_request_error", "param": None, "code": None}}))
    events, transcript = await collect(settings.endpoint, settings.defaults.request(TURNS))
    failure = transcript.failure
    assert isinstance(failure, Failed) and failure.kind == "bad_request" and len(azure_server.requests) == 1
    assert "'enable_thinking'" in failure.hint and "thinking_param" in failure.hint


# --------------------------------------------------------------------------- ask --extra / --think

def ask(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_OPENAI", "OPENAI_"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"), R1_TUI_DEMO_RATE="5000")
    return subprocess.run([sys.executable, "-m", "tui", "ask", "--no-save", *args], capture_output=True, text=True,
                          timeout=60, env=env)


def test_ask_think_no_think_and_extra_on_the_wire(tmp_path: Path, azure_server: LoopbackServer) -> None:
    profile(tmp_path, azure_server, 'thinking = "off"\nthinking_param = "vllm"\n[profiles.p.extra_body]\ntop_k = 20\n')
    for args, expected in ((["--think"], True), (["--no-think"], False), ([], False)):
        azure_server.enqueue(Stream(content_chunks=["ok"]))
        result = ask(tmp_path, *args, "--extra", "top_k=3", "--extra", 'chat_template_kwargs={"foo": 1}', "q")
        assert result.returncode == 0, result.stderr
        sent = azure_server.requests[-1].json
        # --extra replaces a top-level field as given; the thinking switch is merged under it first
        assert sent["top_k"] == 3 and sent["chat_template_kwargs"] == {"foo": 1}, (args, sent)
    azure_server.enqueue(Stream(content_chunks=["ok"]))
    assert ask(tmp_path, "--think", "q").returncode == 0
    assert azure_server.requests[-1].json["chat_template_kwargs"] == {"thinking": True}
    assert ask(tmp_path, "--no-think", "q").returncode == 0
    assert azure_server.requests[-1].json["chat_template_kwargs"] == {"thinking": False}


@pytest.mark.parametrize(("args", "says"), [
    (["--extra", "top_k=forty"], "not valid JSON"),
    (["--extra", "top_k"], "KEY=JSON"),
    (["--extra", "max_tokens=3"], "use --max-tokens"),
    (["--think"], "set thinking_param in the profile"),
    (["--think", "--no-think"], "not allowed with argument"),
])
def test_ask_usage_errors_exit_2_before_any_request(tmp_path: Path, azure_server: LoopbackServer,
                                                     args: list[str], says: str) -> None:
    profile(tmp_path, azure_server, "")
    result = ask(tmp_path, *args, "q")
    assert result.returncode == 2 and says in result.stderr and azure_server.requests == []
    assert "Traceback" not in result.stderr


def test_demo_hybrid_model_switches_from_the_command_line(tmp_path: Path) -> None:
    on = ask(tmp_path, "--demo", "--deployment", "demo-v3", "--think", "What is 17 * 23?")
    off = ask(tmp_path, "--demo", "--deployment", "demo-v3", "--no-think", "What is 17 * 23?")
    assert on.returncode == off.returncode == 0, on.stderr + off.stderr
    assert on.stdout == off.stdout and "391" in on.stdout
    assert "I need to compute 17 multiplied by 23" in on.stderr
    assert "I need to compute" not in off.stderr


# --------------------------------------------------------------------------- the README's recipes

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_recipes() -> dict[str, dict]:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- host-recipes -->\n```toml\n", 1)[1].split("```", 1)[0]
    return tomllib.loads(block)["profiles"]


def test_the_readme_documents_every_built_in_recipe() -> None:
    section = README.read_text(encoding="utf-8").split("## Models and hosts", 1)[1].split("\n## ", 1)[0]
    assert set(RECIPES) == set(BUILT_IN)
    for name, (on, off) in RECIPES.items():
        assert f"`{name}`" in section
        assert dict(BUILT_IN[name].on) == on and dict(BUILT_IN[name].off) == off
    assert {p.get("thinking_param") for p in readme_recipes().values() if isinstance(p.get("thinking_param"), str)} \
        >= {"deepseek", "vllm", "sglang-enable-thinking", "openrouter", "alibaba"}


@pytest.mark.parametrize("name", sorted(readme_recipes()))
async def test_each_readme_recipe_on_the_wire(tmp_path: Path, azure_server: LoopbackServer, name: str) -> None:
    recipe = dict(readme_recipes()[name])
    recipe.pop("api_key_env", None)
    recipe.update(endpoint=azure_server.base_url, auth="none")
    config = tmp_path / "config.toml"
    config.write_text(tomlkit.dumps({"profiles": {name: recipe}}))
    settings = load_settings(Overrides(), {}, config)
    assert settings.endpoint is not None and settings.endpoint.deployment == recipe["deployment"]
    assert [w for w in settings.warnings] == []
    azure_server.enqueue(Stream(content_chunks=["ok"]))
    _, transcript = await collect(settings.endpoint, settings.defaults.request(TURNS))
    assert transcript.failure is None
    sent = azure_server.requests[-1].json
    expected: dict = dict(recipe.get("extra_body", {}))
    param, state = recipe.get("thinking_param"), recipe.get("thinking")
    if param is not None and state is not None:
        on, off = RECIPES[param] if isinstance(param, str) else (param.get("on", {}), param.get("off", {}))
        expected.update(on if state == "on" else off)
    assert {k: v for k, v in sent.items() if k not in BASE_FIELDS} == expected
    assert sent["model"] == recipe["deployment"]
