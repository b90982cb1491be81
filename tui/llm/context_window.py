"""How many tokens a deployment takes (prompt + completion): the profile's ``context_window``,
else a small table matched on the deployment or model name, else 128k with a notice.

The table (sources checked 2026; set ``context_window`` when your host differs):

====================================  =========  ============================================
names matching                        tokens     source
====================================  =========  ============================================
DeepSeek-V4 (Flash, Pro)              1,000,000  Foundry catalogue: "1M context"
DeepSeek-V3.2, V3.2-Speciale          128,000    Foundry, models sold directly by Azure [1]
DeepSeek-V3.1 (Terminus), V3, V3-0324 131,072    Foundry, models sold directly by Azure [1]
DeepSeek-R1, R1-0528, MAI-DS-R1       128,000    Foundry's DeepSeek-R1 guide ("128k context
                                                 length"), the window r1-tui has always used [2]
====================================  =========  ============================================

[1] learn.microsoft.com, "Foundry Models sold directly by Azure", DeepSeek table
    (MicrosoftDocs/azure-ai-docs, articles/ai-foundry/foundry-models/includes/
    models-azure-direct-others.md, ms.date 02/12/2026).
[2] The same catalogue page lists R1 and R1-0528 with 163,840 input tokens; the 128k of the
    guide is kept as the safe figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_CONTEXT_WINDOW = 128_000

# (pattern on the lower-cased name, tokens, family shown to the user); first match wins.
TABLE: tuple[tuple[re.Pattern[str], int, str], ...] = (
    (re.compile(r"deepseek[-_ ]?v4"), 1_000_000, "DeepSeek-V4"),
    (re.compile(r"deepseek[-_ ]?v3[.\-_p]?2"), 128_000, "DeepSeek-V3.2"),
    (re.compile(r"deepseek[-_ ]?v3[.\-_p]?1"), 131_072, "DeepSeek-V3.1"),
    (re.compile(r"deepseek[-_ ]?v3"), 131_072, "DeepSeek-V3"),
    (re.compile(r"(deepseek|mai-ds)[-_ ]?r1"), 128_000, "DeepSeek-R1"),
)


@dataclass(frozen=True, slots=True)
class ContextWindow:
    """A deployment's window and where the figure came from."""

    tokens: int
    source: str  # "profile", "table" or "assumed"
    family: str | None = None  # the table row that matched

    @property
    def assumed(self) -> bool:
        """True when nothing said how large the window is."""
        return self.source == "assumed"

    def describe(self) -> str:
        """One line for doctor and the settings screen, e.g. ``131072 tokens (DeepSeek-V3.1, built-in table)``."""
        why = {"profile": "the profile's context_window", "table": f"{self.family}, built-in table",
               "assumed": "unknown model: assumed; set context_window in the profile"}[self.source]
        return f"{self.tokens} tokens ({why})"


def table_window(*names: str | None) -> ContextWindow | None:
    """The table's window for the first name (deployment, then model) that matches a row."""
    for name in names:
        if not name:
            continue
        low = name.lower()
        for pattern, tokens, family in TABLE:
            if pattern.search(low):
                return ContextWindow(tokens, "table", family)
    return None


def resolve(configured: int | None, deployment: str | None, model: str | None = None) -> ContextWindow:
    """The window in force: the profile's value, else the table, else 128k assumed."""
    if configured is not None:
        return ContextWindow(configured, "profile")
    return table_window(deployment, model) or ContextWindow(DEFAULT_CONTEXT_WINDOW, "assumed")


def unknown_notice(deployment: str) -> str:
    """The notice shown once when a deployment's window had to be assumed."""
    return (f"context window of {deployment!r} unknown: assuming {DEFAULT_CONTEXT_WINDOW // 1000}k tokens "
            "(set context_window in the profile)")
