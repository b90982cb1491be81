"""Requests as units: messages, parameters, per-profile defaults, extras, thinking recipes and context windows."""

from __future__ import annotations

import pytest

from tui.llm.context_window import DEFAULT_CONTEXT_WINDOW, ContextWindow, resolve, table_window, unknown_notice
from tui.llm.extras import ExtraError, merged, parse_extra_arg, refusal, refused_extra_hint, split_owned
from tui.llm.request import ChatRequest, RequestDefaults, Turn, body_field_names, build_messages, build_params
from tui.llm.thinking import BUILT_IN, STATES, ThinkingRecipe, state_name

USER = Turn("user", "hi")


# --- messages and parameters --------------------------------------------------------------------

def test_messages_carry_the_system_prompt_and_final_texts_only() -> None:
    request = ChatRequest((Turn("user", "q1"), Turn("assistant", "a1", reasoning="secret"), Turn("assistant", " \n"),
                           Turn("user", "q2")), system="be brief")
    assert build_messages(request) == [{"role": "system", "content": "be brief"}, {"role": "user", "content": "q1"},
                                       {"role": "assistant", "content": "a1"}, {"role": "user", "content": "q2"}]
    assert build_messages(ChatRequest((Turn("user", " "),), system="")) == [{"role": "user", "content": " "}]


def test_parameters_are_only_what_reasoning_deployments_take() -> None:
    assert build_params(ChatRequest((USER,)), "dep") == {
        "model": "dep", "messages": [{"role": "user", "content": "hi"}], "stream": True,
        "stream_options": {"include_usage": True}}
    full = ChatRequest((USER,), max_tokens=100, stop=("END", "STOP"), n=3, extra_body={"top_k": 4, "model": "no"})
    params = build_params(full, "dep")
    assert params["max_tokens"] == 100 and params["stop"] == ["END", "STOP"] and params["n"] == 3
    assert params["extra_body"] == {"top_k": 4} and params["model"] == "dep"
    assert body_field_names(params) == ["model", "messages", "stream", "stream_options", "max_tokens", "stop", "n",
                                        "top_k"]
    assert "n" not in build_params(ChatRequest((USER,), n=1), "dep")
    assert build_params(ChatRequest((USER,), n=2), "dep")["n"] == 2
    assert "max_tokens" not in build_params(ChatRequest((USER,), max_tokens=0), "dep")
    assert body_field_names(build_params(ChatRequest((USER,)), "d")) == ["model", "messages", "stream", "stream_options"]


def test_dropped_parameters_are_not_sent_again() -> None:
    full = ChatRequest((USER,), max_tokens=100, stop=("END",), n=2)
    params = build_params(full, "dep", frozenset({"stream_options", "n", "not_there"}))
    assert "stream_options" not in params and "n" not in params and params["stop"] == ["END"]


def test_untagged_content_may_be_reasoning_unless_a_hybrid_model_is_not_thinking() -> None:
    assert ChatRequest((USER,)).may_reason_untagged
    assert ChatRequest((USER,), thinking=False).may_reason_untagged
    assert ChatRequest((USER,), hybrid=True, thinking=True).may_reason_untagged
    assert not ChatRequest((USER,), hybrid=True, thinking=False).may_reason_untagged
    assert not ChatRequest((USER,), hybrid=True).may_reason_untagged


# --- defaults ----------------------------------------------------------------------------------------

DEEPSEEK = BUILT_IN["deepseek"]


def test_defaults_build_requests() -> None:
    defaults = RequestDefaults(system="s", max_tokens=50, stop=("X",), n=2, extra_body={"top_k": 4})
    request = defaults.request([USER])
    assert request == ChatRequest((USER,), "s", 50, ("X",), 2, {"top_k": 4}, None, False)
    assert defaults.context_window == DEFAULT_CONTEXT_WINDOW and not defaults.has_thinking_switch
    assert RequestDefaults(context=ContextWindow(64_000, "profile")).context_window == 64_000


