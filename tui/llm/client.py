"""The endpoint client: one streamed chat completion as a sequence of events, with retries.

The SDK's own retries are off (``max_retries=0``): this loop retries instead, so every
wait is a :class:`Retrying` event the user can watch and cancel.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from types import ModuleType
from typing import TYPE_CHECKING, Any

from tui.llm.auth import CredentialError, EntraTokenSource, api_key_for, key_problem
from tui.llm.chunk_check import ProtocolError, clean, label
from tui.llm.decode import StreamDecoder
from tui.llm.endpoint import EndpointError, EndpointSettings, check_transport_security
from tui.llm.errors import (
    auth_hint,
    error_message,
    failure_for_connection,
    KEPT_HINT,
    failure_for_status,
    redact,
    unfixable_by_retry,
    unsupported_parameter,
)
from tui.llm.events import Event, Failed, Notice, Retrying, Started
from tui.llm.extras import refused_extra_hint
from tui.llm.paced_reads import READ_GAP_S, PacedBackend, pace_transport
from tui.llm.request import ChatRequest, build_params
from tui.llm.retry import is_retryable_status, retry_delay
from tui.llm.route import route_for
from tui.llm.sse import StreamErrorEvent, sse_json
from tui.llm.tag_memory import TagMemory

if TYPE_CHECKING:
    import openai

OPTIONAL_PARAMS = frozenset({"stream_options", "max_tokens", "stop", "n"})
# What the SDK and its HTTP library import only when the first request is built and sent.
LAZY_SDK_MODULES = ("openai.resources.chat.chat", "openai.resources.chat.completions.completions", "httpcore2",
                    "anyio._backends._asyncio")


def sdk_modules() -> tuple[ModuleType, ModuleType]:
    """The openai SDK and its HTTP library, imported on first use.

    Importing openai takes about 0.4 s; the app imports it after its first paint
    (see :meth:`ChatClient.warm_up`) instead of before.
    """
    import httpx2
    import openai

    return openai, httpx2


class ChatClient:
    """Talks to one endpoint. Create it once, call :meth:`stream` per request, then :meth:`aclose`."""

    def __init__(self, endpoint: EndpointSettings, token_source: EntraTokenSource | None = None,
                 tag_memory: TagMemory | None = None, *,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
                 read_gap_s: float = READ_GAP_S) -> None:
        self.endpoint = endpoint
        self._read_gap_s = read_gap_s  # reads of a connection at most this often (tui.llm.paced_reads); 0: unpaced
        self.paced: PacedBackend | None = None  # read-only: the pacing in use (None: reads unpaced)
        self._sleep = sleep  # the wait between attempts (a test passes one that records instead of waiting)
        self.tag_memory = tag_memory  # per deployment: has it ever sent </think>? (None: not remembered)
        self._tokens = token_source
        if self._tokens is None and endpoint.auth == "entra":
            self._tokens = EntraTokenSource(endpoint.token_scope)
        self._client: openai.AsyncOpenAI | None = None
        self._building = threading.Lock()  # the warm-up thread may build the SDK client while a send asks for it
        self._closed = False  # aclose ran: a late warm-up builds nothing
        self._dropped: set[str] = set()  # parameters this endpoint rejected, not sent again
        self.last_reasoning_source: str | None = None  # read-only: how the last finished stream carried reasoning

    @staticmethod
    def warm_up() -> None:
        """Import the SDK now (call from a worker thread so the first request starts at once),
        with the modules it loads lazily on the first request: the chat resources (~35 ms),
        the HTTP library's connection layer (~30 ms) and anyio's asyncio backend (~15 ms)."""
        sdk_modules()
        for name in LAZY_SDK_MODULES:
            importlib.import_module(name)

    def prepare(self) -> None:
        """Build the HTTP client now, from a worker thread (the HTTP transport and its TLS context
        cost ~50 ms that the first send would pay in the UI thread). A problem with the endpoint is
        not raised here: the first send reports it, as it would have without this call."""
        with self._building:
            if self._client is not None or self._closed:  # closed: the app quit before the warm-up ran
                return
            try:
                client = self._build()
            except Exception:  # pragma: no mutate (the send that follows builds again and reports it)
                return
            _ = client.chat.completions.with_streaming_response  # built on first use, like the modules
            self._client = client

    def _sdk(self) -> openai.AsyncOpenAI:
        with self._building:
            if self._client is None:
                self._client = self._build()
            return self._client

    def _build(self) -> openai.AsyncOpenAI:
        openai, httpx2 = sdk_modules()
        check_transport_security(self.endpoint.base_url, self.endpoint.auth)
        problem = key_problem(self.endpoint.api_key or "") if self.endpoint.auth == "key" else None
        if problem:
            raise EndpointError(f"The API key {problem}; set it again without it.")
        route = route_for(self.endpoint.base_url, auth=self.endpoint.auth)  # loopback: no proxy
        timeout = httpx2.Timeout(self.endpoint.timeout_s, connect=min(15.0, self.endpoint.timeout_s))
        transport = httpx2.AsyncHTTPTransport(proxy=route.proxy)
        self.paced = pace_transport(transport, self._read_gap_s)
        return openai.AsyncOpenAI(
            base_url=self.endpoint.base_url,
            api_key=api_key_for(self.endpoint, self._tokens),
            max_retries=0,
            timeout=timeout,
            # No redirects: credentials must not follow a redirect to another host. The route's
            # transport is explicit, so the environment's proxies are not applied a second time.
            http_client=httpx2.AsyncClient(timeout=timeout, follow_redirects=False,
                                           transport=transport),
        )

    async def _chunks(self, params: dict[str, Any], decoder: StreamDecoder) -> AsyncGenerator[dict[str, Any], None]:
        """The JSON chunks of one streamed completion (raw SSE: no SDK model per chunk)."""
        async with self._sdk().chat.completions.with_streaming_response.create(**params) as response:
            decoder.content_encoding = response.headers.get("content-encoding")
            async for chunk in sse_json(response.iter_bytes(), decoder.skipped):
                yield chunk

    def _decoder(self, params: dict[str, Any], request: ChatRequest) -> StreamDecoder:
        prompt_chars = sum(len(m["content"]) for m in params["messages"] if isinstance(m.get("content"), str))
        n = params.get("n", 1)
        plain = self.tag_memory is not None and self.tag_memory.is_plain(self.endpoint)
        return StreamDecoder(prompt_chars, untagged_is_answer=request.thinking is False,
                             n=n if isinstance(n, int) else 1, answer_first=plain,
                             cut_keeps_reasoning=request.may_reason_untagged)

    def _remember(self, decoder: StreamDecoder) -> None:
        verdict = decoder.tag_verdict()
        if self.tag_memory is not None and verdict is not None:
            self.tag_memory.record(self.endpoint, verdict)

    async def list_model_ids(self, timeout_s: float) -> list[str]:
        """The ids ``GET /models`` answers (raises the openai client's errors; see :mod:`tui.llm.models`)."""
        page = await self._sdk().models.list(timeout=timeout_s)
        return [m.id for m in page.data if isinstance(m.id, str)]

    async def aclose(self) -> None:
        """Close the HTTP client and the credential."""
        with self._building:
            client, self._client, self._closed = self._client, None, True
        if client is not None:
            await client.close()
        if self._tokens is not None:
            self._tokens.close()

    async def stream(self, request: ChatRequest) -> AsyncGenerator[Event, None]:
        """Send ``request`` and yield its events. Cancel the consuming task to stop."""
        openai, httpx2 = sdk_modules()
        policy = self.endpoint.retry
        attempt = 1
        credential_failures = 0
        secrets = (self.endpoint.api_key or "",)
        while True:
            params = build_params(request, self.endpoint.deployment, frozenset(self._dropped))
            decoder = self._decoder(params, request)
            status: int | None = None
            retry_headers: Any = None
            started = named = False
            try:
                async with aclosing(self._chunks(params, decoder)) as chunks:
                    async for chunk in chunks:
                        if not named:
                            # Azure opens with a prompt-filter chunk whose model is "": the model is
                            # the first non-empty one, announced by a second Started when it comes.
                            model = label(chunk.get("model"))
                            named = model is not None
                            if named or not started:
                                yield Started(model)
                            started = True
                        for event in decoder.on_chunk(chunk):
                            yield event
                end_events = decoder.on_end()
                self.last_reasoning_source = decoder.reasoning_source  # "tags", "reasoning_content", "reasoning"
                self._remember(decoder)
                for event in end_events:
                    yield event
                return
            except openai.APIStatusError as exc:
                status, retry_headers = exc.status_code, exc.response.headers
                if status == 400:
                    name = unsupported_parameter(exc, set(params) & OPTIONAL_PARAMS - self._dropped)
                    if name is not None:
                        self._dropped.add(name)
                        yield Notice(_dropped_notice(name))
                        continue
                if not is_retryable_status(status) or attempt >= policy.max_attempts:
                    yield _with_extra_hint(failure_for_status(exc, self.endpoint, attempt), exc, params)
                    return
                reason = f"{status} {_status_words(status)}"
            except (openai.APIConnectionError, httpx2.TransportError) as exc:
                if decoder.output_started:
                    failure = Failed("interrupted", redact(f"The connection broke mid-answer, so the answer is cut off: {_cause(exc)}", secrets),
                                     KEPT_HINT)
                    for event in decoder.on_break(failure):
                        yield event
                    return
                if attempt >= policy.max_attempts or unfixable_by_retry(exc, self.endpoint):
                    yield failure_for_connection(exc, self.endpoint, attempt)
                    return
                reason = "timed out" if isinstance(exc, (openai.APITimeoutError, httpx2.TimeoutException)) else "connection failed"
            except (StreamErrorEvent, ProtocolError, openai.APIError) as exc:  # an error event inside the stream
                message = redact(str(exc) if isinstance(exc, (StreamErrorEvent, ProtocolError)) else error_message(exc), secrets)
                if isinstance(exc, StreamErrorEvent):
                    for event in _error_chunk_events(decoder, exc):  # its usage and finish_reason count
                        yield event
                if isinstance(exc, StreamErrorEvent) and decoder.all_finished:
                    yield Notice(f"The server reported an error after the answer had finished: {message}")
                    self.last_reasoning_source = decoder.reasoning_source
                    for event in decoder.on_end():
                        yield event
                    return
                if decoder.output_started:
                    failure = Failed("interrupted", f"The server reported an error mid-answer, so the answer is cut off: {message}",
                                     KEPT_HINT)
                    for event in decoder.on_break(failure):
                        yield event
                    return
                if isinstance(exc, ProtocolError):
                    yield Failed("server", message, PROTOCOL_HINT)
                    return
                if attempt >= policy.max_attempts:
                    yield Failed("server", message, f"The service failed after {attempt} attempts; try again later.")
                    return
                reason = "server error"
            except httpx2.DecodingError as exc:  # e.g. Content-Encoding: gzip on a body that is not gzip
                encoding = clean(decoder.content_encoding or "?")[:40]
                message = redact(f"The server's answer could not be decoded: it declared Content-Encoding {encoding} "
                                 f"but the body is not ({clean(str(exc))[:200]}).", secrets)
                for event in _give_up(decoder, message):
                    yield event
                return
            except CredentialError as exc:
                # One more try: token endpoints (IMDS, the az CLI) fail transiently too;
                # a missing `az login` should not cost the user a whole backoff series.
                if credential_failures >= 1 or attempt >= policy.max_attempts:
                    yield Failed("auth", redact(str(exc), secrets), auth_hint(self.endpoint, None))
                    return
                credential_failures += 1
                reason = "no token yet"
            except EndpointError as exc:  # the endpoint or its route cannot be used (checked before connecting)
                yield Failed("config", redact(str(exc), secrets), "Fix the endpoint or the proxy settings it names.")
                return
            except Exception as exc:  # the last line of defence: a stream always ends in a final state
                message = redact(f"r1-tui could not read the server's answer ({type(exc).__name__}: "
                                 f"{clean(str(exc))[:300]}).", secrets)
                for event in _give_up(decoder, message):
                    yield event
                return
            attempt += 1
            delay = retry_delay(attempt - 1, policy, retry_headers)
            yield Retrying(attempt, policy.max_attempts, delay, status, reason)
            await self._sleep(delay)


PROTOCOL_HINT = ("The endpoint is not behaving like an OpenAI-compatible chat-completions endpoint; "
                 "`r1-tui doctor` checks it step by step.")


def _error_chunk_events(decoder: StreamDecoder, exc: StreamErrorEvent) -> list[Event]:
    """What the chunk that carried an error adds (usage, a finish_reason), if it is readable."""
    try:
        return decoder.on_chunk(exc.chunk)
    except ProtocolError:
        return []


def _give_up(decoder: StreamDecoder, message: str) -> list[Event]:
    """A failure the retry loop cannot help: after output, what arrived is kept."""
    if decoder.output_started:
        return decoder.on_break(Failed("interrupted", f"{message} The answer is cut off.", KEPT_HINT))
    return [Failed("server", message, PROTOCOL_HINT)]


def _with_extra_hint(failure: Failed, exc: openai.APIStatusError, params: dict[str, Any]) -> Failed:
    """A 400 that names a field of extra_body: say where that field came from."""
    extras = set(params.get("extra_body") or ())
    name = unsupported_parameter(exc, extras) if failure.status == 400 and extras else None
    return dataclasses.replace(failure, hint=refused_extra_hint(name)) if name else failure


def _dropped_notice(name: str) -> str:
    if name == "stream_options":
        return "The endpoint does not accept stream_options: usage will be estimated (marked ~)."
    return f"The endpoint does not accept {name}: sent again without it."


def _status_words(status: int) -> str:
    return {408: "request timeout", 409: "conflict", 429: "rate limited"}.get(status, "server error")


def _cause(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    return f"{type(cause).__name__}: {cause}" if cause else str(exc)
