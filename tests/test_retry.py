"""Retry delays: the server's word first, else full-jitter exponential backoff."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from tui.llm.retry import RetryPolicy, backoff_delay, is_retryable_status, retry_delay, server_delay


def test_retry_after_ms_wins_over_retry_after() -> None:
    assert server_delay({"Retry-After-Ms": "1500", "Retry-After": "9"}) == 1.5


def test_retry_after_seconds_and_http_date() -> None:
    assert server_delay({"retry-after": "3"}) == 3.0
    now = datetime(2026, 11, 26, 12, 0, 0, tzinfo=timezone.utc)
    date = format_datetime(now + timedelta(seconds=7), usegmt=True)
    assert server_delay({"retry-after": date}, now=lambda: now) == 7.0


def test_garbage_headers_fall_back_to_backoff() -> None:
    assert server_delay({"retry-after": "soon", "retry-after-ms": "x"}) is None
    assert server_delay(None) is None


def test_full_jitter_bounds_and_cap() -> None:
    policy = RetryPolicy(max_attempts=10, base_delay_s=1.0, max_delay_s=60.0)
    rng = random.Random(7)
    for n, ceiling in [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (9, 60)]:
        samples = [backoff_delay(n, policy, rng) for _ in range(300)]
        assert 0 <= min(samples) and max(samples) <= ceiling
        assert max(samples) > ceiling * 0.8  # jitter spreads over the whole range


def test_server_delay_is_capped() -> None:
    assert retry_delay(1, RetryPolicy(max_delay_s=60), {"retry-after": "86400"}) == 60


def test_retryable_statuses() -> None:
    assert all(is_retryable_status(s) for s in (408, 409, 429, 500, 502, 503, 504))
    assert not any(is_retryable_status(s) for s in (400, 401, 403, 404, 422))
