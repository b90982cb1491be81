"""The status bar: endpoint, token usage, speed, retry countdown and the last error.

Narrow terminals drop whole items, least important first; the bar never wraps mid-item.

Callers mutate :class:`StatusModel` fields and call :meth:`StatusBar.changed`; the bar
re-renders on its own timer (``hz > 0``) or on the app's shared frame clock
(:meth:`StatusBar.tick`), never per event. Live figures change at most once a second
and an unchanged text is never repainted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.widgets import Static

from tui.sanitize import one_line

_CONSOLE = Console(width=10_000, color_system=None, legacy_windows=False)  # for measuring only


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
    error_details: str = ""  # the last error in full (kept when the line is cleared; shown by a key)
    error_key: str = ""  # the key that shows it, named on the error line ("Ctrl+O")
    thinking: Callable[[], str] = lambda: ""  # "on" / "off" / "default" with a thinking switch, else ""
    activity: str = ""  # "thinking", "answering", "stopped"...
    context: str = ""  # "ctx 12.4k/128k": how full the next request's context is
    view: str = ""  # how the panes show now when not as usual: "zoom", "raw LaTeX"

    def reset_answer(self) -> None:
        """Forget the last answer's figures (another conversation is shown)."""
        self.last = None
        self.live_chars = 0
        self.stream_start = None
        self.ttft_s = None
        self.rate = ""
        self.retry_deadline = None
        self.error = ""
        self.activity = ""


@dataclass(frozen=True)
class Item:
    """One piece of the status bar; ``rank`` 0 is the most important (dropped last)."""

    text: str
    rank: int
    style: str = ""


def fit_line(items: list[Item], width: int, sep: str = " · ") -> Text:
    """``items`` joined on one line of ``width`` cells, dropping whole items, least important first.

    A single item that is still too long is cut with an ellipsis.
    """
    kept = list(items)
    while len(kept) > 1 and cell_len(sep.join(i.text for i in kept)) > width:
        kept.remove(max(kept, key=lambda i: (i.rank, kept.index(i))))
    line = Text(no_wrap=True, overflow="ellipsis")
    for n, item in enumerate(kept):
        if n:
            line.append(sep)
        line.append(item.text, style=item.style)
    if width > 0 and cell_len(line.plain) > width:
        line.truncate(width, overflow="ellipsis")
    return line


def wrap_item(item: Item, width: int, lines: int) -> list[Text]:
    """``item`` word-wrapped on at most ``lines`` lines of ``width`` (the last cut with an ellipsis)."""
    text = Text(item.text, style=item.style)
    if width <= 0:
        return [text]
    wrapped = list(text.wrap(_CONSOLE, width))
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1].rstrip()
        wrapped[-1].append(" …")
        wrapped[-1].truncate(width, overflow="ellipsis")
    return wrapped


class StatusBar(Static):
    """A small, throttled status bar: at most ``max_lines`` rows, items dropped whole when narrow.

    Row 1: endpoint · activity · speed · TTFT. Row 2: token usage (last │ conversation).
    Then the retry countdown or the last error, which outrank the usage row.
    """

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
        self.max_lines = 3
        self._dirty = True
        self._hz = hz
        self._shown: Text | None = None
        self._second = -1

    def on_mount(self) -> None:
        if self._hz > 0:
            self.set_interval(1.0 / self._hz, self._tick)
        self._tick()

    def on_resize(self) -> None:
        self.render_now()

    def set_max_lines(self, lines: int) -> None:
        """At most ``lines`` rows (2 on a short terminal)."""
        if lines != self.max_lines:
            self.max_lines = lines
            self.render_now()

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
        same_height = shown is not None and text.plain.count("\n") == shown.plain.count("\n")
        self._shown = text
        self.update(text, layout=not same_height)

    def items(self) -> tuple[list[Item], list[Item], Item | None]:
        """The three rows' items: connection, usage, and the retry or error line."""
        m = self.model
        now = time.monotonic()
        top = [Item(m.endpoint or "offline", 0, "bold")]
        if m.view:
            top.append(Item(m.view, 1, "reverse"))
        thinking = m.thinking()
        if thinking:
            top.append(Item(f"thinking {thinking}", 1))
        if m.activity:
            top.append(Item(m.activity, 1, "italic"))
        if m.stream_start is not None:
            elapsed = max(now - m.stream_start, 0.001)
            top.append(Item(f"~{m.live_chars / 4 / elapsed:.0f} tok/s", 2))
        elif m.rate:
            top.append(Item(m.rate, 2))
        if m.ttft_s is not None:
            top.append(Item(f"TTFT {m.ttft_s:.2f} s", 3))
        usage = []
        if m.last is not None:
            usage.append(Item(f"last: {m.last.format()}", 4))
        if m.conversation.total is not None:
            short = 0 < self.size.width < 100
            usage.append(Item(f"conv: {m.conversation.format(short=short)}", 5))
        if m.context:
            usage.append(Item(m.context, 6))  # the first to go when narrow
        alert = None
        if m.retry_deadline is not None:
            left = max(0.0, m.retry_deadline - now)
            alert = Item(f"{one_line(m.retry_reason, 80)} · retry {m.retry_attempt}/{m.retry_max} "
                         f"in {left:.1f} s (Esc cancels)", 0, "bold")
        elif m.error:
            alert = Item(f"{m.error_key} details · {m.error}" if m.error_key else m.error, 0, "bold")
        return top, usage, alert

    def build_text(self) -> Text:
        """The bar at the current width: at most ``max_lines`` rows, no item cut across rows."""
        width = self.content_size.width if self.is_attached else 0
        width = width if width > 0 else 10_000
        top, usage, alert = self.items()
        lines = [fit_line(top, width)]
        budget = max(1, self.max_lines) - 1
        alert_lines = wrap_item(alert, width, max(1, budget - (1 if usage and budget > 1 else 0))) if alert else []
        if usage and budget - len(alert_lines) >= 1:
            lines.append(fit_line(usage, width, " │ "))
        lines.extend(alert_lines[:budget])
        return Text("\n").join(lines)
