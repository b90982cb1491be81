"""What the endpoint serves, as ``GET /models`` (v1) lists it: for doctor and the deployment switch.

Not every endpoint answers (older Azure paths, some proxies): :func:`list_models` never
raises for that; it returns the reason instead, so callers fall back to free text.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from tui.llm.auth import CredentialError
from tui.llm.client import ChatClient, sdk_modules
from tui.llm.errors import error_message, redact

LIST_TIMEOUT_S = 10.0
MAX_IDS = 1000


@dataclass(frozen=True, slots=True)
class ModelList:
    """The ids the endpoint listed, or why there is no list (``error``)."""

    ids: tuple[str, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the endpoint answered with a list (possibly empty)."""
        return self.error is None


async def list_models(client: ChatClient, timeout_s: float = LIST_TIMEOUT_S) -> ModelList:
    """Ask ``GET /models`` through ``client`` (same credentials, no retries), within ``timeout_s`` overall."""
    openai, httpx2 = sdk_modules()
    secrets = (client.endpoint.api_key or "",)
    try:
        ids = await asyncio.wait_for(client.list_model_ids(timeout_s), timeout_s)
    except (asyncio.TimeoutError, openai.APITimeoutError, httpx2.TimeoutException):
        return ModelList(error=f"no answer within {timeout_s:g} s")
    except openai.APIStatusError as exc:
        if exc.status_code == 404:
            return ModelList(error="the endpoint does not list models (404)")
        return ModelList(error=redact(f"{exc.status_code}: {error_message(exc)}", secrets))
    except (openai.APIConnectionError, httpx2.TransportError) as exc:
        return ModelList(error=redact(f"connection failed: {exc}", secrets))
    except CredentialError as exc:
        return ModelList(error=redact(f"no credential: {exc}", secrets))
    except (openai.APIError, ValueError, TypeError, AttributeError) as exc:  # an answer that is not a model list
        return ModelList(error=redact(f"unexpected answer: {type(exc).__name__}", secrets))
    unique = tuple(dict.fromkeys(i for i in ids if i))
    return ModelList(unique[:MAX_IDS])
