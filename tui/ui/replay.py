"""Replay an answer in the app (issue 14, key id ``replay``): its reasoning and answer stream again
into the panes at the recorded pace (:func:`tui.trace.replay.schedule`), never written to history.

``replay_faster`` / ``replay_slower`` step through ×1, ×2, ×4, ×16 and ``replay_stop`` (Esc) ends
it; those keys work, and show in the footer, only while a replay runs. The status bar shows
``replay ×4 · 12.3/40.1 s``. An answer saved without a timeline is replayed at an even pace, and
the replay says so. Time comes from an injected ``clock`` (tests move it by hand); a timer at
:data:`REPLAY_HZ` releases the pieces that are due. At the end, on Esc, when an answer starts
streaming or when the block leaves the screen, the block gets back exactly what it held.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.timer import Timer

from tui.sanitize import one_line
from tui.trace.replay import SPEEDS, Piece, schedule
from tui.ui.availability import streaming_now, why_not
from tui.ui.context import STORE_ERRORS
from tui.ui.navigation import focus_now, target_group
from tui.ui.review_host import ReviewHost
from tui.ui.widgets.answer_block import AnswerBlock, TextSource

REPLAY_HZ = 10.0
EVEN_PACE = "no timeline was recorded for this answer: replayed at an even pace"


@dataclass(frozen=True)
class _Kept:
    """What the replayed block and the status bar showed before, given back at the end."""

    source: TextSource
    state: str
    thought_s: float | None
    shown_chars: int | None
    activity: str


class Replay:
    """One replay at a time, of the focused (else the last) answer."""

    def __init__(self, review: ReviewHost, clock: Callable[[], float] = time.monotonic) -> None:
        self.screen, self.context, self.panes, self.keymap = review.screen, review.context, review.panes, review.keymap
        self.clock = clock
        self.speed = SPEEDS[0]
        self.block: AnswerBlock | None = None
        self.pieces: list[Piece] = []
        self.shown = 0  # pieces released so far
        self.total_s = 0.0
        self.even = False
        self._base = 0.0  # replay seconds at ``_anchor`` (speed changes start a new anchor)
        self._anchor = 0.0
        self._kept: _Kept | None = None
        self._reasoning: list[str] = []  # the replayed text so far (the block reads it while the replay runs)
        self._answer: list[str] = []
        self._timer: Timer | None = None
        running = self.running
        review.register({"replay": self.start, "replay_faster": lambda: self.change_speed(1),
                         "replay_slower": lambda: self.change_speed(-1), "replay_stop": self.stop},
                        when={"replay_faster": running, "replay_slower": running, "replay_stop": running})

    def why_not(self, action: str) -> str | None:
        return why_not(action, self.context, self.panes, conv_id=self.context.conversation_id,
                       streaming=streaming_now(self.screen))

    def running(self) -> bool:
        return self.block is not None

    def position(self) -> float:
        """Seconds into the replay (at ×1)."""
        return self._base + (self.clock() - self._anchor) * self.speed

    # -- start -------------------------------------------------------------------------------

    def _load(self, msg_id: str) -> tuple[list[Piece], bool] | None:
        store = self.context.store
        message = store.get_message(msg_id)
        if message is None:
            return None
        timeline = self.context.timeline_of(msg_id)
        timing = message.timing
        answer_s = (timing.total_s - (timing.first_token_s or 0) - (timing.reasoning_s or 0)
                    if timing.total_s is not None else None)
        pieces = schedule(message.reasoning or "", message.content, timeline,
                          reasoning_s=timing.reasoning_s, answer_s=answer_s)
        return pieces, timeline is None or not timeline.samples

    def start(self) -> None:
        """The ``replay`` key: replay the focused (else the last) answer from its first token."""
        screen = self.screen
        why = self.why_not("trace('replay')")
        if why is not None:
            screen.notify(f"Cannot replay: {why}.", severity="warning", markup=False)
            return
        self.stop(quiet=True)
        group = target_group(self.panes, screen.focused)
        block = group.shown_block if group is not None else None
        if block is None or block.msg_id is None:
            screen.notify("There is no saved answer to replay here.", severity="warning")
            return
        try:
            loaded = self._load(block.msg_id)
        except STORE_ERRORS as exc:
            screen.notify(one_line(f"Cannot replay: {exc}", 200), severity="error", markup=False)
            return
        if loaded is None or not loaded[0]:
            screen.notify("This answer has no text to replay.", severity="warning")
            return
        self.pieces, self.even = loaded
        self.total_s = self.pieces[-1].at
        self._begin(block)
        pace = EVEN_PACE if self.even else "at the recorded pace"
        keys = self.keymap
        screen.notify(f"Replaying {pace} · {keys.describe('replay_faster')} / {keys.describe('replay_slower')} "
                      f"speed · {keys.describe('replay_stop')} ends (nothing is saved).", timeout=5)

    def _begin(self, block: AnswerBlock) -> None:
        panes = self.panes
        self._reasoning, self._answer = [], []
        reasoning, answer = self._reasoning, self._answer
        source = block.read_from(lambda: ("".join(reasoning), "".join(answer)))
        self._kept = _Kept(source, block.state, block.thought_s, block.shown_chars, panes.status.model.activity)
        self.block, self.shown, self.speed = block, 0, SPEEDS[0]
        self._base, self._anchor = 0.0, self.clock()
        block.shown_chars = None
        block.thought_s = None
        block.begin()  # an empty, streaming view
        self._label()
        focus_now(block, scroll_visible=False)  # the speed keys and Esc go to the screen from here
        panes.answers.track_live(block)
        panes.reasoning.show(block)
        pace = "an even pace (no timeline)" if self.even else "the recorded pace"
        panes.reasoning.stats.show_text(Text(f"replay at {pace} · nothing is saved", style="dim"))
        self._timer = self.screen.set_interval(1.0 / REPLAY_HZ, self.tick, name="replay")
        self.screen.refresh_bindings()
        self.tick()

    # -- while it runs -----------------------------------------------------------------------

    def tick(self) -> None:
        """Release the pieces that are due; end when all are shown (or the block cannot go on)."""
        block = self.block
        if block is None:
            return
        if not block.is_attached or streaming_now(self.screen):
            self.stop()
            return
        at = self.position()
        while self.shown < len(self.pieces) and self.pieces[self.shown].at <= at:
            self._show(block, self.pieces[self.shown])
            self.shown += 1
        self._status(min(at, self.total_s))
        if self.shown >= len(self.pieces):
            self.stop(ended=True)

    def _show(self, block: AnswerBlock, piece: Piece) -> None:
        reasoning = self.panes.reasoning
        if piece.kind == "reasoning":
            self._reasoning.append(piece.text)
            reasoning.append(block, piece.text)
            return
        if not self._answer and self._kept is not None:  # the first answer text: thinking ended
            block.thought_s = self._kept.thought_s
            reasoning.set_timing(block, think_start=None, thought_s=block.thought_s)
        self._answer.append(piece.text)
        block.markdown.add(piece.text)

    def _status(self, at: float) -> None:
        status = self.panes.status
        even = " · even pace" if self.even else ""
        status.model.activity = f"replay ×{self.speed:g} · {at:.1f}/{self.total_s:.1f} s{even}"
        status.changed()

    def _label(self) -> None:
        """The answer's header: the speed and the replay's keys (the footer has the focused answer's first)."""
        if self.block is not None:
            keys = self.keymap
            self.block.replay_label = (f"replay ×{self.speed:g} · {keys.describe('replay_faster')} "
                                       f"{keys.describe('replay_slower')} speed · {keys.describe('replay_stop')} ends")
            self.block.refresh_header()

    def change_speed(self, step: int) -> None:
        """One speed up (``step`` 1) or down (-1), from where the replay is now."""
        if self.block is None:
            return
        index = max(0, min(len(SPEEDS) - 1, SPEEDS.index(self.speed) + step))
        self._base, self._anchor = self.position(), self.clock()
        self.speed = SPEEDS[index]
        self._label()
        self._status(min(self._base, self.total_s))

    # -- the end -----------------------------------------------------------------------------

    def stop(self, *, ended: bool = False, quiet: bool = False) -> None:
        """End the replay: the block shows the answer as stored again."""
        block, kept = self.block, self._kept
        if block is None or kept is None:
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.block = self._kept = None
        panes = self.panes
        panes.answers.untrack_live(block)
        if block.is_attached:
            block.markdown.close()
            block.read_from(kept.source)
            block.state, block.thought_s, block.shown_chars = kept.state, kept.thought_s, kept.shown_chars
            block.replay_label = ""
            block.markdown.reset()
            block.refresh_header()
            if panes.reasoning.source is block:
                panes.reasoning.show(block)
        if panes.status.model.activity.startswith("replay ×"):  # not if a stream or another conversation took it
            panes.status.model.activity = kept.activity
            panes.status.render_now()
        self.screen.refresh_bindings()
        if not quiet:
            self.screen.notify("Replay ended." if ended else "Replay stopped: the answer is shown as stored.",
                               timeout=2)
