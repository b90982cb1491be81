"""Checks 7 to 9: one tiny real request; did it stream, report usage, carry reasoning?"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from tui.checks.model import Check, failed, not_applicable, passed
from tui.llm.auth import EntraTokenSource
from tui.llm.client import ChatClient
from tui.llm.endpoint import EndpointSettings
from tui.llm.events import Event, ReasoningDelta, Reclassified
from tui.llm.models import ModelList, list_models
from tui.llm.request import ChatRequest, RequestDefaults, Turn
from tui.llm.retry import RetryPolicy
from tui.chat.transcript import Transcript

PROMPT = "Reply with OK."
MAX_TOKENS = 64  # reasoning models may spend all of it on reasoning: finish_reason "length" passes
PROBE_TIMEOUT_S = 60.0
USAGE_FIX = "The endpoint did not report usage; counts will be estimated (marked ~)."
REASONING_FIX = (
    "Use the deployment name of a reasoning model such as DeepSeek-R1; other models answer without a reasoning "
    "trace, so the reasoning pane stays empty."
)
_SOURCES = {"reasoning_content": "reasoning_content field", "reasoning": "reasoning field", "tags": "<think> tags"}


@dataclass
class ProbeResult:
    """What the probe request produced."""

    transcript: Transcript
    events: list[Event] = field(default_factory=list)
    reasoning_source: str | None = None  # from the client's decoder


def probe_endpoint(ep: EndpointSettings) -> EndpointSettings:
    """The endpoint with short retries and timeout: doctor should answer within a minute."""
    p = ep.retry
    retry = RetryPolicy(min(p.max_attempts, 3), min(p.base_delay_s, 2.0), min(p.max_delay_s, 10.0))
    return dataclasses.replace(ep, retry=retry, timeout_s=min(ep.timeout_s, PROBE_TIMEOUT_S))


async def run_probe(ep: EndpointSettings, tokens: EntraTokenSource | None = None,
                    defaults: RequestDefaults | None = None) -> ProbeResult:
    """Send one small request through :class:`ChatClient` and collect everything.

    It carries the profile's extra_body and thinking switch, so a field the host refuses fails here.
    """
    defaults = defaults or RequestDefaults()
    request = ChatRequest((Turn("user", PROMPT),), max_tokens=MAX_TOKENS, extra_body=defaults.body_extras(),
                          thinking=defaults.sends_thinking(), hybrid=defaults.has_thinking_switch)
    client = ChatClient(probe_endpoint(ep), tokens)
    result = ProbeResult(Transcript())
    try:
        async for event in client.stream(request):
            result.events.append(event)
            result.transcript.apply(event)
        result.reasoning_source = client.last_reasoning_source
    finally:
        await client.aclose()
    return result


def check_deployment(ep: EndpointSettings, result: ProbeResult) -> Check:
    """The deployment exists and streamed to a finish_reason."""
    t = result.transcript
    retries = f" after {t.retries} {'retry' if t.retries == 1 else 'retries'}" if t.retries else ""
    notices = "".join(f"; {n}" for n in t.notices)
    if t.failure is not None:
        fix = t.failure.hint
        if t.failure.kind == "interrupted":
            fix = "The stream broke: a proxy may buffer or cut server-sent events; try again, or check the network."
        return failed("deployment", f"{t.failure.message}{retries}{notices}", fix)
    reason = t.finish_reason
    if reason == "content_filter":
        return failed("deployment", f"the probe answer was filtered (finish_reason content_filter){notices}",
                      "Check the content filter configured for this deployment in the Foundry portal.")
    if reason not in ("stop", "length"):
        return failed("deployment", f"the stream ended with finish_reason {reason!r}{notices}",
                      "The endpoint is not behaving like an OpenAI chat-completions endpoint.")
    first = f"first token after {t.first_token_s:.2f} s" if t.first_token_s is not None else "no text"
    note = " (max_tokens reached: fine for this probe)" if reason == "length" else ""
    model = f"; model {t.model}" if t.model else ""
    return passed("deployment", f"{ep.deployment!r} streamed{retries}: {first}; finish_reason {reason}{note}{model}{notices}")


def check_usage(result: ProbeResult) -> Check:
    """The server reported token usage in the stream (a warning when it did not)."""
    u = result.transcript.usage
    if u is None or u.estimated:
        return failed("usage", "warning: the endpoint reported no usage in the stream", USAGE_FIX, warning=True)
    reasoning = ""
    if u.reasoning_tokens is not None:
        reasoning = f" (reasoning {'~' if u.reasoning_estimated else ''}{u.reasoning_tokens})"
    return passed("usage", f"prompt {u.prompt_tokens}, completion {u.completion_tokens}{reasoning}, total {u.total_tokens} tokens")


async def list_endpoint_models(ep: EndpointSettings, tokens: EntraTokenSource | None = None) -> ModelList:
    """What ``GET /models`` lists at this endpoint (or why nothing)."""
    client = ChatClient(probe_endpoint(ep), tokens)
    try:
        return await list_models(client)
    finally:
        await client.aclose()


def check_reasoning(result: ProbeResult, defaults: RequestDefaults | None = None) -> Check:
    """Reasoning arrived, and how: a delta field, ``<think>`` tags, or tags missing the opening one.

    A hybrid model's profile (one with a thinking switch) that did not switch thinking on
    expects no reasoning: then its absence is "not applicable", not a failure.
    """
    reasoning = result.transcript.choice(0).reasoning
    if not reasoning.strip() or result.reasoning_source is None:
        if defaults is not None and defaults.has_thinking_switch and defaults.thinking is not True:
            state = "off" if defaults.thinking is False else "not switched on"
            return not_applicable("reasoning", f"none, as expected: thinking is {state} for this profile "
                                               "(thinking = \"on\" or ask --think to see it)")
        return failed("reasoning", "no reasoning seen: is this a reasoning deployment (DeepSeek-R1)?", REASONING_FIX)
    how = _SOURCES.get(result.reasoning_source, result.reasoning_source)
    if result.reasoning_source == "tags" and _without_opening_tag(result.events):
        how = "<think> tags without an opening tag"
        if result.transcript.finish_reason == "length" and not result.transcript.choice(0).answer:
            how = ("text without <think> tags, cut at max_tokens before any </think>: taken as reasoning "
                   "(a template that drops <think>?)")
    return passed("reasoning", f"{how} ({len(reasoning)} characters)")


def _without_opening_tag(events: list[Event]) -> bool:
    provisional = any(isinstance(e, ReasoningDelta) and e.provisional and e.choice == 0 for e in events)
    undone = any(isinstance(e, Reclassified) and e.choice == 0 for e in events)
    return provisional and not undone