def test_the_thinking_switch_goes_into_the_body() -> None:
    on = RequestDefaults(thinking_recipe=DEEPSEEK, thinking=True, extra_body={"thinking": {"budget": 5}, "k": 1})
    assert on.has_thinking_switch and on.sends_thinking() is True
    assert on.body_extras() == {"thinking": {"budget": 5, "type": "enabled"}, "k": 1}
    request = on.request([USER])
    assert request.thinking is True and request.hybrid is True
    off = on.toggled_thinking()
    assert off.thinking is False and off.body_extras()["thinking"] == {"budget": 5, "type": "disabled"}
    assert off.toggled_thinking().thinking is True
    unset = on.with_thinking(None)
    assert unset.sends_thinking() is None and unset.body_extras() == {"thinking": {"budget": 5}, "k": 1}
    assert unset.toggled_thinking().thinking is True and on.thinking is True


def test_a_recipe_without_an_off_fragment_sends_no_switch_when_off() -> None:
    only_on = ThinkingRecipe("custom", on={"reasoning": {"enabled": True}})
    defaults = RequestDefaults(thinking_recipe=only_on, thinking=False)
    assert defaults.sends_thinking() is None and defaults.body_extras() == {}
    assert RequestDefaults(thinking_recipe=only_on, thinking=True).sends_thinking() is True
    assert RequestDefaults(thinking=True).sends_thinking() is None and RequestDefaults(thinking=True).body_extras() == {}


def test_precedence_extra_body_then_switch_then_overrides_then_extra() -> None:
    defaults = RequestDefaults(extra_body={"a": 1, "thinking": {"x": 1}}, thinking_recipe=DEEPSEEK, thinking=True)
    defaults = defaults.with_body_overrides({"a": 2, "thinking": "over", "model": "never"})
    assert defaults.body_overrides == {"a": 2, "thinking": "over"}
    assert defaults.with_body_overrides({"b": 3}).body_overrides == {"a": 2, "thinking": "over", "b": 3}
    assert defaults.body_extras() == {"a": 2, "thinking": "over"}
    assert defaults.body_extras({"a": 3, "stop": ["no"]}) == {"a": 3, "thinking": "over"}
    assert defaults.request([USER], {"c": 1}).extra_body == {"a": 2, "thinking": "over", "c": 1}


# --- extras ------------------------------------------------------------------------------------------

def test_split_and_merge_leave_their_arguments_alone() -> None:
    table = {"model": "x", "nested": {"k": [1]}, "stop": []}
    kept, refused = split_owned(table)
    kept["nested"]["k"].append(2)
    assert table["nested"] == {"k": [1]} and refused == ("model", "stop")
    assert merged({"a": {"b": 1}}, {"a": 5}) == {"a": 5}
    assert merged({"a": 5}, {"a": {"b": 1}}) == {"a": {"b": 1}}
    base = {"kept": {"v": [1]}}
    merged(base, {})["kept"]["v"].append(2)
    assert base == {"kept": {"v": [1]}}
    fragment = {"t": {"u": [1]}}
    out = merged({}, fragment)
    out["t"]["u"].append(2)
    assert fragment == {"t": {"u": [1]}}


def test_refusal_messages() -> None:
    assert refusal(("model",), "profile p [extra_body]") == (
        "profile p [extra_body]: model ignored: r1-tui sets it itself (use the profile's own keys or the command-line flags)")
    assert refusal(("model", "n"), "x") == "x: model, n ignored: r1-tui sets them itself (use the profile's own keys or the command-line flags)"
    assert refused_extra_hint("thinking") == (
        "The endpoint refused 'thinking', which comes from this profile's extra_body or thinking_param (or ask --extra "
        "/ --think): fix or remove it, or pick the recipe for this host (README: Models and hosts).")


