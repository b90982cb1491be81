"""Per-profile request extras, the thinking switch and the context window: parsing and the request API."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.config import DEMO_DEPLOYMENTS, ConfigError, Overrides, load_settings
from tui.demo import wire
from tui.llm.context_window import ContextWindow, resolve, table_window
from tui.llm.extras import OWNED_FIELDS, ExtraError, merged, parse_extra_arg, split_owned
from tui.llm.request import RequestDefaults, Turn, build_params
from tui.llm.thinking import BUILT_IN

ENDPOINT = 'endpoint = "http://127.0.0.1:9/v1"\nauth = "none"\n'


def settings_for(tmp_path: Path, body: str, deployment: str = "DeepSeek-V3.1", **kw: object):
    path = tmp_path / "config.toml"
    path.write_text(f'[profiles.p]\n{ENDPOINT}deployment = "{deployment}"\n{body}')
    os.chmod(path, 0o600)
    return load_settings(Overrides(**kw), {}, path)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- pure pieces

def test_merge_is_deep_for_tables_and_copies() -> None:
    base = {"chat_template_kwargs": {"a": 1}, "stop_token_ids": [1, 2]}
    out = merged(base, {"chat_template_kwargs": {"thinking": True}, "stop_token_ids": [3]})
    assert out == {"chat_template_kwargs": {"a": 1, "thinking": True}, "stop_token_ids": [3]}
    out["chat_template_kwargs"]["a"] = 9
    assert base == {"chat_template_kwargs": {"a": 1}, "stop_token_ids": [1, 2]}


def test_owned_fields_are_split_off() -> None:
    kept, refused = split_owned({"model": "x", "top_k": 4, "stream": False, "max_tokens": 1})
    assert kept == {"top_k": 4} and refused == ("model", "stream", "max_tokens")
    assert set(OWNED_FIELDS) == {"model", "messages", "stream", "stream_options", "n", "max_tokens", "stop"}


@pytest.mark.parametrize(("text", "expected"), [
    ("top_k=40", ("top_k", 40)),
    ('thinking={"type": "enabled"}', ("thinking", {"type": "enabled"})),
    ("reasoning_effort=\"high\"", ("reasoning_effort", "high")),
    ("a=[1, {\"b\": null}]", ("a", [1, {"b": None}])),
    ("eq=\"x=y\"", ("eq", "x=y")),
])
def test_extra_argument_parses(text: str, expected: tuple) -> None:
    assert parse_extra_arg(text) == expected


@pytest.mark.parametrize(("text", "says"), [
    ("top_k", "KEY=JSON"), ("=1", "KEY=JSON"), ("effort=high", "not valid JSON"),
    ("max_tokens=5", "use --max-tokens"), ("messages=[]", "cannot set messages"),
])
def test_bad_extra_argument_says_why(text: str, says: str) -> None:
    with pytest.raises(ExtraError, match=says):
        parse_extra_arg(text)


def test_request_defaults_thinking_api() -> None:
    plain = RequestDefaults()
    assert not plain.has_thinking_switch and plain.sends_thinking() is None
    d = RequestDefaults(thinking_recipe=BUILT_IN["deepseek"], extra_body={"top_k": 4})
    assert d.has_thinking_switch and d.thinking is None and d.body_extras() == {"top_k": 4}
    assert d.toggled_thinking().thinking is True and d.with_thinking(True).toggled_thinking().thinking is False
    on = d.with_thinking(True).request([Turn("user", "q")], {"top_k": 8, "model": "sneaky"})
    assert on.extra_body == {"top_k": 8, "thinking": {"type": "enabled"}} and on.thinking is True
    params = build_params(on, "dep")
    assert params["model"] == "dep" and params["extra_body"] == {"top_k": 8, "thinking": {"type": "enabled"}}
    assert d.thinking is None  # with_thinking returned a copy


# --------------------------------------------------------------------------- config

def test_extra_body_kept_nested_and_owned_fields_refused_without_values(tmp_path: Path) -> None:
    s = settings_for(tmp_path, '[profiles.p.extra_body]\ntop_k = 40\nmax_tokens = 77777\nmodel = "secret-ish-value"\n'
                               '[profiles.p.extra_body.chat_template_kwargs]\nfoo = [1, 2]\n')
    assert s.defaults.extra_body == {"top_k": 40, "chat_template_kwargs": {"foo": [1, 2]}}
    (warning,) = s.warnings
    assert "[profiles.p.extra_body]" in warning and "max_tokens, model ignored" in warning
    assert "77777" not in warning and "secret-ish-value" not in warning


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_built_in_recipes_by_name(tmp_path: Path, name: str) -> None:
    s = settings_for(tmp_path, f'thinking = "on"\nthinking_param = "{name}"\n')
    assert s.defaults.thinking is True and s.defaults.thinking_recipe == BUILT_IN[name] and not s.warnings


def test_custom_recipe_refuses_owned_fields(tmp_path: Path) -> None:
    s = settings_for(tmp_path, 'thinking = "off"\n[profiles.p.thinking_param.on]\nthink = true\n'
                               '[profiles.p.thinking_param.off]\nthink = false\nn = 3\n')
    recipe = s.defaults.thinking_recipe
    assert recipe is not None and recipe.name == "custom"
    assert (dict(recipe.on), dict(recipe.off)) == ({"think": True}, {"think": False})
    assert s.defaults.body_extras() == {"think": False} and "thinking_param.off: n ignored" in s.warnings[0]


@pytest.mark.parametrize(("body", "says"), [
    ('thinking_param = "deepsek"\n', "unknown thinking_param 'deepsek'; built-in recipes: deepseek"),
    ('thinking_param = 3\n', "thinking_param must be"),
    ('thinking_param = { maybe = {} }\n', "thinking_param must be"),
    ('thinking = "sometimes"\n', 'thinking must be "on" or "off"'),
    ('extra_body = "x"\n', "extra_body must be a table"),
    ('context_window = 0\n', "context_window must be a positive number"),
    ('context_window = true\n', "context_window must be a positive number"),
])
def test_bad_request_keys_are_config_errors(tmp_path: Path, body: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says.replace("(", r"\(").replace("{", r"\{")):
        settings_for(tmp_path, body)


def test_thinking_without_recipe_warns(tmp_path: Path) -> None:
    s = settings_for(tmp_path, 'thinking = true\n')
    assert s.defaults.thinking is True and s.defaults.body_extras() == {}
    assert any("sends nothing without thinking_param" in w for w in s.warnings)


@pytest.mark.parametrize(("name", "tokens"), [
    ("DeepSeek-R1", 128_000), ("DeepSeek-R1-0528", 128_000), ("deepseek-r1:8b", 128_000), ("MAI-DS-R1", 128_000),
    ("DeepSeek-V3.1", 131_072), ("deepseek-ai/DeepSeek-V3.1-Terminus", 131_072), ("DeepSeek-V3-0324", 131_072),
    ("DeepSeek-V3.2", 128_000), ("DeepSeek-V3.2-Speciale", 128_000), ("accounts/fireworks/models/deepseek-v3p2", 128_000),
    ("DeepSeek-V4-Flash", 1_000_000), ("deepseek-v4-pro", 1_000_000),
])
def test_context_window_table(name: str, tokens: int) -> None:
    window = table_window(name)
    assert window is not None and window.tokens == tokens and window.source == "table"


def test_context_window_profile_wins_then_model_then_assumed() -> None:
    assert resolve(64_000, "DeepSeek-V4-Flash") == ContextWindow(64_000, "profile")
    assert resolve(None, "my-deployment", "DeepSeek-V3.1").tokens == 131_072
    assumed = resolve(None, "llama-3", None)
    assert assumed.assumed and assumed.tokens == 128_000 and "assumed" in assumed.describe()


def test_unknown_context_window_is_a_notice_not_a_warning(tmp_path: Path) -> None:
    s = settings_for(tmp_path, "", deployment="my-llama")
    assert s.defaults.context_window == 128_000 and s.warnings == ()
    assert s.notices == ("context window of 'my-llama' unknown: assuming 128k tokens (set context_window in the profile)",)
    known = settings_for(tmp_path, "context_window = 32768\n", deployment="my-llama")
    assert known.defaults.context_window == 32768 and known.notices == ()
    assert settings_for(tmp_path, "", deployment="DeepSeek-V4-Pro").defaults.context_window == 1_000_000


def test_demo_serves_its_two_models_and_its_hybrid_has_the_switch(tmp_path: Path) -> None:
    assert DEMO_DEPLOYMENTS == wire.MODELS
    demo = load_settings(Overrides(demo_url="http://127.0.0.1:1/v1/", deployment="demo-v3"), {}, tmp_path / "none.toml")
    assert demo.endpoint is not None and demo.endpoint.deployment == "demo-v3"
    assert demo.defaults.thinking_recipe == BUILT_IN["deepseek"] and demo.notices == ()
    r1 = load_settings(Overrides(demo_url="http://127.0.0.1:1/v1/"), {}, tmp_path / "none.toml")
    assert r1.endpoint is not None and r1.endpoint.deployment == "demo-r1" and not r1.defaults.has_thinking_switch
    with pytest.raises(ConfigError, match="demo endpoint serves demo-r1 and demo-v3"):
        load_settings(Overrides(demo_url="http://127.0.0.1:1/v1/", deployment="gpt"), {}, tmp_path / "none.toml")


def test_a_notice_is_said_once(tmp_path: Path) -> None:
    from tui.once import unseen

    notice = "context window of 'my-llama' unknown: assuming 128k tokens (set context_window in the profile)"
    assert unseen([notice], tmp_path) == [notice]
    assert unseen([notice], tmp_path) == []
    assert unseen([notice, "another"], tmp_path) == ["another"]
    (tmp_path / "notices-seen.json").write_text("{not json")
    assert unseen([notice], tmp_path) == [notice]  # a damaged memory: said again, nothing breaks
