"""Remember, per deployment, whether it has ever sent reasoning: a small JSON file.

A plain (non-reasoning) model sends content without ``<think>`` tags. Not knowing that,
the splitter shows such content as provisional reasoning until the stream ends and then
moves it to the answer. Once a deployment has answered in full (finish_reason ``stop``)
without any ``</think>`` or reasoning field, it is remembered as "plain" and later answers
stream straight into the answer; a ``</think>`` still turns what came before into
reasoning. A deployment that has ever shown reasoning is remembered as "reasoning" for
good ("plain" never overwrites it).

The file (``think-tags.json`` in the data directory, mode 0600) maps
``<base URL>#<deployment>`` to "plain" or "reasoning"; it holds no credential (endpoint
URLs with user info are refused by the configuration). An unreadable or damaged file
counts as empty; a file that cannot be written is left alone: this is a hint, never an error.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Literal

from tui.llm.endpoint import EndpointSettings

Verdict = Literal["plain", "reasoning"]
MAX_ENTRIES = 500
FILE_NAME = "think-tags.json"


def memory_key(endpoint: EndpointSettings) -> str:
    """``<base URL>#<deployment>``: the same deployment name on two endpoints is two models."""
    return f"{endpoint.base_url}#{endpoint.deployment}"


class TagMemory:
    """The verdicts in the file at ``path`` (read once, written when one changes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._entries is None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                entries = data.get("deployments", {}) if isinstance(data, dict) else {}
                self._entries = {str(k): v for k, v in entries.items() if v in ("plain", "reasoning")} \
                    if isinstance(entries, dict) else {}
            except (OSError, ValueError, RecursionError):
                self._entries = {}
        return self._entries

    def verdict(self, endpoint: EndpointSettings) -> str | None:
        """"plain", "reasoning", or None when this deployment has not told yet."""
        return self._load().get(memory_key(endpoint))

    def is_plain(self, endpoint: EndpointSettings) -> bool:
        """True when this deployment answered in full before and never sent reasoning."""
        return self.verdict(endpoint) == "plain"

    def record(self, endpoint: EndpointSettings, verdict: Verdict) -> None:
        """Remember what a finished stream showed ("reasoning" is never overwritten by "plain")."""
        entries = self._load()
        key = memory_key(endpoint)
        if entries.get(key) == verdict or entries.get(key) == "reasoning":
            return
        entries.pop(key, None)
        entries[key] = verdict
        while len(entries) > MAX_ENTRIES:
            entries.pop(next(iter(entries)))
        with contextlib.suppress(OSError):
            self._save(entries)

    def _save(self, entries: dict[str, str]) -> None:
        parent = self.path.parent
        if not parent.is_dir():
            parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"version": 1, "deployments": entries}, fh, indent=1)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
