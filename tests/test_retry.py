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


def test_zero_and_fractions_are_real_waits_negative_ones_are_not() -> None:
    assert server_delay({"retry-after-ms": "0"}) == 0.0
    assert server_delay({"retry-after-ms": "500"}) == 0.5
    assert server_delay({"retry-after-ms": "-5", "retry-after": "2"}) == 2.0  # a negative ms falls through
    assert server_delay({"retry-after": "0"}) == 0.0
    assert server_delay({"retry-after": "0.5"}) == 0.5
    assert server_delay({"retry-after": "-1"}) is None
    assert server_delay({}) is None and server_delay({"x-other": "1"}) is None


def test_http_dates_without_a_zone_are_utc_and_past_dates_mean_now() -> None:
    now = datetime(2026, 11, 26, 12, 0, 0, tzinfo=timezone.utc)
    assert server_delay({"retry-after": "Thu, 26 Nov 2026 12:00:07 -0000"}, now=lambda: now) == 7.0
    assert server_delay({"retry-after": "Thu, 26 Nov 2026 11:00:00 GMT"}, now=lambda: now) == 0.0
    assert server_delay({"retry-after": "Mon, 01 Jan 2001 00:00:00 GMT"}) == 0.0  # the real clock: long past
    assert server_delay({"retry-after": "Mon, 99 Foo 2001"}) is None


def test_backoff_draws_from_the_given_generator_over_the_whole_range() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=60.0)
    for n, ceiling in [(1, 1.0), (3, 4.0), (10, 60.0)]:
        assert backoff_delay(n, policy, random.Random(n)) == random.Random(n).uniform(0.0, ceiling)
    assert retry_delay(3, policy, None, random.Random(5)) == random.Random(5).uniform(0.0, 4.0)
    assert retry_delay(3, policy, {"retry-after": "soon"}, random.Random(5)) == random.Random(5).uniform(0.0, 4.0)
    assert retry_delay(3, policy, {"retry-after": "2"}, random.Random(5)) == 2.0


def test_every_5xx_is_retryable_and_nothing_beyond() -> None:
    assert is_retryable_status(599) and is_retryable_status(500)
    assert not is_retryable_status(600) and not is_retryable_status(499)
