"""The loopback server speaks the Azure/OpenAI wire format (checked with the real openai client)."""

from __future__ import annotations

import threading

import openai
import pytest

try:
    from tests.loopback import (AZURE_401_BODY, AZURE_404_BODY, STREAM_OPTIONS_400_BODY, ErrorResponse,
                                LoopbackServer, Stream, azure_429_body, content_filter_body,
                                context_length_body, rate_limit_headers, usage)
except ImportError:  # pragma: no cover - tests/ on sys.path
    from loopback import (AZURE_401_BODY, AZURE_404_BODY, STREAM_OPTIONS_400_BODY,  # type: ignore
                          ErrorResponse, LoopbackServer, Stream, azure_429_body, content_filter_body,
                          context_length_body, rate_limit_headers, usage)

MSGS = [{"role": "user", "content": "hi"}]


def client(server: LoopbackServer, **kw) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=server.base_url, api_key=kw.pop("api_key", "k"), max_retries=0, **kw)


async def collect(server: LoopbackServer, include_usage: bool = True, **kw) -> list:
    c = client(server)
    try:
        stream = await c.chat.completions.create(
            model="dep", messages=MSGS, stream=True,
            stream_options={"include_usage": True} if include_usage else openai.omit, **kw)
        return [chunk async for chunk in stream]
    finally:
        await c.close()


def text_of(chunks: list, attr: str = "content", index: int = 0) -> str:
    out = []
    for ch in chunks:
        for c in ch.choices:
            if c.index == index and c.delta is not None:
                out.append(getattr(c.delta, attr, None) or (c.delta.model_extra or {}).get(attr) or "")
    return "".join(out)


async def test_azure_quirks_stream_parses(azure_server: LoopbackServer) -> None:
    azure_server.enqueue(Stream(content_chunks=["<th", "ink>", "reason", "</think>", "answer"],
                                usage=usage(5, 7, reasoning=3), azure_quirks=True))
    chunks = await collect(azure_server)
    assert chunks[0].choices == [] and chunks[0].model_extra["prompt_filter_results"][0]["prompt_index"] == 0
    assert text_of(chunks) == "<think>reason</think>answer"
    assert any(c.choices and c.choices[0].delta is None for c in chunks)  # "delta": null
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    last = chunks[-1]
    assert last.choices == [] and last.usage.total_tokens == 12
    assert last.usage.completion_tokens_details.reasoning_tokens == 3
    assert chunks[1].object == "chat.completion.chunk" and chunks[1].model == "DeepSeek-R1"
    req = azure_server.requests[0]
    assert req.path == "/openai/v1/chat/completions" and req.json["stream_options"] == {"include_usage": True}
    assert req.headers["authorization"] == "Bearer k"


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
async def test_reasoning_field_and_final_chunk_usage(azure_server: LoopbackServer, field: str) -> None:
    azure_server.enqueue(Stream(reasoning_chunks=["think", "ing"], content_chunks=["ans"],
                                reasoning_field=field, usage_placement="final_chunk"))
    chunks = await collect(azure_server)
    assert text_of(chunks, field) == "thinking" and text_of(chunks) == "ans"
    assert chunks[-1].choices[0].finish_reason == "stop" and chunks[-1].usage.completion_tokens == 3


async def test_usage_only_when_asked(azure_server: LoopbackServer) -> None:
    azure_server.enqueue(Stream(content_chunks=["a"]), Stream(content_chunks=["a"], force_usage=True))
    assert all(c.usage is None for c in await collect(azure_server, include_usage=False))
    assert (await collect(azure_server, include_usage=False))[-1].usage.total_tokens == 13


async def test_n2_interleaved_and_no_finish_reason(azure_server: LoopbackServer) -> None:
    azure_server.enqueue(Stream(n=2, choice_content=[["a", "b"], ["x", "y", "z"]], no_finish_reason=True,
                                finish_reason="content_filter"))
    chunks = await collect(azure_server, n=2)
    assert text_of(chunks, index=0) == "ab" and text_of(chunks, index=1) == "xyz"
    assert [c.choices[0].index for c in chunks if c.choices][:4] == [0, 1, 0, 1]
    assert not any(c.choices and c.choices[0].finish_reason for c in chunks)


async def test_429_raises_rate_limit_with_headers(azure_server: LoopbackServer) -> None:
    azure_server.enqueue(ErrorResponse(429, azure_429_body(), headers=rate_limit_headers(50, 1)))
    with pytest.raises(openai.RateLimitError) as info:
        await collect(azure_server)
    assert info.value.response.headers["retry-after-ms"] == "50"
    assert "exceeded token rate limit" in info.value.message


