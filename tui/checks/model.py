"""The result of one doctor check and of a whole run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.llm.errors import redact
from tui.sanitize import one_line

if TYPE_CHECKING:
    from tui.checks.request_info import RequestInfo

# (name in --json, title for people), in the order the checks run.
CHECKS: tuple[tuple[str, str], ...] = (
    ("config", "configuration"),
    ("endpoint", "endpoint form"),
    ("dns", "DNS"),
    ("tcp", "TCP connect"),
    ("tls", "TLS"),
    ("credential", "credential"),
    ("deployment", "deployment streams"),
    ("usage", "usage reported"),
    ("reasoning", "reasoning detected"),
)
TITLES = dict(CHECKS)
SKIPPED_DETAIL = "skipped: an earlier check failed"


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report. ``skipped`` with ``ok`` True means "not applicable"."""

    name: str
    ok: bool
    detail: str = ""
    fix: str = ""
    skipped: bool = False
    warning: bool = False  # a failure that does not stop r1-tui from working (still fails the run)

    @property
    def title(self) -> str:
        """The human label of this check."""
        return TITLES.get(self.name, self.name)

    def cleaned(self, secrets: tuple[str, ...]) -> "Check":
        """This check with secrets redacted and text made safe for a terminal."""
        return Check(self.name, self.ok, one_line(redact(self.detail, secrets), 500),
                     one_line(redact(self.fix, secrets), 1200), self.skipped, self.warning)

    def to_json(self) -> dict[str, Any]:
        """The public ``--json`` shape of a check."""
        return {"name": self.name, "ok": self.ok, "skipped": self.skipped, "detail": self.detail, "fix": self.fix}


def passed(name: str, detail: str) -> Check:
    """A check that passed."""
    return Check(name, True, detail)


def failed(name: str, detail: str, fix: str, *, warning: bool = False) -> Check:
    """A check that failed, with what to do about it."""
    return Check(name, False, detail, fix, warning=warning)


def not_applicable(name: str, detail: str) -> Check:
    """A check that does not apply here (counts as passed)."""
    return Check(name, True, detail, skipped=True)


def skipped(name: str) -> Check:
    """A check not run because an earlier one failed."""
    return Check(name, False, SKIPPED_DETAIL, skipped=True)


@dataclass
class DoctorReport:
    """Every check, in order."""

    checks: list[Check] = field(default_factory=list)
    info: RequestInfo | None = None  # the profile's request, context window and listed deployments

    @property
    def ok(self) -> bool:
        """True when every check passed (or did not apply)."""
        return bool(self.checks) and all(c.ok for c in self.checks)

    def get(self, name: str) -> Check:
        """The check called ``name``."""
        return next(c for c in self.checks if c.name == name)

    @property
    def exit_code(self) -> int:
        """0 when all passed, 2 for a configuration failure, else 1."""
        if self.ok:
            return 0
        config = next((c for c in self.checks if c.name == "config"), None)
        return 2 if config is not None and not config.ok else 1

    def to_json(self) -> dict[str, Any]:
        """``{"ok": bool, "checks": [...]}`` plus, once the configuration loaded, ``request``,
        ``context_window`` and ``deployments`` (see :mod:`tui.checks.request_info`)."""
        out: dict[str, Any] = {"ok": self.ok, "checks": [c.to_json() for c in self.checks]}
        if self.info is not None:
            out.update(self.info.to_json())
        return out
