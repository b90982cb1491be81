"""Shared pytest fixtures. Each developer keeps their fixtures in a marked block."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run and every xdist worker (seeded from each
# test's name): a failure can be replayed, and a mutant's verdict does not depend on luck.
settings.register_profile("r1-tui", derandomize=True, database=None)
settings.load_profile("r1-tui")

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


# --- private home for every test (test helpers) ------------------------------------------
CREDENTIAL_ENV = ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_DEPLOYMENT", "AZURE_OPENAI_API_KEY", "OPENAI_BASE_URL",
                  "OPENAI_API_KEY")


@pytest.fixture(autouse=True)
def _tmp_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Config, data and HOME under the test's tmp_path; no endpoint or key from the developer's environment."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in CREDENTIAL_ENV:
        monkeypatch.delenv(name, raising=False)
# --- end private home block ---------------------------------------------------------------
