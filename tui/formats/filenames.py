"""File names built from stored data: only safe characters, always inside the folder given.

Stored strings (conversation ids, titles) may come from an imported file, so a file
name is never built from one as is: :func:`safe_name` keeps ASCII letters, digits,
``-`` and ``_`` (no ``/``, no ``..``, no dot files), and :func:`export_path` checks that
the result is a direct child of the exports folder. Pure: nothing is created here.
"""

from __future__ import annotations

import re
from pathlib import Path

SAFE_NAME_CHARS = 64
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def safe_name(text: str, limit: int = SAFE_NAME_CHARS, fallback: str = "conversation") -> str:
    """``text`` reduced to ``[A-Za-z0-9_-]`` (other runs become one ``-``), at most ``limit`` long."""
    name = _UNSAFE.sub("-", text).strip("-_")[:limit].strip("-_")
    return name or fallback


def export_path(folder: Path, conv_id: str, stamp: str, suffix: str = ".md") -> Path:
    """``folder/<stamp>-<conv_id>.md`` with both parts made safe; never outside ``folder``."""
    path = folder / f"{safe_name(stamp, fallback='export')}-{safe_name(conv_id)}{suffix}"
    if path.parent != folder or path.name.startswith("."):
        raise ValueError(f"refusing an export file name outside {folder}")
    return path
