"""Turn failures into :class:`Failed` events that say what happened and what to do.

The hints follow Microsoft's Foundry troubleshooting guide: ``az login``; the Cognitive
Services User role; the endpoint form; the deployment name is not the model name; a new
deployment may need a few minutes.
"""

from __future__ import annotations

import re
import socket
import ssl
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tui.llm.endpoint import V1_EXAMPLE, EndpointSettings, is_loopback_host
from tui.llm.events import Failed

if TYPE_CHECKING:
    import openai

KEPT_HINT = "What arrived is kept; ask again to get a complete answer."

_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}")
_KEYISH = re.compile(r"(?i)((?:api[-_]?key|access[-_]?token|token|sig|key)\s*[=:]\s*[\"']?)[A-Za-z0-9._~+/=-]{12,}")


def redact(text: str, secrets: tuple[str | None, ...] = ()) -> str:
    """Remove secrets (the configured key, bearer tokens, key=... pairs) from ``text``."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "***")
    text = _BEARER.sub(r"\1***", text)
    return _KEYISH.sub(r"\1***", text)


def error_body(exc: openai.APIError) -> dict[str, Any]:
    """The ``error`` object of an error body (Azure and OpenAI both nest it), or {}."""
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        return inner if isinstance(inner, dict) else {"message": str(inner)}
    if isinstance(body, str):
        return {"message": body}
    return {}


def error_message(exc: openai.APIError) -> str:
    """The server's message for ``exc``, one paragraph."""
    err = error_body(exc)
    message = err.get("message") or exc.message or type(exc).__name__
    return " ".join(str(message).split())


def auth_hint(endpoint: EndpointSettings, status: int | None) -> str:
    """What to do about a 401/403 or a missing credential."""
    if endpoint.auth == "key":
        who = "Check that the API key (AZURE_OPENAI_API_KEY or the profile's api_key_env) belongs to this resource"
    elif endpoint.auth == "none":
        who = "The endpoint wants credentials: use --auth entra (after `az login`) or --auth key with AZURE_OPENAI_API_KEY"
    else:
        who = "Run `az login` (DefaultAzureCredential falls back to the Azure CLI sign-in)"
    role = (
        "Your identity needs the Cognitive Services User role on the Foundry resource "
        "(az role assignment create --assignee YOU --role \"Cognitive Services User\" --scope RESOURCE_ID); "
        "new role assignments can take a few minutes"
    )
    form = f"the endpoint must look like {V1_EXAMPLE}"
    if status == 403:
        return f"{role}; {who.lower()[0] + who[1:]}; {form}."
    return f"{who}; {role}; {form}."


def not_found_hint(endpoint: EndpointSettings) -> str:
    """What to do about a 404."""
    return (
        f"No deployment named {endpoint.deployment!r} at {endpoint.host}. The deployment name is not the model name: "
        "use the name shown under Deployments in the Foundry portal. A new deployment may need a few minutes "
        f"until its status is Succeeded. Check the endpoint form {V1_EXAMPLE}"
    )


def rate_limit_hint(attempts: int) -> str:
    """What to do when 429s outlast every retry."""
    return (
        f"Still rate limited after {attempts} attempts. Reasoning tokens count toward the tokens-per-minute quota: "
        "wait a minute, lower max_tokens, or request a quota increase (Foundry portal, Quotas)."
    )


def content_filter_categories(exc: openai.APIError) -> list[str]:
    """The content-filter categories that fired, from an Azure 400 body."""
    err = error_body(exc)
    inner = err.get("innererror") or {}
    result = inner.get("content_filter_result") or err.get("content_filter_result") or {}
    found: list[str] = []
    if isinstance(result, dict):
        for name, value in result.items():
            if isinstance(value, dict) and (value.get("filtered") or value.get("detected")):
                severity = value.get("severity")
                found.append(f"{name} ({severity})" if severity and severity != "safe" else str(name))
    return found


def _error_text(err: dict[str, Any]) -> str:
    """An error body's code and message, lower-cased, for keyword checks."""
    return " ".join(str(err[key]) for key in ("code", "message") if key in err).lower()


def is_context_length(exc: openai.APIError) -> bool:
    """True for a 400 that says the prompt is too long for the model."""
    err = error_body(exc)
    text = _error_text(err)
    return "context_length" in text or "maximum context length" in text or "too many tokens" in text


def is_content_filter(exc: openai.APIError) -> bool:
    """True for a 400 from the content filter on the prompt."""
    err = error_body(exc)
    return str(err.get("code")).lower() == "content_filter" or bool(content_filter_categories(exc))


