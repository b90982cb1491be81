"""Print the report: one line per check (fix underneath), or one JSON object."""

from __future__ import annotations

import json
import shutil
import textwrap
from typing import TextIO

from tui.checks.model import Check, DoctorReport

UNICODE_MARKS = ("\u2713", "\u2717", "\u2013")  # ✓ ✗ –
ASCII_MARKS = ("ok", "XX", "--")


def _marks(out: TextIO) -> tuple[str, str, str]:
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        "".join(UNICODE_MARKS).encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return ASCII_MARKS
    return UNICODE_MARKS


def format_check(check: Check, out: TextIO, width: int | None = None) -> str:
    """One check as text: mark, title, detail, and an indented fix on failure."""
    ok_mark, fail_mark, skip_mark = _marks(out)
    mark = skip_mark if check.skipped else ok_mark if check.ok else fail_mark
    line = f"{mark} {check.title:<20} {check.detail}".rstrip()
    if check.ok or check.skipped or not check.fix:
        return line + "\n"
    width = width or max(60, min(shutil.get_terminal_size((100, 24)).columns, 120))
    fix = textwrap.fill(check.fix, width=width, initial_indent="    fix: ", subsequent_indent="         ")
    return f"{line}\n{fix}\n"


def summary(report: DoctorReport) -> str:
    """The closing line."""
    if report.ok:
        return "All checks passed.\n"
    failed = [c for c in report.checks if not c.ok and not c.skipped]
    skipped = sum(1 for c in report.checks if c.skipped and not c.ok)
    warnings = sum(1 for c in failed if c.warning)
    parts = [f"{len(failed)} of {len(report.checks)} checks failed"]
    if warnings:
        parts.append(f"{warnings} of them a warning")
    if skipped:
        parts.append(f"{skipped} skipped")
    return ", ".join(parts) + ".\n"


def write_json(report: DoctorReport, out: TextIO) -> None:
    """``{"ok": bool, "checks": [{"name", "ok", "skipped", "detail", "fix"}]}``."""
    out.write(json.dumps(report.to_json(), indent=2) + "\n")
