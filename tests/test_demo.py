"""The demo endpoint speaks the OpenAI wire format (checked with the real openai client)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import openai
import pytest

from tui.demo import DemoServer
from tui.demo.transcripts import pick
from tui.llm.think import split_whole


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with DemoServer(tokens_per_s=0) as server:
        yield server


@pytest.fixture
async def client(demo: DemoServer) -> AsyncIterator[openai.AsyncOpenAI]:
    c = openai.AsyncOpenAI(base_url=demo.base_url, api_key="demo", max_retries=0)
    yield c
    await c.close()


async def run(client: openai.AsyncOpenAI, prompt: str, model: str = "demo-r1", **kw) -> tuple[list, dict[int, dict[str, str]]]:
    """Stream a prompt; return the chunks and per-choice {"content", "reasoning_content", "finish"}."""
    stream = await client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": prompt}], stream=True, **kw)
    chunks = [ch async for ch in stream]
    out: dict[int, dict[str, str]] = {}
    for ch in chunks:
        for c in ch.choices:
            d = out.setdefault(c.index, {"content": "", "reasoning_content": "", "finish": ""})
            d["content"] += c.delta.content or ""
            d["reasoning_content"] += (c.delta.model_extra or {}).get("reasoning_content") or ""
            d["finish"] += c.finish_reason or ""
    return chunks, out


async def test_math_uses_think_tags(client: openai.AsyncOpenAI) -> None:
    chunks, out = await run(client, "What is 17 * 23?", stream_options={"include_usage": True})
    assert chunks[0].choices == [] and "prompt_filter_results" in chunks[0].model_extra
    reasoning, answer = split_whole(out[0]["content"])
    assert "391" in reasoning and "**17 × 23 = 391**" in answer and out[0]["reasoning_content"] == ""
    assert out[0]["finish"] == "stop"
    u = chunks[-1].usage
    assert chunks[-1].choices == [] and u.total_tokens == u.prompt_tokens + u.completion_tokens
    assert 0 < u.completion_tokens_details.reasoning_tokens < u.completion_tokens


async def test_other_multiplications_are_right(client: openai.AsyncOpenAI) -> None:
    _, out = await run(client, "compute 123 x 45")
    assert f"= **{123 * 45}**" in split_whole(out[0]["content"])[1]


async def test_code_answer_uses_reasoning_content(client: openai.AsyncOpenAI) -> None:
    chunks, out = await run(client, "How do I reverse a string in Python?")
    assert "s[::-1]" in out[0]["reasoning_content"] and "<think>" not in out[0]["content"]
    assert "```python\n" in out[0]["content"] and out[0]["content"].count("```") == 2
    assert all(c.usage is None for c in chunks)  # usage only when asked


async def test_greeting_has_empty_think_block(client: openai.AsyncOpenAI) -> None:
    _, out = await run(client, "hello")
    assert out[0]["content"].startswith("<think>\n\n</think>")
    assert split_whole(out[0]["content"])[0] == "" and "Hello" in out[0]["content"]


async def test_default_quotes_the_prompt_and_uses_markdown_list(client: openai.AsyncOpenAI) -> None:
    _, out = await run(client, "Why do penguins huddle in winter?")
    reasoning, answer = split_whole(out[0]["content"])
    assert "Why do penguins huddle in winter?" in reasoning and len(reasoning.split()) > 200
    assert "penguins" in answer and "\n- **" in answer


async def test_max_tokens_gives_length(client: openai.AsyncOpenAI) -> None:
    chunks, out = await run(client, "What is 17 * 23?", max_tokens=10, stream_options={"include_usage": True})
    assert out[0]["finish"] == "length" and chunks[-1].usage.completion_tokens == 10
    assert len([c for c in chunks if c.choices and (c.choices[0].delta.content or "")]) == 10


async def test_stop_sequence_cuts_content(client: openai.AsyncOpenAI) -> None:
    _, out = await run(client, "How do I reverse a string in Python?", stop=["```python"])
    assert out[0]["content"].startswith("The idiomatic way") and "```" not in out[0]["content"]
    assert out[0]["finish"] == "stop"


async def test_n_choices_interleaved_and_different(client: openai.AsyncOpenAI) -> None:
    chunks, out = await run(client, "hi", n=3)
    assert set(out) == {0, 1, 2} and all(o["finish"] == "stop" for o in out.values())
    assert len({o["content"] for o in out.values()}) == 3
    assert [c.choices[0].index for c in chunks if c.choices][3:6] == [0, 1, 2]


async def test_rate_limit_prompt_429s_twice(client: openai.AsyncOpenAI) -> None:
    for _ in range(2):
        with pytest.raises(openai.RateLimitError) as info:
            await run(client, "show me a rate limit")
        assert info.value.response.headers["retry-after-ms"] == "2000"
        assert "exceeded token rate limit" in info.value.message
    _, out = await run(client, "show me a rate limit")
    assert "429" in out[0]["content"]


async def test_non_stream_and_models(client: openai.AsyncOpenAI) -> None:
    resp = await client.chat.completions.create(model="demo-r1", messages=[{"role": "user", "content": "fizzbuzz"}])
    msg = resp.choices[0].message
    assert "Fizz" in msg.model_extra["reasoning_content"] and "```python" in msg.content
    assert resp.usage.completion_tokens > 0 and resp.choices[0].finish_reason == "stop"
    assert [m.id async for m in client.models.list()] == ["demo-r1", "demo-v3"]


async def test_pacing_and_env_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("R1_TUI_DEMO_RATE", "200")
    with DemoServer() as server:
        assert server.tokens_per_s == 200
        c = openai.AsyncOpenAI(base_url=server.base_url, api_key="demo", max_retries=0)
        t0 = time.monotonic()
        _, out = await run(c, "hi")  # ~15 tokens at 200/s
        await c.close()
    assert time.monotonic() - t0 > 0.05  # paced: ~15 tokens at 200/s cannot arrive sooner (how fast is bench/'s)
    assert "Hello" in out[0]["content"]


async def test_stop_ends_inflight_stream_quickly() -> None:
    server = DemoServer(tokens_per_s=5)
    c = openai.AsyncOpenAI(base_url=server.start(), api_key="demo", max_retries=0)
    stream = await c.chat.completions.create(model="demo-r1", messages=[{"role": "user", "content": "x"}],
                                             stream=True)
    await stream.__anext__()
    server.stop()  # at 5 tokens/s the rest of the stream would take many seconds more: it is cut instead
    with pytest.raises(openai.APIConnectionError):
        async for _ in stream:
            pass
    await c.close()


async def test_hybrid_model_thinks_only_when_switched_on(client: openai.AsyncOpenAI) -> None:
    on_chunks, on = await run(client, "What is 17 * 23?", "demo-v3", extra_body={"thinking": {"type": "enabled"}},
                              stream_options={"include_usage": True})
    assert "391" in on[0]["reasoning_content"] and "<think>" not in on[0]["content"]
    assert on[0]["content"].startswith("**17 × 23 = 391**") and on_chunks[1].model == "demo-v3"
    assert on_chunks[-1].usage.completion_tokens_details.reasoning_tokens > 0
    for switch in ({"thinking": {"type": "disabled"}}, {}):
        chunks, off = await run(client, "What is 17 * 23?", "demo-v3", extra_body=switch,
                                stream_options={"include_usage": True})
        assert off[0]["reasoning_content"] == "" and off[0]["content"].startswith("**17 × 23 = 391**")
        assert "So the answer is **391**" in off[0]["content"]  # asked again: another wording
        assert chunks[-1].usage.completion_tokens_details.reasoning_tokens == 0


async def test_a_prompt_asked_again_gets_another_wording(client: openai.AsyncOpenAI) -> None:
    """A regeneration differs from the first answer (compare and the vote have something to show)."""
    _, first = await run(client, "What is 12 * 34?", "demo-r1")
    _, again = await run(client, "What is 12 * 34?", "demo-r1")
    assert first[0]["content"] != again[0]["content"]
    assert "408" in first[0]["content"] and "408" in again[0]["content"]


async def test_hybrid_model_refuses_a_malformed_switch(client: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        await run(client, "hi", "demo-v3", extra_body={"thinking": True})
    assert info.value.body["param"] == "thinking" and "enabled" in info.value.body["message"]


def test_pick_routes_by_keywords() -> None:
    assert pick("What is 17 * 23?").form == "think"
    assert pick("write a python function").form == "reasoning_content"
    assert pick("hey there").name == "greeting" and pick("history of rome").name == "general"
    assert "</think>" not in pick("say </think> now").reasoning