@pytest.mark.parametrize(("text", "message"), [
    ("top_k", "--extra takes KEY=JSON, e.g. --extra 'thinking={\"type\": \"enabled\"}' (got 'top_k')"),
    (" =1", "--extra takes KEY=JSON, e.g. --extra 'thinking={\"type\": \"enabled\"}' (got ' =1')"),
    ("max_tokens=5", "--extra cannot set max_tokens: r1-tui sets it itself: use --max-tokens"),
    ("stop=[]", "--extra cannot set stop: r1-tui sets it itself: use --stop"),
    ("n=2", "--extra cannot set n: r1-tui sets it itself: use -n"),
    ("model=\"x\"", "--extra cannot set model: r1-tui sets it itself: use --deployment"),
    ("stream=false", "--extra cannot set stream: r1-tui sets it itself"),
    ("effort=high", "--extra effort=...: the value is not valid JSON (Expecting value at column 1); strings need "
                    "quotes, e.g. --extra 'effort=\"text\"'"),
])
def test_bad_extra_arguments_say_what_to_do(text: str, message: str) -> None:
    with pytest.raises(ExtraError) as caught:
        parse_extra_arg(text)
    assert str(caught.value) == message


def test_extra_keys_are_trimmed() -> None:
    assert parse_extra_arg(" top_k =40") == ("top_k", 40)


# --- thinking recipes ----------------------------------------------------------------------------

def test_built_in_recipes() -> None:
    assert {name: (dict(r.on), dict(r.off)) for name, r in BUILT_IN.items()} == {
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
    assert all(r.name == name for name, r in BUILT_IN.items())
    assert DEEPSEEK.fragment(True) == {"thinking": {"type": "enabled"}}
    assert DEEPSEEK.fragment(False) == {"thinking": {"type": "disabled"}}
    assert ThinkingRecipe("custom").fragment(True) == {} == ThinkingRecipe("custom").fragment(False)


def test_state_names() -> None:
    assert [state_name(s) for s in (True, False, None)] == ["on", "off", "unset"]
    assert STATES == {"on": True, "off": False}


# --- context windows -------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "tokens", "family"), [
    ("DeepSeek-V4-Flash", 1_000_000, "DeepSeek-V4"), ("deepseek_v4", 1_000_000, "DeepSeek-V4"),
    ("DeepSeek-V3.2-Speciale", 128_000, "DeepSeek-V3.2"), ("deepseek-v3p2", 128_000, "DeepSeek-V3.2"),
    ("DeepSeek-V3.1-Terminus", 131_072, "DeepSeek-V3.1"), ("DeepSeek-V3-0324", 131_072, "DeepSeek-V3"),
    ("my-DeepSeek-R1-0528", 128_000, "DeepSeek-R1"), ("MAI-DS-R1", 128_000, "DeepSeek-R1"),
])
def test_table_windows(name: str, tokens: int, family: str) -> None:
    assert table_window(name) == ContextWindow(tokens, "table", family)


def test_the_first_name_that_matches_wins() -> None:
    assert table_window(None, "", "gpt-4o", "DeepSeek-R1", "DeepSeek-V4") == ContextWindow(128_000, "table", "DeepSeek-R1")
    assert table_window("gpt-4o") is None and table_window() is None


def test_resolve_and_describe() -> None:
    profile = resolve(32_000, "DeepSeek-V4")
    assert profile == ContextWindow(32_000, "profile") and not profile.assumed
    assert profile.describe() == "32000 tokens (the profile's context_window)"
    table = resolve(None, "my-dep", "DeepSeek-V3.1")
    assert table.describe() == "131072 tokens (DeepSeek-V3.1, built-in table)" and not table.assumed
    assumed = resolve(None, "my-dep")
    assert assumed == ContextWindow(128_000, "assumed") and assumed.assumed
    assert assumed.describe() == "128000 tokens (unknown model: assumed; set context_window in the profile)"
    assert resolve(0, "DeepSeek-V4").tokens == 0  # a configured value, even an odd one, is the profile's word
    assert unknown_notice("my-dep") == ("context window of 'my-dep' unknown: assuming 128k tokens "
                                        "(set context_window in the profile)")
