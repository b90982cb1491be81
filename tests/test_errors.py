"""Failures become messages that say what happened and what to do (real openai exception objects, no server)."""

from __future__ import annotations

import socket
import ssl
from typing import Any

import httpx2
import openai
import pytest

from tui.llm.endpoint import V1_EXAMPLE, EndpointSettings
from tui.llm.errors import (
    auth_hint,
    content_filter_categories,
    error_body,
    error_message,
    failure_for_connection,
    failure_for_status,
    is_content_filter,
    is_context_length,
    not_found_hint,
    rate_limit_hint,
    redact,
    unfixable_by_retry,
    unsupported_parameter,
)
from tui.llm.events import Failed

AZURE = EndpointSettings("https://res.openai.azure.com/openai/v1/", "my-r1", "entra")
KEYED = EndpointSettings("https://res.openai.azure.com/openai/v1/", "my-r1", "key", api_key="sk-secret-key-123456")
LOCAL = EndpointSettings("http://localhost:8000/v1/", "llama", "none")
REQUEST = httpx2.Request("POST", "https://res.openai.azure.com/openai/v1/chat/completions")


def status_error(status: int, body: Any = None, headers: dict[str, str] | None = None,
                 message: str = "Error code") -> openai.APIStatusError:
    response = httpx2.Response(status, headers=headers or {}, request=REQUEST)
    return openai.APIStatusError(message, response=response, body=body)


def error(**fields: Any) -> openai.APIStatusError:
    return status_error(400, {"error": fields})


# --- redaction -----------------------------------------------------------------------------

def test_redact_removes_the_key_bearer_tokens_and_key_pairs() -> None:
    assert redact("key sk-abcdef was wrong", ("sk-abcdef",)) == "key *** was wrong"
    assert redact("short 12345 stays", ("12345",)) == "short 12345 stays"  # under six characters: too common to hunt
    assert redact("six 123456 goes", ("123456",)) == "six *** goes"
    assert redact("nothing", ("",)) == "nothing"
    assert redact("Authorization: Bearer eyJhbGciOi.x-y_z") == "Authorization: Bearer ***"
    assert redact("bearer 1234567") == "bearer 1234567"  # too short to be a token
    assert redact("api-key=abcdefghijkl0 and token: 'abcdefghijklm'") == "api-key=*** and token: '***'"
    assert redact("sig=abcdefghijk") == "sig=abcdefghijk"  # 11 characters: not a secret's length
    assert redact("API_KEY = \"ABCDEFGHIJKLMNOP\"") == "API_KEY = \"***\""


# --- reading error bodies --------------------------------------------------------------------

@pytest.mark.parametrize(("body", "expected"), [
    ({"error": {"message": "inner", "code": "x"}}, {"message": "inner", "code": "x"}),
    ({"message": "flat"}, {"message": "flat"}),
    ({"error": "just text"}, {"message": "just text"}),
    ("a plain body", {"message": "a plain body"}),
    (None, {}),
    ([1, 2], {}),
])
def test_error_body(body: Any, expected: dict[str, Any]) -> None:
    assert error_body(status_error(500, body)) == expected


def test_error_message_is_one_paragraph_from_the_body_else_the_exception() -> None:
    assert error_message(error(message="too\n  many   spaces")) == "too many spaces"
    assert error_message(status_error(500, None, message="Error code: 500")) == "Error code: 500"
    assert error_message(status_error(500, {"error": {"message": ""}}, message="fallback")) == "fallback"
    assert error_message(status_error(500, {"error": {"message": 42}})) == "42"
    assert error_message(status_error(500, None, message="")) == "APIStatusError"


# --- hints -------------------------------------------------------------------------------------

def test_auth_hints_per_mode_and_status() -> None:
    role = ("Your identity needs the Cognitive Services User role on the Foundry resource (az role assignment create "
            "--assignee YOU --role \"Cognitive Services User\" --scope RESOURCE_ID); new role assignments can take a "
            "few minutes")
    form = f"the endpoint must look like {V1_EXAMPLE}"
    entra = "Run `az login` (DefaultAzureCredential falls back to the Azure CLI sign-in)"
    assert auth_hint(AZURE, 401) == f"{entra}; {role}; {form}."
    assert auth_hint(AZURE, None) == f"{entra}; {role}; {form}."
    assert auth_hint(AZURE, 403) == f"{role}; run `az login` (DefaultAzureCredential falls back to the Azure CLI sign-in); {form}."
    key = "Check that the API key (AZURE_OPENAI_API_KEY or the profile's api_key_env) belongs to this resource"
    assert auth_hint(KEYED, 401) == f"{key}; {role}; {form}."
    none = ("The endpoint wants credentials: use --auth entra (after `az login`) or --auth key with "
            "AZURE_OPENAI_API_KEY")
    assert auth_hint(LOCAL, 401) == f"{none}; {role}; {form}."
    assert auth_hint(LOCAL, 403).startswith(f"{role}; the endpoint wants credentials")


