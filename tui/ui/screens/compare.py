"""Two alternatives of an answer side by side (issue 14, key id ``compare``).

Each column shows one alternative: how it finished, its reasoning length, time, step count
and final answer, then the answer with a word-level difference highlight (tui/trace/diff.py):
words only the left one has are red, words only the right one has are green (both
underlined, so the marks survive a terminal without colour). One scroll area holds both
columns, so they scroll together. Below :data:`STACK_BELOW` columns the two are stacked
(left above right); at 80 columns they stay side by side, about 38 columns each.

The screen is handed :class:`Side` facts for each alternative by index (computed when first
shown); every string from the model or the store is sanitised here before it is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Static

from tui.sanitize import for_display, one_line
from tui.trace.diff import MAX_WORDS, word_diff
from tui.ui.widgets.key_footer import KeyFooter

STACK_BELOW = 70  # columns: narrower than this, the two alternatives are stacked
DELETED = "bold red underline"
INSERTED = "bold green underline"


@dataclass(frozen=True)
class Side:
    """What the compare screen shows of one alternative (raw strings: sanitised when drawn)."""

    label: str  # the deployment that answered
    answer: str
    finish: str  # "complete", "stopped", "cut at max_tokens (finish_reason: length)"...
    reasoning_chars: int
    reasoning_tokens: int | None
    tokens_estimated: bool
    total_s: float | None
    thought_s: float | None
    timed_by: str  # "timeline", "stored timing" or "" (no time known)
    steps: int
    pivots: int
    final: str | None  # the extracted final answer (tui/trace/vote.py)


def _seconds(value: float | None) -> str:
    return "?" if value is None else f"{value:.1f} s"


def facts_text(side: Side, number: int, of: int) -> Text:
    """The heading and the facts of one column."""
    text = Text(f"answer {number}/{of}", style="bold")
    text.append(f" · {one_line(side.label, 40)}" if side.label else "", style="bold")
    rows = [("finish", one_line(side.finish, 120))]
    est = "~" if side.tokens_estimated else ""
    tokens = "" if side.reasoning_tokens is None else f" · {est}{side.reasoning_tokens:,} tok"
    rows.append(("reasoning", f"{side.reasoning_chars:,} chars{tokens}" if side.reasoning_chars else "none"))
    if side.timed_by:
        rows.append(("time", f"{_seconds(side.total_s)} ({side.timed_by})"))
        rows.append(("thought", _seconds(side.thought_s)))
    else:
        rows.append(("time", "not recorded"))
    rows.append(("steps", f"{side.steps} · {side.pivots} pivot{'s' if side.pivots != 1 else ''}"))
    rows.append(("final", one_line(side.final, 80) if side.final else "none found"))
    for name, value in rows:
        text.append(f"\n{name:<10}", style="dim")
        text.append(value)
    return text


class CompareScreen(Screen[None]):
    """Two alternatives side by side; keys pick which two, scroll both, Esc closes."""

    DEFAULT_CSS = """
    CompareScreen #compare-title { height: auto; padding: 0 1; background: $panel; }
    CompareScreen #compare-body { height: 1fr; }
    CompareScreen #compare-columns { height: auto; }
    CompareScreen .compare-side { width: 1fr; height: auto; padding: 0 1; }
    CompareScreen #compare-left { border-right: solid $primary-darken-2; }
    CompareScreen.-stacked #compare-columns { layout: vertical; }
    CompareScreen.-stacked .compare-side { width: 100%; }
    CompareScreen.-stacked #compare-left { border-right: none; border-bottom: solid $primary-darken-2; }
    """

    # no ids: like the other dialogs' keys, these are fixed (F1 lists them; [keys] remaps the main screen's)
    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("[", "pick('left', -1)", "Left ‹", tooltip="The previous alternative in the left column"),
        Binding("]", "pick('left', 1)", "Left ›", tooltip="The next alternative in the left column"),
        Binding("<", "pick('right', -1)", "Right ‹", tooltip="The previous alternative in the right column"),
        Binding(">", "pick('right', 1)", "Right ›", tooltip="The next alternative in the right column"),
        Binding("s", "swap", "Swap", tooltip="Swap the two columns"),
        Binding("j", "scroll(1)", "Down", show=False, tooltip="Scroll both columns down (also Down, PageDown)"),
        Binding("k", "scroll(-1)", "Up", show=False, tooltip="Scroll both columns up (also Up, PageUp)"),
    ]

    def __init__(self, count: int, side: Callable[[int], Side], left: int, right: int, vote: str = "") -> None:
        super().__init__()
        self.count = count
        self._side = side
        self._sides: dict[int, Side] = {}
        self.left, self.right = left, right
        self.vote = vote

    def side(self, index: int) -> Side:
        """The facts of alternative ``index`` (computed once)."""
        if index not in self._sides:
            self._sides[index] = self._side(index)
        return self._sides[index]

    def compose(self) -> ComposeResult:
        yield Static(id="compare-title", markup=False)
        with VerticalScroll(id="compare-body"):
            with Horizontal(id="compare-columns"):
                yield Static(id="compare-left", classes="compare-side", markup=False)
                yield Static(id="compare-right", classes="compare-side", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self._layout(self.app.size.width)
        self.show()
        self.query_one("#compare-body").focus()  # the arrows and PageUp / PageDown scroll both columns

    def on_resize(self, event: Resize) -> None:
        self._layout(event.size.width)

    def _layout(self, width: int) -> None:
        self.set_class(width < STACK_BELOW, "-stacked")

    # -- what is shown ----------------------------------------------------------------------

    def texts(self) -> tuple[Text, Text, Text]:
        """The title and the two columns for the alternatives picked now."""
        left, right = self.side(self.left), self.side(self.right)
        diff = word_diff(for_display(left.answer), for_display(right.answer))
        title = Text(f"Compare answers {self.left + 1} and {self.right + 1} of {self.count}", style="bold")
        if self.vote:
            title.append(f" · vote {one_line(self.vote, 120)}")
        if not diff.compared:
            title.append(f"\nToo long to compare word by word (over {MAX_WORDS:,} words): shown unmarked.",
                         style="italic")
        elif diff.same:
            title.append("\nThe two answers are the same, word for word.", style="italic")
        else:
            title.append("\nWords only in the left answer: ", style="italic")
            title.append("red", style=DELETED)
            title.append(" · only in the right: ", style="italic")
            title.append("green", style=INSERTED)
        columns = []
        for index, side, pieces, style in ((self.left, left, diff.left, DELETED),
                                           (self.right, right, diff.right, INSERTED)):
            text = facts_text(side, index + 1, self.count)
            text.append("\n" + "─" * 12 + "\n", style="dim")
            for piece in pieces:
                text.append(piece.text, style=style if piece.changed else "")
            columns.append(text)
        return title, columns[0], columns[1]

    def show(self) -> None:
        """Draw the picked pair."""
        title, left, right = self.texts()
        self.query_one("#compare-title", Static).update(title)
        self.query_one("#compare-left", Static).update(left)
        self.query_one("#compare-right", Static).update(right)

    def plain_text(self) -> str:
        """The title and both columns as plain text (for tests)."""
        return "\n".join(t.plain for t in self.texts())

    # -- keys --------------------------------------------------------------------------------

    def action_pick(self, column: str, delta: int) -> None:
        """Show the next / previous alternative in ``column`` (never the one the other column shows)."""
        current, other = (self.left, self.right) if column == "left" else (self.right, self.left)
        picked = (current + delta) % self.count
        if picked == other:
            picked = (picked + delta) % self.count
        if picked == current:
            self.notify("There are only two alternatives: both are shown.", timeout=3)
            return
        if column == "left":
            self.left = picked
        else:
            self.right = picked
        self.show()

    def action_swap(self) -> None:
        self.left, self.right = self.right, self.left
        self.show()

    def action_scroll(self, delta: int) -> None:
        body = self.query_one("#compare-body", VerticalScroll)
        body.scroll_down(animate=False) if delta > 0 else body.scroll_up(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
