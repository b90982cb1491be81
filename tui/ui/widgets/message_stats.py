"""Per-message stats under the reasoning header: reasoning / answer tokens, thinking time,
tokens per second and time to first token of the answer shown in the reasoning pane.

Stored answers read their ``MessageRecord`` usage/timing (one row by id, on change of
the answer shown); the answer streaming now shows what is known so far (time to first
token) and its full stats once saved. The widget polls its pane's ``source`` twice a
second and repaints only when its text changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.widgets import Static

POLL_S = 0.5


@dataclass(frozen=True)
class Stats:
    """What the stats line shows; any value may be unknown (None)."""

    reasoning_tokens: int | None = None
    answer_tokens: int | None = None
    thought_s: float | None = None
    tokens_per_s: float | None = None
    first_token_s: float | None = None
    estimated: bool = False


def stats_from_record(usage: Any, timing: Any) -> Stats:
    """Stats of a stored answer from its ``UsageRecord`` and ``TimingRecord``."""
    completion = usage.completion_tokens
    reasoning = usage.reasoning_tokens
    answer = None
    if completion is not None:
        answer = max(0, completion - (reasoning or 0))
    rate = None
    if completion and timing.total_s is not None:
        span = timing.total_s - (timing.first_token_s or 0.0)
        if span <= 0:
            span = timing.total_s
        if span > 0:
            rate = completion / span
    return Stats(reasoning, answer, timing.reasoning_s, rate, timing.first_token_s, bool(usage.estimated))


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
    return Text(" · ".join(parts) if parts else "no usage recorded for this answer", style="dim")


def live_stats(app: Any, block: Any) -> Text | None:
    """What is known of the answer streaming into ``block`` (None if it is not streaming)."""
    generation = getattr(app, "generation", None)
    if generation is None:
        return None
    for view in generation.views.values():
        if view.block is block:
            first = generation.transcript.choice_first_token_s(view.choice)
            if first is None:
                return Text("streaming · waiting for the first token", style="dim")
            # No live rate here: the status bar has it, and a line that changes on every
            # poll would cost a frame each time.
            return Text(f"streaming · TTFT {first:.2f} s", style="dim")
    return None


class MessageStats(Static):
    """One line (wraps when narrow) of stats for the answer whose reasoning is shown."""

    DEFAULT_CSS = """
    MessageStats { height: auto; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text(""), id=id, markup=False)
        self._source: object | None = None
        self._live = False
        self._plain = ""
        self.display = False

    def on_mount(self) -> None:
        self.set_interval(POLL_S, self.poll)

    def poll(self) -> None:
        """Recompute when the answer shown changed, or while it streams."""
        source = getattr(self.parent, "source", None)
        live = bool(getattr(source, "live", False))
        if source is self._source and not live and not self._live:
            return
        self._source, self._live = source, live
        self.show_text(self.compute(source))

    def compute(self, source: object | None) -> Text:
        """The stats text for ``source`` (an answer block), empty without one."""
        if source is None:
            return Text("")
        if getattr(source, "live", False):
            text = live_stats(self.app, source)
            if text is not None:
                return text
        msg_id = getattr(source, "msg_id", None)
        store = getattr(self.app, "store", None)
        if msg_id is None or store is None:
            return Text("")
        try:
            record = store.get_message(msg_id)
        except Exception:  # a closed or failing store: no stats rather than a crash
            return Text("")
        if record is None or record.role != "assistant":
            return Text("")
        return format_stats(stats_from_record(record.usage, record.timing))

    def show_text(self, text: Text) -> None:
        if text.plain == self._plain:
            return
        self._plain = text.plain
        self.update(text)
        self.display = bool(text.plain)

    @property
    def plain(self) -> str:
        """The text shown (for tests)."""
        return self._plain

    def refresh_now(self) -> None:
        """Recompute immediately (after opening a conversation)."""
        self._source = object()
        self.poll()