def test_not_found_and_rate_limit_hints() -> None:
    assert not_found_hint(AZURE) == (
        "No deployment named 'my-r1' at res.openai.azure.com. The deployment name is not the model name: use the "
        "name shown under Deployments in the Foundry portal. A new deployment may need a few minutes until its "
        f"status is Succeeded. Check the endpoint form {V1_EXAMPLE}")
    assert rate_limit_hint(6) == (
        "Still rate limited after 6 attempts. Reasoning tokens count toward the tokens-per-minute quota: wait a "
        "minute, lower max_tokens, or request a quota increase (Foundry portal, Quotas).")


# --- classifying 400s --------------------------------------------------------------------------

def test_content_filter_categories_from_azure_bodies() -> None:
    inner = error(code="content_filter", innererror={"content_filter_result": {
        "hate": {"filtered": False, "severity": "safe"},
        "violence": {"filtered": True, "severity": "medium"},
        "jailbreak": {"detected": True, "filtered": False},
        "self_harm": {"filtered": True, "severity": "safe"},
        "sexual": "not an object"}})
    assert content_filter_categories(inner) == ["violence (medium)", "jailbreak", "self_harm"]
    outer = error(content_filter_result={"hate": {"filtered": True, "severity": "high"}})
    assert content_filter_categories(outer) == ["hate (high)"]
    assert content_filter_categories(error(content_filter_result=["x"])) == []
    assert content_filter_categories(error(message="m")) == []


@pytest.mark.parametrize(("fields", "expected"), [
    ({"code": "context_length_exceeded", "message": "x"}, True),
    ({"message": "This model's maximum context length is 128000 tokens"}, True),
    ({"message": "Too many tokens in the prompt"}, True),
    ({"code": "CONTEXT_LENGTH_EXCEEDED"}, True),
    ({"code": None, "message": "maximum context length exceeded"}, True),
    ({"code": "too many tokens", "message": None}, True),
    ({"message": "max_tokens is too large"}, False),
    ({}, False),
])
def test_is_context_length(fields: dict[str, Any], expected: bool) -> None:
    assert is_context_length(error(**fields)) is expected


def test_is_content_filter() -> None:
    assert is_content_filter(error(code="Content_Filter"))
    assert is_content_filter(error(content_filter_result={"hate": {"filtered": True}}))
    assert not is_content_filter(error(code="content_filtered", message="x"))
    assert not is_content_filter(error())
    assert not is_content_filter(error(code=None, message="content_filter"))


@pytest.mark.parametrize(("fields", "sent", "expected"), [
    ({"param": "stream_options", "message": "whatever"}, {"stream_options", "stop"}, "stream_options"),
    ({"param": "n"}, {"stop"}, None),  # not something we sent
    ({"param": 3, "message": "Unrecognized request argument supplied: stop"}, {"stop"}, "stop"),
    ({"message": "Unsupported parameter: 'max_tokens'"}, {"max_tokens", "n"}, "max_tokens"),
    ({"code": "unknown_parameter", "message": "stream_options"}, {"stream_options"}, "stream_options"),
    ({"message": "stop is not supported with this model"}, {"stop"}, "stop"),
    ({"message": "Extra inputs are not permitted: thinking"}, {"thinking"}, "thinking"),
    ({"message": "'n' is invalid here"}, {"n"}, "n"),
    ({"message": "stop is not permitted"}, {"stop"}, "stop"),
    ({"message": "extra field: thinking"}, {"thinking"}, "thinking"),
    ({"message": "unsupported value for temperature"}, {"n"}, None),  # the n of "unsupported" is no parameter
    ({"message": "Unsupported parameter"}, {"n"}, None),  # nor with no code (never the word "None")
    ({"message": "invalid: stream_options.include_usage"}, {"stream"}, None),
    ({"message": "invalid value for 'stop'"}, {"stop", "stream"}, "stop"),
    ({"message": "the stop went fine"}, {"stop"}, None),  # no word of refusal
    ({"message": "unsupported value"}, {"stop"}, None),  # refusal, but of nothing we sent
    ({"message": "unsupported: stream_options"}, {"stream", "stream_options"}, "stream_options"),
    ({"message": "unsupported: stream"}, {"stream", "stream_options"}, "stream"),
    ({"code": "unsupported_parameter", "message": None}, {"stop"}, None),
    ({"code": "invalid stop"}, {"stop"}, "stop"),
])
def test_unsupported_parameter(fields: dict[str, Any], sent: set[str], expected: str | None) -> None:
    assert unsupported_parameter(error(**fields), sent) == expected