async def test_openai_client_retries_honour_retry_after_ms(azure_server: LoopbackServer) -> None:
    azure_server.enqueue(ErrorResponse(429, azure_429_body(), headers={"retry-after-ms": "50"}))
    c = openai.AsyncOpenAI(base_url=azure_server.base_url, api_key="k", max_retries=1)
    try:
        stream = await c.chat.completions.create(model="dep", messages=MSGS, stream=True)
        assert "Hello" in text_of([ch async for ch in stream])
    finally:
        await c.close()
    assert len(azure_server.requests) == 2


@pytest.mark.parametrize(("status", "body", "exc", "needle"), [
    (401, AZURE_401_BODY, openai.AuthenticationError, "invalid subscription key"),
    (404, AZURE_404_BODY, openai.NotFoundError, "DeploymentNotFound"),
    (400, context_length_body(), openai.BadRequestError, "context_length_exceeded"),
    (400, content_filter_body(), openai.BadRequestError, "ResponsibleAIPolicyViolation"),
    (400, STREAM_OPTIONS_400_BODY, openai.BadRequestError, "stream_options"),
    (503, {"error": {"code": "ServiceUnavailable", "message": "busy"}}, openai.InternalServerError, "busy"),
])
async def test_error_statuses(azure_server: LoopbackServer, status, body, exc, needle) -> None:
    azure_server.enqueue(ErrorResponse(status, body))
    with pytest.raises(exc) as info:
        await collect(azure_server)
    assert info.value.status_code == status and needle in info.value.response.text


@pytest.mark.parametrize("reset", [False, True])
async def test_cut_after_raises_midstream(azure_server: LoopbackServer, reset: bool) -> None:
    azure_server.enqueue(Stream(content_chunks=["a", "b", "c", "d"], cut_after=2, cut_reset=reset))
    got: list[str] = []
    c = client(azure_server)
    with pytest.raises(openai.APIConnectionError):
        stream = await c.chat.completions.create(model="dep", messages=MSGS, stream=True)
        async for ch in stream:
            got.append(text_of([ch]))
    await c.close()
    assert "".join(got) == "ab"


async def test_error_event_raises_api_error(azure_server: LoopbackServer) -> None:
    azure_server.enqueue(Stream(content_chunks=["a", "b", "c"], error_event_after=1, error_message="boom"))
    with pytest.raises(openai.APIError, match="boom"):
        await collect(azure_server)


async def test_require_auth_and_reset(azure_server: LoopbackServer) -> None:
    azure_server.require_auth(api_key="secret")
    with pytest.raises(openai.AuthenticationError):
        await collect(azure_server)
    c = openai.AsyncOpenAI(base_url=azure_server.base_url, api_key="x", max_retries=0,
                           default_headers={"api-key": "secret"})
    stream = await c.chat.completions.create(model="dep", messages=MSGS, stream=True)
    assert "Hello" in text_of([ch async for ch in stream])
    await c.close()
    azure_server.reset()
    assert azure_server.requests == [] and len(await collect(azure_server)) > 3


async def test_non_stream_and_v1_prefix(azure_server: LoopbackServer) -> None:
    azure_server.enqueue(Stream(reasoning_chunks=["r"], content_chunks=["x", "y"]))
    c = openai.AsyncOpenAI(base_url=f"{azure_server.origin}/v1/", api_key="k", max_retries=0)
    resp = await c.chat.completions.create(model="dep", messages=MSGS)
    await c.close()
    assert resp.choices[0].message.content == "xy" and resp.usage.total_tokens == 15
    assert azure_server.requests[0].path == "/v1/chat/completions"


async def test_stop_is_prompt_even_with_a_slow_stream_in_flight() -> None:
    server = LoopbackServer().start()
    server.enqueue(Stream(content_chunks=["a"] * 100, delay_s=0.5))
    c = client(server)
    stream = await c.chat.completions.create(model="dep", messages=MSGS, stream=True)
    await stream.__anext__()
    server.stop()  # the stream had 50 s to go
    with pytest.raises(openai.APIConnectionError):
        async for _ in stream:
            pass
    await c.close()
    for thread in [t for t in threading.enumerate() if t.name.startswith(f"loopback-{server.port}")]:
        thread.join(timeout=30)  # every handler thread ends (a hang would stop here)
        assert not thread.is_alive()
