"""Where to send requests and how to authenticate: endpoint settings and URL normalisation."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from tui.llm.retry import RetryPolicy

AuthMode = Literal["entra", "key", "none"]
AUTH_MODES: tuple[str, ...] = ("entra", "key", "none")
DEFAULT_TOKEN_SCOPE = "https://cognitiveservices.azure.com/.default"
AZURE_SUFFIXES = (".openai.azure.com", ".services.ai.azure.com", ".cognitiveservices.azure.com")
V1_EXAMPLE = "https://YOUR-RESOURCE.openai.azure.com/openai/v1/"


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
    """True for localhost and loopback addresses."""
    host = host.lower().strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{url!r} is not an http(s) URL. Use the form {V1_EXAMPLE}")
    host = parts.hostname.lower()
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


def check_transport_security(base_url: str, auth: AuthMode) -> None:
    """Refuse to send credentials over plain http to a host that is not loopback."""
    parts = urlsplit(base_url)
    if auth != "none" and parts.scheme == "http" and not is_loopback_host(parts.hostname or ""):
        raise EndpointError(
            f"Refusing to send credentials over plain http:// to {parts.hostname}. "
            "Use https://, or auth = \"none\" for an endpoint that needs no credentials."
        )
