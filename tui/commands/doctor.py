"""``r1-tui doctor``: Microsoft's Foundry troubleshooting guide, automated.

Checks, in order: configuration, endpoint form (Azure v1 or OpenAI-compatible), DNS, TCP,
TLS (https only), credential (which DefaultAzureCredential member answered), one tiny
streamed request to the deployment, usage reported, reasoning detected (and how).
Each check either passes (✓), fails (✗, with the fix) or is skipped (–) because an
earlier one failed; TLS on a plain-http endpoint is "not applicable" (–, counts as passed).
Checks 1–7 form a chain (a failure skips the rest); 8 and 9 both follow from 7.
"usage reported" is a warning-level failure: r1-tui works without it (counts are
estimated, marked ~), but it still fails the run.

Exit status: 0 when every check passes; 2 when the configuration check fails (as for
every r1-tui command); 1 when any other check fails.

``--json`` prints ``{"ok": bool, "checks": [{"name", "ok", "skipped", "detail", "fix"}]}``
(public contract; names: config, endpoint, dns, tcp, tls, credential, deployment, usage,
reasoning), plus, once the configuration loads, ``request`` (the body's field names, never
values), ``context_window`` and ``deployments`` (what ``GET /models`` lists). The text output
also shows the profile's ``extra_body`` values. Every detail and fix is redacted and
sanitised; secrets are never printed.
No textual imports here.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from tui.config import Overrides
from tui.checks.model import Check, DoctorReport
from tui.commands.doctor_report import format_check, summary, write_json
from tui.checks.runner import run_checks

__all__ = ["Check", "DoctorReport", "run_checks", "run_doctor"]


def run_doctor(overrides: Overrides, *, as_json: bool = False, out: TextIO | None = None,
               env: Mapping[str, str] | None = None, config_path: Path | None = None,
               credential: Any | None = None) -> int:
    """Run the checks, print them (each line as soon as it is known), return the exit status."""
    stream = out or sys.stdout

    def show(check: Check) -> None:
        stream.write(format_check(check, stream))
        stream.flush()

    report = asyncio.run(run_checks(overrides, env=env, config_path=config_path, credential=credential,
                                    on_check=None if as_json else show))
    if as_json:
        write_json(report, stream)
    else:
        for line in report.info.lines() if report.info else ():
            stream.write(line)
        stream.write(summary(report))
    stream.flush()
    return report.exit_code
