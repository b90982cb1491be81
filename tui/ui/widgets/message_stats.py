"""Per-message stats under the reasoning header: reasoning / answer tokens, thinking time,
tokens per second and time to first token of the answer shown in the reasoning pane.

The widget draws what it is given (:meth:`MessageStats.show_stats`, or a live line while
an answer streams); the figures come from memory — a stored answer's usage and timing
as loaded with its conversation, a streamed answer's from its transcript — never from a
poll or a database read.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static


@dataclass(frozen=True)
class Stats:
    """What the stats line shows; any value may be unknown (None)."""

    reasoning_tokens: int | None = None
    answer_tokens: int | None = None
    thought_s: float | None = None
    tokens_per_s: float | None = None
    first_token_s: float | None = None
    estimated: bool = False
    cost: str = ""  # the answer's price, formatted (a profile with a price table)
    total_s: float | None = None  # request to the end of the answer (the compare screen shows it)


def format_cost(cost: float, currency: str = "") -> str:
    """``0.0123 USD``: four decimals (``<0.0001`` below that), then the currency label if any."""
    text = f"{cost:.4f}" if cost == 0 or cost >= 0.0001 else "<0.0001"
    return f"{text} {currency}" if currency else text


def stats_of(completion: int | None, reasoning: int | None, estimated: bool,
             first_token_s: float | None, reasoning_s: float | None, total_s: float | None) -> Stats:
    """Stats of one answer from its token counts and timings."""
    answer = None if completion is None else max(0, completion - (reasoning or 0))
    rate = None
    if completion and total_s is not None:
        span = total_s - (first_token_s or 0.0)
        if span <= 0:
            span = total_s
        if span > 0:
            rate = completion / span
    return Stats(reasoning, answer, reasoning_s, rate, first_token_s, estimated, total_s=total_s)


def format_stats(stats: Stats) -> Text:
    """``reasoning 500 tok · answer 300 tok · thought 9.5 s · 56.3 tok/s · TTFT 0.80 s``."""
    est = "~" if stats.estimated else ""
    parts: list[str] = []
    if stats.reasoning_tokens is not None:
        parts.append(f"reasoning {est}{stats.reasoning_tokens} tok")
    if stats.answer_tokens is not None:
        parts.append(f"answer {est}{stats.answer_tokens} tok")
    if stats.thought_s is not None:
        parts.append(f"thought {stats.thought_s:.1f} s")
    if stats.tokens_per_s is not None:
        parts.append(f"{est}{stats.tokens_per_s:.1f} tok/s")
    if stats.first_token_s is not None:
        parts.append(f"TTFT {stats.first_token_s:.2f} s")
    if stats.cost:
        parts.append(f"cost {stats.cost}")
    return Text(" · ".join(parts) if parts else "no usage recorded for this answer", style="dim")


def live_text(first_token_s: float | None) -> Text:
    """The line while an answer streams (no live rate: the status bar has it)."""
    if first_token_s is None:
        return Text("streaming · waiting for the first token", style="dim")
    return Text(f"streaming · TTFT {first_token_s:.2f} s", style="dim")


class MessageStats(Static):
    """One line (wraps when narrow) of stats for the answer whose reasoning is shown."""

    DEFAULT_CSS = """
    MessageStats { height: auto; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text(""), id=id, markup=False)
        self._plain = ""
        self.display = False

    @property
    def plain(self) -> str:
        """The text shown."""
        return self._plain

    def show_stats(self, stats: Stats | None) -> None:
        """Show ``stats``; None shows nothing (no answer)."""
        self.show_text(format_stats(stats) if stats is not None else Text(""))

    def show_text(self, text: Text) -> None:
        """Show ``text`` (repainted only when it changed)."""
        if text.plain == self._plain:
            return
        self._plain = text.plain
        self.update(text)
        self.display = bool(text.plain)
