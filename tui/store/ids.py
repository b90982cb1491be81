"""Time-sortable ids and ISO 8601 UTC timestamps."""

from __future__ import annotations

import secrets
import threading
import time
from datetime import datetime, timedelta, timezone

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case
_TIME_CHARS = 9  # 45 bits of milliseconds: good until the year 3084
_RAND_CHARS = 3  # 15 bits
_lock = threading.Lock()
_last = [0, 0]  # last (ms, rand) handed out by this process


def _b32(value: int, width: int) -> str:
    out = []
    for _ in range(width):
        out.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


def new_id() -> str:
    """Return a 12-char id: base32 ms timestamp then random bits, monotonic per process.

    Collisions across processes (same ms, same 15 random bits) are caught by the
    UNIQUE constraints; the store retries with a fresh id.
    """
    ms = time.time_ns() // 1_000_000
    rand = secrets.randbits(_RAND_CHARS * 5)
    with _lock:
        if ms <= _last[0]:
            ms, rand = _last[0], _last[1] + 1
            if rand >= 1 << (_RAND_CHARS * 5):
                ms, rand = ms + 1, 0
        _last[0], _last[1] = ms, rand
    return _b32(ms, _TIME_CHARS) + _b32(rand, _RAND_CHARS)


def now_iso(delta_s: float = 0.0) -> str:
    """Current UTC time (plus ``delta_s``) as e.g. ``2026-11-26T16:20:01.123Z``."""
    now = datetime.now(timezone.utc) + timedelta(seconds=delta_s)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def compact_stamp() -> str:
    """UTC time as ``20261126T162001Z`` (for file names)."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
