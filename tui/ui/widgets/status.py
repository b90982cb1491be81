"""The status bar: endpoint, token usage, speed, retry countdown and the last error.

Callers mutate :class:`StatusModel` fields and call :meth:`StatusBar.changed`; the bar
re-renders on its own timer (``hz > 0``) or on the app's shared frame clock
(:meth:`StatusBar.tick`), never per event. Live figures change at most once a second
and an unchanged text is never repainted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from tui.sanitize import one_line


@dataclass
class Tokens:
    """A usage tally; ``estimated`` marks numbers we counted ourselves."""

    prompt: int | None = None
    completion: int | None = None
    total: int | None = None
    reasoning: int | None = None
    estimated: bool = False
    reasoning_estimated: bool = False

    def add(self, other: Tokens) -> None:
        for name in ("prompt", "completion", "total", "reasoning"):
            value = getattr(other, name)
            if value is not None:
                setattr(self, name, (getattr(self, name) or 0) + value)
        self.estimated |= other.estimated
        self.reasoning_estimated |= other.reasoning_estimated

    def format(self, short: bool = False) -> str:
        est = "~" if self.estimated else ""
        if short:
            parts = [f"{est}{self.total} total" if self.total is not None else ""]
        else:
            parts = [
                f"{est}{self.prompt} prompt" if self.prompt is not None else "",
                f"{est}{self.completion} compl" if self.completion is not None else "",
                f"{est}{self.total} total" if self.total is not None else "",
            ]
        if self.reasoning is not None and not short:
            parts.append(f"{'~' if self.reasoning_estimated else ''}{self.reasoning} reasoning")
        return " · ".join(p for p in parts if p) or "–"


@dataclass
class StatusModel:
    """Everything the status bar shows."""

    endpoint: str = ""  # "deployment @ host · auth"
    last: Tokens | None = None
    conversation: Tokens = field(default_factory=Tokens)
    live_chars: int = 0  # answer+reasoning characters of the stream in flight
    stream_start: float | None = None  # when the first token arrived
    ttft_s: float | None = None
    rate: str = ""  # final tokens/s of the last answer
    retry_reason: str = ""
    retry_attempt: int = 0
    retry_max: int = 0
    retry_deadline: float | None = None
    error: str = ""
    activity: str = ""  # "thinking", "answering", "stopped"...


class StatusBar(Static):
    """A small, throttled status bar (two or three rows)."""

    # Two rows from the start: the usage row appearing after the first answer must not
    # shrink the panes above (a re-layout and repaint of the whole screen).
    DEFAULT_CSS = """
    StatusBar {
        min-height: 2;
    }
    """

    def __init__(self, *, hz: float = 4.0, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.model = StatusModel()
        self._dirty = True
        self._hz = hz
        self._shown: Text | None = None
        self._second = -1

    def on_mount(self) -> None:
        if self._hz > 0:
            self.set_interval(1.0 / self._hz, self._tick)
        self._tick()

    def tick(self) -> None:
        """One frame of the shared clock."""
        self._tick()

    def changed(self) -> None:
        """Mark the model changed; shown at the next tick."""
        self._dirty = True

    def render_now(self) -> None:
        self._dirty = True
        self._tick()

    def _tick(self) -> None:
        m = self.model
        if m.retry_deadline is not None:
            live = True  # the countdown shows tenths
        elif m.stream_start is not None:
            second = int(time.monotonic() - m.stream_start)
            live, self._second = second != self._second, second
        else:
            live = False
        if not (self._dirty or live):
            return
        self._dirty = False
        text = self.build_text()
        shown = self._shown
        if shown is not None and text.plain == shown.plain and text.spans == shown.spans:
            return
        same_height = shown is not None and self._rows(text) == self._rows(shown) > 0
        self._shown = text
        self.update(text, layout=not same_height)

    def _rows(self, text: Text) -> int:
        """Rows ``text`` takes if no line wraps; 0 if one might (then a layout is needed)."""
        width = self.content_size.width
        lines = text.plain.split("\n")
        return len(lines) if all(cell_len(line) < width for line in lines) else 0

    def build_text(self) -> Text:
        m = self.model
        now = time.monotonic()
        top = Text()
        top.append(m.endpoint or "offline", style="bold")
        if m.activity:
            top.append(f" · {m.activity}", style="italic")
        if m.stream_start is not None:
            elapsed = max(now - m.stream_start, 0.001)
            top.append(f" · ~{m.live_chars / 4 / elapsed:.0f} tok/s")
        elif m.rate:
            top.append(f" · {m.rate}")
        if m.ttft_s is not None:
            top.append(f" · TTFT {m.ttft_s:.2f} s")
        lines = [top]
        usage = Text()
        if m.last is not None:
            usage.append(f"last: {m.last.format()}")
        if m.conversation.total is not None:
            short = 0 < self.size.width < 100
            usage.append(f"{' │ ' if usage else ''}conv: {m.conversation.format(short=short)}")
        if usage:
            lines.append(usage)
        if m.retry_deadline is not None:
            left = max(0.0, m.retry_deadline - now)
            lines.append(
                Text(
                    f"{one_line(m.retry_reason, 80)} · retry {m.retry_attempt}/{m.retry_max} "
                    f"in {left:.1f} s (Esc cancels)",
                    style="bold",
                )
            )
        elif m.error:
            lines.append(Text(m.error, style="bold"))
        return Text("\n").join(lines)
