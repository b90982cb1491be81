"""Tab completion of a file path as typed (``~`` kept as typed, expanded to look)."""

from __future__ import annotations

import os
from pathlib import Path


def complete_path(typed: str, cwd: Path | None = None) -> tuple[str, list[str]]:
    """``typed`` extended as far as its matches agree, and the matching names (directories end in ``/``).

    One match that is a directory gets its ``/``; hidden entries show only when the typed name
    starts with a dot.
    """
    if typed.startswith("~") and "/" not in typed:
        return ("~/", []) if typed == "~" else (typed, [])
    head, _sep, prefix = typed.rpartition("/")
    head = head + "/" if _sep else ""
    folder = Path(os.path.expanduser(head or "."))
    if not folder.is_absolute():
        folder = (cwd or Path.cwd()) / folder
    try:
        entries = sorted(e for e in os.listdir(folder) if e.startswith(prefix)
                         and (prefix.startswith(".") or not e.startswith(".")))
    except OSError:
        return typed, []
    names = [e + "/" if (folder / e).is_dir() else e for e in entries]
    if not names:
        return typed, []
    common = os.path.commonprefix(names)
    if len(names) == 1:
        return head + names[0], names
    return head + common, names
