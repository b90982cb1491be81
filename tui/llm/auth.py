"""Credentials for the endpoint: an API key, a Microsoft Entra ID token, or nothing.

Entra ID uses azure-identity's *synchronous* ``DefaultAzureCredential`` and
``get_bearer_token_provider``, called in a worker thread. Why not ``azure.identity.aio``:
its credentials need aiohttp for their HTTP transport (another dependency) while the sync
ones use requests, which azure-core already brings; and a token is fetched rarely (the
provider caches it and refreshes it a few minutes before it expires), so one thread hop
per refresh costs nothing, while the event loop never blocks on ``az`` or IMDS.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from tui.llm.endpoint import EndpointSettings

TokenFactory = Callable[[], Awaitable[str]]


class CredentialError(RuntimeError):
    """No credential could be obtained; the message says why."""


class EntraTokenSource:
    """Bearer tokens from ``DefaultAzureCredential`` for one scope, closed with :meth:`close`."""

    def __init__(self, scope: str, credential: Any | None = None) -> None:
        self._scope = scope
        self._credential = credential
        self._provider: Callable[[], str] | None = None

    def _ensure_provider(self) -> Callable[[], str]:
        if self._provider is None:
            from azure.identity import DefaultAzureCredential, get_bearer_token_provider

            if self._credential is None:
                self._credential = DefaultAzureCredential()
            self._provider = get_bearer_token_provider(self._credential, self._scope)
        return self._provider

    def token_sync(self) -> str:
        """A valid token (cached by the provider until close to expiry)."""
        try:
            return self._ensure_provider()()
        except Exception as exc:  # azure-identity raises several types; all mean "no token"
            raise CredentialError(_short_credential_message(exc)) from exc

    async def token(self) -> str:
        """A valid token, fetched off the event loop."""
        return await asyncio.to_thread(self.token_sync)

    def close(self) -> None:
        """Close the underlying credential."""
        credential, self._credential, self._provider = self._credential, None, None
        close = getattr(credential, "close", None)
        if callable(close):
            close()


def _short_credential_message(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return f"No Microsoft Entra ID credential: {first}"


def key_problem(key: str) -> str | None:
    """Why ``key`` cannot be sent in a header (never quoting it), or None when it can.

    A control character (a newline or tab from copy-paste) would split or break the header,
    and HTTP headers carry only ASCII; both are refused with this message instead.
    """
    for position, ch in enumerate(key, 1):
        if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            return (f"contains a control character (U+{ord(ch):04X} at position {position}: a newline or tab from "
                    "copy-paste?)")
        if ord(ch) > 0x7E:
            return (f"contains a character that is not ASCII (U+{ord(ch):04X} at position {position}: a typographic "
                    "quote or dash from copy-paste?)")
    if " " in key.strip(" ") or key != key.strip(" "):
        return "contains a space"
    return None


def api_key_for(endpoint: EndpointSettings, tokens: EntraTokenSource | None) -> str | TokenFactory:
    """What to give ``AsyncOpenAI(api_key=...)``: a key, a token factory, or a placeholder."""
    if endpoint.auth == "entra" and tokens is not None:
        return tokens.token
    if endpoint.auth == "key" and endpoint.api_key:
        return endpoint.api_key
    return "none"  # the SDK insists on a value; servers without auth ignore it
