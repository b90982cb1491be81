"""The streaming core against a real loopback server through the real openai client."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.helpers import RecordedSleeps, ask_request, collect, endpoint_for
from tests.loopback import (
    AZURE_401_BODY,
    AZURE_403_BODY,
    AZURE_404_BODY,
    AZURE_503_BODY,
    STREAM_OPTIONS_400_BODY,
    ErrorResponse,
    Stream,
    azure_429_body,
    content_filter_body,
    context_length_body,
    rate_limit_headers,
    usage,
)
from tui.llm.client import ChatClient
from tui.llm.events import Failed, Finished, Notice, ReasoningDelta, Reclassified, Retrying, Started, Usage
from tui.llm.request import ChatRequest, Turn


async def test_azure_stream_with_think_tags_split_across_chunks(azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<th", "ink>", "Seventeen times", " 23.", "</thi", "nk>", "\n\n391"],
                                usage=usage(10, 30, reasoning=20), azure_quirks=True))
    events, t = await collect(endpoint_for(azure_server.base_url))
    assert isinstance(events[0], Started)
    assert t.choice(0).reasoning == "Seventeen times 23."
    assert t.choice(0).answer == "391"
    assert t.usage == Usage(10, 30, 40, 20, False, False)
    assert t.state == "complete" and t.finish_reason == "stop"


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
async def test_reasoning_delta_fields(azure_server, field: str) -> None:
    azure_server.enqueue(Stream(reasoning_chunks=["Think", "ing."], content_chunks=["Answer"], reasoning_field=field,
                                azure_quirks=True))
    events, t = await collect(endpoint_for(azure_server.base_url))
    assert (t.choice(0).reasoning, t.choice(0).answer) == ("Thinking.", "Answer")
    assert not any(isinstance(e, ReasoningDelta) and e.provisional for e in events)


@pytest.mark.parametrize("placement", ["final_chunk", "trailing"])
async def test_usage_on_final_or_trailing_chunk(azure_server, placement: str) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>a"], usage=usage(5, 7, reasoning=3),
                                usage_placement=placement, azure_quirks=True))
    _, t = await collect(endpoint_for(azure_server.base_url))
    assert t.usage == Usage(5, 7, 12, 3, False, False)


async def test_missing_usage_is_estimated_and_marked(azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>" + "r" * 400 + "</think>", "a" * 40], usage_placement=None))
    _, t = await collect(endpoint_for(azure_server.base_url))
    assert t.usage is not None and t.usage.estimated and t.usage.reasoning_tokens == 100


async def test_missing_open_tag(azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["reasoning first", "</think>", "answer"]))
    _, t = await collect(endpoint_for(azure_server.base_url))
    assert (t.choice(0).reasoning, t.choice(0).answer) == ("reasoning first", "answer")


async def test_no_tags_reclassified_as_answer(azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["just ", "an answer"]))
    events, t = await collect(endpoint_for(azure_server.base_url))
    assert Reclassified("", "just an answer", 0) in events
    assert (t.choice(0).reasoning, t.choice(0).answer) == ("", "just an answer")


async def test_request_shape_and_no_reasoning_sent_back(azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>x</think>y"]))
    request = ChatRequest(
        (Turn("user", "q1"), Turn("assistant", "a1", reasoning="SECRET REASONING"), Turn("user", "q2")),
        system="be brief", max_tokens=100, stop=("END",), n=None,
    )
    await collect(endpoint_for(azure_server.base_url), request)
    body = azure_server.requests[0].json
    assert body["messages"] == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "q1"},
        {"role": "assistant", "content": "a1"},
        {"role": "user", "content": "q2"},
    ]
    assert "SECRET REASONING" not in azure_server.requests[0].body.decode()
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["max_tokens"] == 100 and body["stop"] == ["END"] and body["model"] == "dep"
    for forbidden in ("temperature", "top_p", "presence_penalty", "frequency_penalty"):
        assert forbidden not in body


async def test_429_honours_retry_after_ms_then_succeeds(azure_server) -> None:
    for _ in range(3):
        azure_server.enqueue(ErrorResponse(429, azure_429_body(), headers=rate_limit_headers(retry_after_ms=120)))
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>ok"]))
    waited = RecordedSleeps()
    events, t = await collect(endpoint_for(azure_server.base_url, attempts=6, base_delay_s=5.0), sleep=waited)
    retries = [e for e in events if isinstance(e, Retrying)]
    assert [(r.attempt, r.max_attempts, r.status, r.delay_s) for r in retries] == [(2, 6, 429, 0.12), (3, 6, 429, 0.12), (4, 6, 429, 0.12)]
    assert retries[0].reason == "429 rate limited"
    assert waited == [0.12, 0.12, 0.12]  # the client waited what the server asked, before each attempt
    assert t.choice(0).answer == "ok" and t.retries == 3


async def test_retry_after_seconds(azure_server) -> None:
    azure_server.enqueue(ErrorResponse(429, azure_429_body(), headers={"retry-after": "1"}))
    azure_server.enqueue(Stream(content_chunks=["ok"]))
    waited = RecordedSleeps()
    events, _ = await collect(endpoint_for(azure_server.base_url), sleep=waited)
    assert [e.delay_s for e in events if isinstance(e, Retrying)] == [1.0] == waited


async def test_503_then_success_uses_jittered_backoff(azure_server) -> None:
    azure_server.enqueue(ErrorResponse(503, AZURE_503_BODY))
    azure_server.enqueue(Stream(content_chunks=["ok"]))
    events, t = await collect(endpoint_for(azure_server.base_url, base_delay_s=0.2))
    (retry,) = [e for e in events if isinstance(e, Retrying)]
    assert retry.status == 503 and 0.0 <= retry.delay_s <= 0.2
    assert t.state == "complete"


async def test_429_after_every_attempt_fails_rate_limited(azure_server) -> None:
    for _ in range(3):
        azure_server.enqueue(ErrorResponse(429, azure_429_body(), headers=rate_limit_headers(retry_after_ms=10)))
    events, t = await collect(endpoint_for(azure_server.base_url, attempts=3))
    assert t.failure is not None and t.failure.kind == "rate_limited" and "quota" in t.failure.hint
    assert len(azure_server.requests) == 3


@pytest.mark.parametrize(
    ("status", "body", "kind", "hint_words"),
    [
        (401, AZURE_401_BODY, "auth", "API key"),
        (403, AZURE_403_BODY, "auth", "Cognitive Services User"),
        (404, AZURE_404_BODY, "not_found", "not the model name"),
        (400, context_length_body(), "bad_request", "new conversation"),
        (400, content_filter_body("violence"), "bad_request", "Rephrase"),
    ],
)
async def test_errors_are_not_retried_and_say_what_to_do(azure_server, status, body, kind, hint_words) -> None:
    azure_server.enqueue(ErrorResponse(status, body))
    events, t = await collect(endpoint_for(azure_server.base_url, auth="key", api_key="sk-secret-key-123456"))
    assert len(azure_server.requests) == 1
    assert t.failure is not None and t.failure.kind == kind and t.failure.status == status
    assert hint_words in t.failure.hint
    assert "sk-secret-key-123456" not in repr(events)


async def test_content_filter_category_named(azure_server) -> None:
    azure_server.enqueue(ErrorResponse(400, content_filter_body("hate", "high")))
    _, t = await collect(endpoint_for(azure_server.base_url))
    assert t.failure is not None and "hate (high)" in t.failure.message


async def test_rejected_stream_options_dropped_and_usage_estimated(azure_server) -> None:
    azure_server.enqueue(ErrorResponse(400, STREAM_OPTIONS_400_BODY))
    azure_server.enqueue(Stream(content_chunks=["<think>abcd</think>efgh"]))
    events, t = await collect(endpoint_for(azure_server.base_url))
    assert any(isinstance(e, Notice) and "stream_options" in e.message for e in events)
    assert "stream_options" not in azure_server.requests[1].json
    assert t.usage is not None and t.usage.estimated
    assert t.state == "complete"


async def test_cut_mid_stream_keeps_partial_and_is_interrupted(azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "part one", " part two", "</think>", "ans"], cut_after=3))
    events, t = await collect(endpoint_for(azure_server.base_url))
    assert t.choice(0).reasoning.startswith("part one")
    assert t.failure is not None and t.failure.kind == "interrupted"
    assert t.state == "interrupted" and len(azure_server.requests) == 1


async def test_error_event_mid_stream(azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "partial", "</think>", "x"], error_event_after=2))
    _, t = await collect(endpoint_for(azure_server.base_url))
    assert t.failure is not None and t.failure.kind == "interrupted"
    assert "partial" in t.choice(0).reasoning


async def test_stream_without_finish_reason_is_cut_off(azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", "half an ans"], no_finish_reason=True))
    _, t = await collect(endpoint_for(azure_server.base_url))
    assert t.failure is not None and t.failure.kind == "interrupted"
    assert t.choice(0).answer == "half an ans"


async def test_content_filter_finish(azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", "some"], finish_reason="content_filter", azure_quirks=True))
    events, t = await collect(endpoint_for(azure_server.base_url))
    assert Finished("content_filter", 0) in events and t.state == "filtered"


async def test_n_choices_have_their_own_streams(azure_server) -> None:
    azure_server.enqueue(Stream(n=2, choice_content=[["<think>a</think>", "one"], ["<think>b</think>", "two"]]))
    _, t = await collect(endpoint_for(azure_server.base_url), ask_request(n=2))
    assert azure_server.requests[0].json["n"] == 2
    assert [(c.reasoning, c.answer) for _, c in sorted(t.choices.items())] == [("a", "one"), ("b", "two")]


async def test_connection_refused_on_loopback_fails_without_retrying() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    events, t = await collect(endpoint_for(f"http://127.0.0.1:{port}/v1/", attempts=3))
    assert [e for e in events if isinstance(e, Retrying)] == []  # nothing listens there: retrying cannot help
    assert t.failure is not None and t.failure.kind == "connection"
    assert "Not retried: connection refused" in t.failure.hint


async def test_key_is_sent_and_entra_token_provider_used(azure_server) -> None:
    azure_server.require_auth(bearer="sk-the-key-000000")
    azure_server.enqueue(Stream(content_chunks=["ok"]))
    _, t = await collect(endpoint_for(azure_server.base_url, auth="key", api_key="sk-the-key-000000"))
    assert t.state == "complete"


async def test_cancel_during_retry_wait(azure_server) -> None:
    azure_server.enqueue(ErrorResponse(429, azure_429_body(), headers=rate_limit_headers(retry_after_ms=30000)))
    client = ChatClient(endpoint_for(azure_server.base_url))
    seen: list[object] = []
    retrying = asyncio.Event()

    async def consume() -> None:
        async for event in client.stream(ask_request()):
            seen.append(event)
            if isinstance(event, Retrying):
                retrying.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(retrying.wait(), timeout=30)  # the client is now in its 30 s wait
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await client.aclose()
    assert any(isinstance(e, Retrying) and e.delay_s == 30.0 for e in seen)
    assert len(azure_server.requests) == 1  # cancelled while waiting: no second attempt


class StaticCredential:
    """A stand-in Entra credential (azure-identity's protocol), failing the first ``fail`` times."""

    def __init__(self, token: str, fail: int = 0) -> None:
        self.token, self.fail, self.calls = token, fail, 0

    def get_token(self, *scopes: str, **kwargs: object):
        from azure.core.credentials import AccessToken

        self.calls += 1
        if self.calls <= self.fail:
            from azure.core.exceptions import ClientAuthenticationError

            raise ClientAuthenticationError("AzureCliCredential: Please run 'az login' to set up an account")
        return AccessToken(self.token, int(time.time()) + 3600)

    def close(self) -> None:
        pass


async def _entra_collect(server, credential: StaticCredential):
    from tui.llm.auth import EntraTokenSource
    from tui.chat.transcript import Transcript

    endpoint = endpoint_for(server.base_url, auth="entra")
    client = ChatClient(endpoint, token_source=EntraTokenSource(endpoint.token_scope, credential))
    transcript = Transcript()
    try:
        async for event in client.stream(ask_request()):
            transcript.apply(event)
    finally:
        await client.aclose()
    return transcript


async def test_entra_bearer_token_sent(azure_server) -> None:
    azure_server.require_auth(bearer="entra-token-abc")
    azure_server.enqueue(Stream(content_chunks=["ok"]))
    t = await _entra_collect(azure_server, StaticCredential("entra-token-abc"))
    assert t.state == "complete"


async def test_entra_401_hint_says_az_login(azure_server) -> None:
    azure_server.enqueue(ErrorResponse(401, AZURE_401_BODY))
    t = await _entra_collect(azure_server, StaticCredential("tok"))
    assert t.failure is not None and t.failure.kind == "auth" and "az login" in t.failure.hint


async def test_no_entra_credential_fails_auth_without_request(azure_server) -> None:
    t = await _entra_collect(azure_server, StaticCredential("tok", fail=99))
    assert t.failure is not None and t.failure.kind == "auth" and "az login" in t.failure.hint
    assert azure_server.requests == []


async def test_token_provider_failing_once_is_retried(azure_server) -> None:
    azure_server.require_auth(bearer="tok-after-retry")
    azure_server.enqueue(Stream(content_chunks=["ok"]))
    credential = StaticCredential("tok-after-retry", fail=1)
    t = await _entra_collect(azure_server, credential)
    assert t.state == "complete" and t.retries == 1 and credential.calls == 2


async def test_redirects_are_not_followed_with_credentials(azure_server) -> None:
    from tests.loopback import LoopbackServer

    with LoopbackServer().start() as other:
        target = other.base_url.replace("127.0.0.1", "localhost") + "chat/completions"
        azure_server.enqueue(ErrorResponse(307, {"error": {"message": "moved"}}, headers={"location": target}))
        _, t = await collect(endpoint_for(azure_server.base_url, auth="key", api_key="sk-secret-000000"))
        assert other.requests == []
    assert t.failure is not None and t.failure.status == 307 and "final URL" in t.failure.hint


@pytest.mark.parametrize("status", [400, 401, 403, 404, 429, 500])
async def test_key_echoed_by_the_server_is_redacted(azure_server, status: int) -> None:
    key = "sk-live-ECHOED-1234567890abcdef"
    body = {"error": {"code": str(status), "message": f"Incorrect API key provided: {key}. Authorization: Bearer {key}"}}
    for _ in range(2):
        azure_server.enqueue(ErrorResponse(status, body, headers=rate_limit_headers(retry_after_ms=1)))
    events, t = await collect(endpoint_for(azure_server.base_url, auth="key", api_key=key, attempts=2))
    assert t.failure is not None
    assert key not in repr(events) and "ECHOED" not in repr(events)


async def test_key_redacted_in_mid_stream_error(azure_server) -> None:
    key = "sk-live-ECHOED-1234567890abcdef"
    azure_server.enqueue(Stream(content_chunks=["<think>", "a", "b"], error_event_after=2,
                                error_message=f"upstream rejected key {key}"))
    events, t = await collect(endpoint_for(azure_server.base_url, auth="key", api_key=key))
    assert t.failure is not None and t.failure.kind == "interrupted"
    assert key not in repr(events)


class RotatingCredential(StaticCredential):
    """Issues tok1, tok2, ... each expiring within the refresh window, as a long session would see."""

    def get_token(self, *scopes: str, **kwargs: object):
        from azure.core.credentials import AccessToken

        self.calls += 1
        return AccessToken(f"tok{self.calls}", int(time.time()) + 60)


async def test_expiring_entra_token_is_refreshed_between_requests(azure_server) -> None:
    from tui.llm.auth import EntraTokenSource

    endpoint = endpoint_for(azure_server.base_url, auth="entra")
    client = ChatClient(endpoint, token_source=EntraTokenSource(endpoint.token_scope, RotatingCredential("")))
    try:
        for _ in range(2):
            azure_server.enqueue(Stream(content_chunks=["ok"]))
            async for _event in client.stream(ask_request()):
                pass
    finally:
        await client.aclose()
    assert [r.headers["authorization"] for r in azure_server.requests] == ["Bearer tok1", "Bearer tok2"]
