"""The one usage type and the one timing type every layer shares (llm, store, engine, UI).

Pure dataclasses with no imports from the project, so both ``tui.llm`` and ``tui.store``
may use them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Usage:
    """Token usage of one request (all its choices); a count may be unknown (None).

    ``estimated``: the prompt/completion/total counts were computed by r1-tui, not reported
    by the server; ``reasoning_estimated``: likewise for ``reasoning_tokens``.
    """

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    reasoning_tokens: int | None = None
    estimated: bool = False
    reasoning_estimated: bool = False

    @property
    def any_estimated(self) -> bool:
        """True when any count shown was computed by r1-tui (displayed with ``~``)."""
        return self.estimated or self.reasoning_estimated


@dataclass(frozen=True, slots=True)
class Timing:
    """Seconds to the first token, spent reasoning, and in total (None when unknown)."""

    first_token_s: float | None = None
    reasoning_s: float | None = None
    total_s: float | None = None


@dataclass(frozen=True, slots=True)
class Prices:
    """A profile's price table: what a million prompt / completion tokens cost, in the user's currency.

    Nothing is built in (prices change); ``currency`` is only a label for display.
    """

    input_per_mtok: float
    output_per_mtok: float
    currency: str = ""

    def cost(self, usage: Usage | None) -> float | None:
        """The price of a request with ``usage`` (None when its token counts are unknown)."""
        if usage is None or usage.prompt_tokens is None or usage.completion_tokens is None:
            return None
        return (usage.prompt_tokens * self.input_per_mtok + usage.completion_tokens * self.output_per_mtok) / 1e6
