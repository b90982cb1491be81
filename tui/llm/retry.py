"""When and how long to wait before trying a request again.

Retryable: 429, 408, 409, 5xx, connection errors and timeouts, and only before the first
token; not a DNS name that does not exist, a refused connection on a loopback host or an
untrusted TLS certificate (tui/llm/errors.py: ``unfixable_by_retry``). The wait is ``retry-after-ms``, else ``retry-after`` (seconds or an HTTP date),
else exponential backoff with full jitter (1 s base, 60 s cap).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

RETRYABLE_STATUSES = frozenset({408, 409, 429})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many attempts to make and how to space them."""

    max_attempts: int = 6
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0


def is_retryable_status(status: int) -> bool:
    """True for statuses worth another attempt (never 400, 401, 403 or 404)."""
    return status in RETRYABLE_STATUSES or 500 <= status <= 599


def server_delay(headers: Mapping[str, str] | None, now: Callable[[], datetime] | None = None) -> float | None:
    """The wait the server asked for, in seconds, or None when it asked for none."""
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    raw_ms = lowered.get("retry-after-ms")
    if raw_ms is not None:
        try:
            value = float(raw_ms) / 1000.0
            if value >= 0:
                return value
        except ValueError:
            pass
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    try:
        value = float(raw)
        return value if value >= 0 else None
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = now() if now else datetime.now(timezone.utc)
    return max(0.0, (when - current).total_seconds())


def backoff_delay(retry_number: int, policy: RetryPolicy, rng: random.Random | None = None) -> float:
    """Full-jitter exponential backoff for the ``retry_number``-th retry (1-based)."""
    ceiling = min(policy.max_delay_s, policy.base_delay_s * (2 ** (retry_number - 1)))
    return (rng or random).uniform(0.0, ceiling)


def retry_delay(
    retry_number: int,
    policy: RetryPolicy,
    headers: Mapping[str, str] | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before the ``retry_number``-th retry: the server's word, else backoff.

    A server-requested wait is honoured as given, but capped at ``max_delay_s`` so a
    bogus header cannot freeze the client for hours.
    """
    asked = server_delay(headers)
    if asked is not None:
        return min(asked, policy.max_delay_s)
    return backoff_delay(retry_number, policy, rng)
