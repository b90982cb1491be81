"""Where to send requests and how to authenticate: endpoint settings and URL normalisation."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from tui.llm.retry import RetryPolicy

AuthMode = Literal["entra", "key", "none"]
AUTH_MODES: tuple[str, ...] = ("entra", "key", "none")
DEFAULT_TOKEN_SCOPE = "https://cognitiveservices.azure.com/.default"
AZURE_SUFFIXES = (".openai.azure.com", ".services.ai.azure.com", ".cognitiveservices.azure.com")
V1_EXAMPLE = "https://YOUR-RESOURCE.openai.azure.com/openai/v1/"
_UNPRINTABLE = re.compile("[\x00-\x20\x7f-\x9f\u2028\u2029]")


class EndpointError(ValueError):
    """The endpoint URL cannot be used; the message says what to use instead."""


@dataclass(frozen=True, slots=True)
class EndpointSettings:
    """A resolved endpoint: base URL, deployment (the ``model`` sent), and credentials."""

    base_url: str
    deployment: str
    auth: AuthMode
    api_key: str | None = field(default=None, repr=False)
    token_scope: str = DEFAULT_TOKEN_SCOPE
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout_s: float = 600.0
    is_demo: bool = False

    @property
    def host(self) -> str:
        """The endpoint's host name (no credentials, no path)."""
        return urlsplit(self.base_url).hostname or self.base_url

    @property
    def label(self) -> str:
        """How to name this endpoint to the user: "demo" or the host."""
        return "demo" if self.is_demo else self.host


def is_azure_host(host: str) -> bool:
    """True for Azure OpenAI / Foundry resource hosts."""
    host = host.lower().rstrip(".")
    return host.endswith(".azure.com")


def is_loopback_host(host: str) -> bool:
    """True for localhost and loopback addresses *by name*: for hints only.

    Whether credentials may go over plain http, or a proxy is bypassed, is decided by
    the resolved address: :func:`loopback_verdict`.
    """
    host = host.lower().strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    return _is_loopback_address(host) is True


Resolver = Callable[[str], list[str]]  # host name -> its addresses (raises OSError when it has none)


@dataclass(frozen=True, slots=True)
class Loopback:
    """Whether a host is loopback, decided by its address(es), and how that was decided."""

    is_loopback: bool
    how: str  # e.g. "localhost → 127.0.0.1", "evil.localhost does not resolve", "::1 is a loopback address"


def _is_loopback_address(host: str) -> bool | None:
    """True/False for an IP address, None for a name."""
    try:
        address = ipaddress.ip_address(host)  # an IPv6 zone ("::1%lo") is part of the address
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def system_resolve(host: str) -> list[str]:
    """The addresses ``host`` resolves to (getaddrinfo), in order, without repeats."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


_verdicts: dict[str, Loopback] = {}


def loopback_verdict(host: str, resolve: Resolver | None = None) -> Loopback:
    """Loopback by address: an IP literal is judged as is; a name must resolve, and only to
    loopback addresses (``evil.localhost`` resolving to a public address is not loopback).

    The system resolver's answers are cached for the life of the process, so every
    decision about one host (credentials, proxy bypass, doctor) agrees.
    """
    host = host.lower().strip("[]")
    literal = _is_loopback_address(host)
    if literal is not None:
        return Loopback(literal, f"{host} is {'a' if literal else 'not a'} loopback address")
    if resolve is None and host in _verdicts:
        return _verdicts[host]
    try:
        addresses = (resolve or system_resolve)(host)
    except (OSError, UnicodeError, ValueError):
        addresses = []  # pragma: no mutate (None is as empty)
    if not addresses:
        verdict = Loopback(False, f"{host} does not resolve")
    else:
        shown = ", ".join(addresses[:4]) + (" …" if len(addresses) > 4 else "")
        every = all(_is_loopback_address(a) for a in addresses)
        verdict = Loopback(every, f"{host} → {shown}")
    if resolve is None:
        _verdicts[host] = verdict
    return verdict


def normalize_endpoint(url: str) -> str:
    """Turn what a user typed into the base URL the OpenAI client needs.

    ``https://NAME.openai.azure.com`` and ``https://NAME.services.ai.azure.com``, with or
    without ``/openai/v1/``, become ``https://NAME.<suffix>/openai/v1/``. A legacy
    ``/openai/deployments/...?api-version=`` URL is refused with the v1 form. Any other
    URL is an OpenAI-compatible base URL used as given.
    """
    raw = url.strip()
    if not raw:
        raise EndpointError("The endpoint is empty. Use the form " + V1_EXAMPLE)
    bad = _UNPRINTABLE.search(raw)
    if bad:
        raise EndpointError(
            f"The endpoint contains a control character or space (U+{ord(bad.group()):04X} at position "
            f"{bad.start() + 1}); check for a stray newline or tab from copy-paste. Use the form {V1_EXAMPLE}")
    if "://" not in raw:
        raw = "https://" + raw  # pragma: no mutate (a URL's scheme is case-insensitive)
    parts = urlsplit(raw)
    if "@" in parts.netloc:
        raise EndpointError(
            "The endpoint URL holds a user name or password (user:pass@host): r1-tui never sends credentials "
            "in a URL, nor shows them. Remove them from the URL and give the key through AZURE_OPENAI_API_KEY, "
            "OPENAI_API_KEY or the profile's api_key_env (auth = \"key\").")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{url!r} is not an http(s) URL. Use the form {V1_EXAMPLE}")
    try:
        parts.port
    except ValueError:
        raise EndpointError(f"{url!r} has a port that is not a number from 0 to 65535. Use the form {V1_EXAMPLE}") from None
    host = parts.hostname  # urlsplit gives it lower-cased
    path = parts.path.rstrip("/")
    if is_azure_host(host):
        if "/openai/deployments" in path or "api-version" in parts.query:
            v1 = urlunsplit(("https", parts.netloc, "/openai/v1/", "", ""))
            raise EndpointError(
                f"{_without_query(url)} is a legacy Azure OpenAI URL (deployments + api-version). "
                f"r1-tui uses the v1 API: set the endpoint to {v1} and the deployment name separately."
            )
        if path in ("", "/openai", "/openai/v1", "/models"):
            return urlunsplit((parts.scheme, parts.netloc, "/openai/v1/", "", ""))
        return urlunsplit((parts.scheme, parts.netloc, path + "/", parts.query, ""))
    return urlunsplit((parts.scheme, parts.netloc, (path or "") + "/", parts.query, ""))


def _without_query(url: str) -> str:
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def check_transport_security(base_url: str, auth: AuthMode, resolve: Resolver | None = None) -> None:
    """Refuse to send credentials over plain http to a host that does not resolve to loopback."""
    parts = urlsplit(base_url)
    if auth == "none" or parts.scheme != "http":
        return
    verdict = loopback_verdict(parts.hostname or "", resolve)
    if not verdict.is_loopback:
        raise EndpointError(
            f"Refusing to send credentials over plain http:// to {parts.hostname} ({verdict.how}). "
            "Use https://, or auth = \"none\" for an endpoint that needs no credentials."
        )