def unsupported_parameter(exc: openai.APIError, sent: set[str]) -> str | None:
    """The name of a parameter we sent that a 400 says is not supported, if any."""
    err = error_body(exc)
    param = err.get("param")
    if isinstance(param, str) and param in sent:
        return param
    text = _error_text(err)
    if not any(w in text for w in ("unrecognized", "unsupported", "not supported", "unknown", "extra", "not permitted", "invalid")):
        return None
    for name in sorted(sent):  # a whole word: "n" is not the n of "unsupported", nor "stream" that of "stream_options"
        if re.search(rf"(?<![a-z0-9_]){re.escape(name.lower())}(?![a-z0-9_])", text):
            return name
    return None


def failure_for_status(exc: openai.APIStatusError, endpoint: EndpointSettings, attempts: int) -> Failed:
    """A :class:`Failed` for an HTTP error status that will not be retried (again)."""
    status = exc.status_code
    message = redact(f"{status}: {error_message(exc)}", (endpoint.api_key,))
    if status in (401, 403):
        return Failed("auth", message, auth_hint(endpoint, status), status)
    if status == 404:
        return Failed("not_found", message, not_found_hint(endpoint), status)
    if status == 429:
        return Failed("rate_limited", message, rate_limit_hint(attempts), status)
    if status == 400 and is_context_length(exc):
        return Failed("bad_request", message, "The conversation is too long for the model: start a new conversation or shorten the prompt.", status)
    if status == 400 and is_content_filter(exc):
        cats = ", ".join(content_filter_categories(exc)) or "unspecified category"
        return Failed("bad_request", f"The prompt was blocked by the content filter: {cats}. {message}", "Rephrase the prompt.", status)
    if 300 <= status < 400:
        location = exc.response.headers.get("location")  # pragma: no mutate (header names are case-insensitive)
        location = redact(location or "another address", (endpoint.api_key,))
        return Failed(
            "connection", f"{status}: the endpoint redirected to {location}",
            "Credentials are never sent along a redirect: set the endpoint to the final URL if you trust it.", status,
        )
    if status >= 500:
        return Failed("server", message, f"The service failed after {attempts} attempts; try again in a little while.", status)
    return Failed("bad_request", message, "The endpoint refused the request; check max_tokens, stop and n for this deployment.", status)


_NAME_NOT_FOUND = {getattr(socket, n) for n in ("EAI_NONAME", "EAI_NODATA") if hasattr(socket, n)}


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what caused it: ``__cause__``, ``__context__`` and exceptions in ``args``."""
    seen: set[int] = set()
    todo = [exc]
    while todo and len(seen) < 32:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [e for e in (current.__cause__, current.__context__, *current.args) if isinstance(e, BaseException)]


def unfixable_by_retry(exc: BaseException, endpoint: EndpointSettings) -> str | None:
    """Why trying ``exc``'s request again cannot help, or None when it might (timeouts, resets...).

    A DNS name that does not exist, a refused connection on a loopback host (nothing listens
    there: a remote host may be restarting, this one is not), an untrusted TLS certificate.
    """
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror) and cause.errno in _NAME_NOT_FOUND:
            return "name not found"
        if isinstance(cause, ConnectionRefusedError) and is_loopback_host(endpoint.host):
            return "connection refused"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return "certificate not trusted"
    return None


_UNFIXABLE_HINTS = {
    "name not found": "DNS has no address for {host}: check the spelling of the endpoint URL ({url}).",
    "connection refused": "Nothing is listening at {url}: start the server (Ollama, vLLM, llama.cpp...) or "
                          "fix the port.",
    "certificate not trusted": "The TLS certificate of {host} is not trusted: if a proxy or a private CA "
                               "signs it, point SSL_CERT_FILE at that CA bundle; `r1-tui doctor` shows the "
                               "certificate.",
}


def failure_for_connection(exc: Exception, endpoint: EndpointSettings, attempts: int) -> Failed:
    """A :class:`Failed` for an endpoint that cannot be reached or timed out."""
    cause = exc.__cause__ or exc.__context__
    detail = f" ({type(cause).__name__}: {cause})" if cause else ""
    import openai

    timed_out = isinstance(exc, openai.APITimeoutError)
    what = "timed out" if timed_out else "cannot be reached"
    message = redact(f"{endpoint.host} {what}{detail}", (endpoint.api_key,))
    unfixable = None if timed_out else unfixable_by_retry(exc, endpoint)
    if unfixable is not None:
        hint = _UNFIXABLE_HINTS[unfixable].format(host=endpoint.host, url=endpoint.base_url)
        hint = f"Not retried: {unfixable}, which trying again cannot fix. {hint}"
    else:
        hint = (
            f"Gave up after {attempts} attempts. Check the endpoint URL ({endpoint.base_url}), "
            "your network, VPN or proxy and DNS; `r1-tui doctor` checks each step."
        )
    return Failed("connection", message, hint)