# --- failures for statuses ---------------------------------------------------------------------

def test_auth_failures() -> None:
    failure = failure_for_status(status_error(401, {"error": {"message": "Access denied due to invalid key sk-secret-key-123456"}}), KEYED, 1)
    assert failure == Failed("auth", "401: Access denied due to invalid key ***", auth_hint(KEYED, 401), 401)
    failure = failure_for_status(status_error(403, {"error": {"message": "no role"}}), AZURE, 1)
    assert failure == Failed("auth", "403: no role", auth_hint(AZURE, 403), 403)


def test_not_found_and_rate_limited_failures() -> None:
    assert failure_for_status(status_error(404, {"error": {"message": "gone"}}), AZURE, 1) == Failed(
        "not_found", "404: gone", not_found_hint(AZURE), 404)
    assert failure_for_status(status_error(429, {"error": {"message": "slow down"}}), AZURE, 6) == Failed(
        "rate_limited", "429: slow down", rate_limit_hint(6), 429)


def test_context_length_and_content_filter_failures() -> None:
    too_long = status_error(400, {"error": {"code": "context_length_exceeded", "message": "too long"}})
    assert failure_for_status(too_long, AZURE, 1) == Failed(
        "bad_request", "400: too long",
        "The conversation is too long for the model: start a new conversation or shorten the prompt.", 400)
    filtered = status_error(400, {"error": {"code": "content_filter", "message": "blocked"}})
    assert failure_for_status(filtered, AZURE, 1) == Failed(
        "bad_request", "The prompt was blocked by the content filter: unspecified category. 400: blocked",
        "Rephrase the prompt.", 400)
    named = status_error(400, {"error": {"message": "blocked", "content_filter_result": {
        "hate": {"filtered": True, "severity": "high"}, "violence": {"filtered": True, "severity": "low"}}}})
    assert failure_for_status(named, AZURE, 1).message == (
        "The prompt was blocked by the content filter: hate (high), violence (low). 400: blocked")


def test_other_client_errors() -> None:
    assert failure_for_status(status_error(400, {"error": {"message": "bad n"}}), AZURE, 1) == Failed(
        "bad_request", "400: bad n",
        "The endpoint refused the request; check max_tokens, stop and n for this deployment.", 400)
    assert failure_for_status(status_error(422, {"error": {"message": "bad"}}), AZURE, 1).kind == "bad_request"
    assert failure_for_status(status_error(499, {"error": {"message": "bad"}}), AZURE, 1).kind == "bad_request"


def test_redirects_name_the_target_without_the_key() -> None:
    moved = status_error(307, None, {"location": "https://elsewhere.example/sk-secret-key-123456/v1?key=sk-other-0123456789"})
    assert failure_for_status(moved, KEYED, 1) == Failed(
        "connection", "307: the endpoint redirected to https://elsewhere.example/***/v1?key=***",
        "Credentials are never sent along a redirect: set the endpoint to the final URL if you trust it.", 307)
    nowhere = status_error(300, None)
    assert failure_for_status(nowhere, AZURE, 1).message == "300: the endpoint redirected to another address"
    assert failure_for_status(status_error(399, None), AZURE, 1).kind == "connection"


def test_server_errors_count_the_attempts() -> None:
    for status in (500, 503, 599):
        assert failure_for_status(status_error(status, {"error": {"message": "down"}}), AZURE, 4) == Failed(
            "server", f"{status}: down", "The service failed after 4 attempts; try again in a little while.", status)


# --- connection failures -----------------------------------------------------------------------

def chained(outer: BaseException, *causes: BaseException, how: str = "cause") -> BaseException:
    current = outer
    for cause in causes:
        setattr(current, f"__{how}__", cause)
        current = cause
    return outer


def test_unfixable_causes_are_found_anywhere_in_the_chain() -> None:
    gai = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert unfixable_by_retry(chained(OSError("x"), gai), AZURE) == "name not found"
    assert unfixable_by_retry(chained(OSError("x"), OSError("y"), gai, how="context"), AZURE) == "name not found"
    assert unfixable_by_retry(OSError("wrapped", gai), AZURE) == "name not found"  # an exception in args
    assert unfixable_by_retry(socket.gaierror(socket.EAI_AGAIN, "try again"), AZURE) is None  # may pass
    refused = ConnectionRefusedError(111, "refused")
    assert unfixable_by_retry(chained(OSError("x"), refused), LOCAL) == "connection refused"
    assert unfixable_by_retry(chained(OSError("x"), refused), AZURE) is None  # a remote host may be restarting
    cert = ssl.SSLCertVerificationError(1, "certificate verify failed")
    assert unfixable_by_retry(chained(OSError("x"), cert), AZURE) == "certificate not trusted"
    assert unfixable_by_retry(TimeoutError("slow"), AZURE) is None


