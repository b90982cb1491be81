"""Notices said once: the first time they apply, not on every run (e.g. "context window assumed").

Remembered in ``notices-seen.json`` in the data folder (a list of the notices already said).
If the folder cannot be written the notice is simply said again next time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from tui import paths

FILE_NAME = "notices-seen.json"
MAX_REMEMBERED = 500


def unseen(notices: Iterable[str], folder: Path | None = None) -> list[str]:
    """The ``notices`` not said before (and remember them as said now)."""
    wanted = list(dict.fromkeys(notices))
    if not wanted:
        return []
    file = (folder or paths.data_dir()) / FILE_NAME
    try:
        seen = json.loads(file.read_text(encoding="utf-8"))
        seen = [s for s in seen if isinstance(s, str)] if isinstance(seen, list) else []
    except (OSError, ValueError):
        seen = []
    fresh = [n for n in wanted if n not in seen]
    if fresh:
        _remember((seen + fresh)[-MAX_REMEMBERED:], file)
    return fresh


def _remember(seen: list[str], file: Path) -> None:
    try:
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = file.with_name(file.name + f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(seen, fh)
        os.replace(tmp, file)
    except OSError:
        pass
