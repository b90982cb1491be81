"""Shared pytest fixtures. Each developer keeps their fixtures in a marked block."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# --- loopback Azure/OpenAI server (servers helper) -----------------------------------
try:
    from tests.loopback import LoopbackServer
except ImportError:  # tests/ itself on sys.path (no rootdir on it)
    from loopback import LoopbackServer  # type: ignore[no-redef]


@pytest.fixture
def azure_server() -> Iterator[LoopbackServer]:
    """A started fault-injecting Azure-compatible server on 127.0.0.1; stopped afterwards."""
    server = LoopbackServer().start()
    try:
        yield server
    finally:
        server.stop()
# --- end loopback block ---------------------------------------------------------------