def test_a_cycle_or_a_long_chain_of_causes_ends() -> None:
    a, b = OSError("a"), OSError("b")
    a.__cause__, b.__cause__ = b, a
    assert unfixable_by_retry(a, AZURE) is None
    links = [OSError(str(i)) for i in range(40)]
    for first, second in zip(links, links[1:]):
        first.__cause__ = second
    links[-1].__cause__ = ConnectionRefusedError(111, "refused")
    assert unfixable_by_retry(links[0], LOCAL) is None  # beyond 32 causes: not looked at
    links[20].__cause__ = ConnectionRefusedError(111, "refused")
    assert unfixable_by_retry(links[0], LOCAL) == "connection refused"


def test_a_timeout_is_retryable_and_says_so() -> None:
    timeout = openai.APITimeoutError(request=REQUEST)
    timeout.__cause__ = TimeoutError("read timed out")
    assert failure_for_connection(timeout, KEYED, 3) == Failed(
        "connection", "res.openai.azure.com timed out (TimeoutError: read timed out)",
        "Gave up after 3 attempts. Check the endpoint URL (https://res.openai.azure.com/openai/v1/), your network, "
        "VPN or proxy and DNS; `r1-tui doctor` checks each step.", None)


def test_a_timeout_whose_cause_looks_unfixable_is_still_a_timeout() -> None:
    timeout = openai.APITimeoutError(request=REQUEST)
    timeout.__cause__ = ConnectionRefusedError(111, "refused")
    assert failure_for_connection(timeout, LOCAL, 2).hint.startswith("Gave up after 2 attempts.")


def test_unreachable_endpoints_say_why_retrying_cannot_help() -> None:
    failure = openai.APIConnectionError(request=REQUEST)
    failure.__cause__ = ConnectionRefusedError(111, "Connect call failed sk-secret-key-123456")
    keyed_local = EndpointSettings("http://localhost:8000/v1/", "llama", "key", api_key="sk-secret-key-123456")
    assert failure_for_connection(failure, keyed_local, 1) == Failed(
        "connection", "localhost cannot be reached (ConnectionRefusedError: [Errno 111] Connect call failed ***)",
        "Not retried: connection refused, which trying again cannot fix. Nothing is listening at "
        "http://localhost:8000/v1/: start the server (Ollama, vLLM, llama.cpp...) or fix the port.", None)
    dns = openai.APIConnectionError(request=REQUEST)
    dns.__context__ = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert failure_for_connection(dns, AZURE, 1).hint == (
        "Not retried: name not found, which trying again cannot fix. DNS has no address for res.openai.azure.com: "
        "check the spelling of the endpoint URL (https://res.openai.azure.com/openai/v1/).")
    tls = openai.APIConnectionError(request=REQUEST)
    tls.__cause__ = ssl.SSLCertVerificationError(1, "certificate verify failed")
    assert failure_for_connection(tls, AZURE, 1).hint == (
        "Not retried: certificate not trusted, which trying again cannot fix. The TLS certificate of "
        "res.openai.azure.com is not trusted: if a proxy or a private CA signs it, point SSL_CERT_FILE at that CA "
        "bundle; `r1-tui doctor` shows the certificate.")


def test_a_connection_failure_without_a_cause() -> None:
    assert failure_for_connection(openai.APIConnectionError(request=REQUEST), AZURE, 5).message == (
        "res.openai.azure.com cannot be reached")


def test_thirty_two_causes_are_looked_at_and_no_more() -> None:
    def chain(length: int) -> BaseException:
        links = [OSError(str(i)) for i in range(length)]
        for first, second in zip(links, links[1:]):
            first.__cause__ = second
        links[-1].__cause__ = ConnectionRefusedError(111, "refused")
        return links[0]

    assert unfixable_by_retry(chain(31), LOCAL) == "connection refused"  # the 32nd exception
    assert unfixable_by_retry(chain(32), LOCAL) is None


def test_a_cause_seen_twice_does_not_end_the_search() -> None:
    outer, middle = OSError("outer"), OSError("middle")
    outer.__cause__ = OSError("holder", ConnectionRefusedError(111, "refused"))
    outer.__context__ = middle
    middle.__cause__ = outer  # back to the start: skipped, and the holder's cause is still looked at
    assert unfixable_by_retry(outer, LOCAL) == "connection refused"
