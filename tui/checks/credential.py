"""Check 6: a credential can be obtained (never shown), and which one answered."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tui.checks.model import Check, failed, passed
from tui.llm.endpoint import EndpointSettings

TOKEN_TIMEOUT_S = 60.0
ENTRA_FIX = (
    "Run `az login` (DefaultAzureCredential also tries environment variables, workload and managed identity, "
    "azd and PowerShell sign-ins), then make sure your identity has the Cognitive Services User role on the "
    "Foundry resource. Or use an API key: --auth key with AZURE_OPENAI_API_KEY."
)
_FRIENDLY = {
    "AzureCliCredential": "the Azure CLI sign-in (az login)",
    "AzureDeveloperCliCredential": "the Azure Developer CLI sign-in (azd auth login)",
    "AzurePowerShellCredential": "the Azure PowerShell sign-in",
    "EnvironmentCredential": "AZURE_CLIENT_ID / AZURE_TENANT_ID / secret environment variables",
    "ManagedIdentityCredential": "the managed identity",
    "WorkloadIdentityCredential": "workload identity",
    "SharedTokenCacheCredential": "the shared token cache",
    "VisualStudioCodeCredential": "the VS Code sign-in",
    "InteractiveBrowserCredential": "an interactive browser sign-in",
}


class BorrowedCredential:
    """A credential passed through without ``close`` (its owner closes it)."""

    def __init__(self, credential: Any) -> None:
        self._credential = credential

    def __getattr__(self, name: str) -> Any:
        if name == "close":
            raise AttributeError(name)
        return getattr(self._credential, name)


def default_credential() -> Any:
    """azure-identity's DefaultAzureCredential (imported only when needed)."""
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()


def answering_credential(credential: Any) -> str:
    """The class name of the credential that produced the token (the chain member, when known)."""
    inner = getattr(credential, "_successful_credential", None)  # ChainedTokenCredential / DefaultAzureCredential
    name = type(inner if inner is not None else credential).__name__
    friendly = _FRIENDLY.get(name)
    return f"{name} ({friendly})" if friendly else name


async def check_credential(ep: EndpointSettings, key_from: str, credential: Any | None,
                           timeout_s: float = TOKEN_TIMEOUT_S) -> Check:
    """Key: say where it came from. Entra: get a token for the scope. None: nothing to get."""
    if ep.auth == "none":
        return passed("credential", "no credentials (demo endpoint)" if ep.is_demo
                      else "no credentials (loopback / open endpoint)")
    if ep.auth == "key":
        if not ep.api_key:
            return failed("credential", "auth is 'key' but no API key is set",
                          "Set AZURE_OPENAI_API_KEY (or the profile's api_key_env).")
        return passed("credential", f"API key from {key_from}")
    assert credential is not None
    try:
        token = await asyncio.wait_for(asyncio.to_thread(credential.get_token, ep.token_scope), timeout_s)
    except asyncio.TimeoutError:
        return failed("credential", f"no Microsoft Entra ID token after {timeout_s:g} s", ENTRA_FIX)
    except Exception as exc:  # azure-identity raises several types; all mean "no token"
        return failed("credential", f"no Microsoft Entra ID token; {exc or type(exc).__name__}", ENTRA_FIX)
    minutes = (float(getattr(token, "expires_on", 0) or 0) - time.time()) / 60
    expiry = f", expires in {minutes:.0f} min" if minutes > 0 else ""
    return passed("credential", f"Microsoft Entra ID token for {ep.token_scope} from {answering_credential(credential)}{expiry}")
