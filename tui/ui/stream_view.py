"""The widget side of one running answer: the only place a stream's updates reach widgets.

A controller (today :class:`tui.ui.generation.Generation`; tomorrow the conversation
engine's updates, through an adapter) calls these methods in the order things happen;
each changes the answer blocks, the reasoning pane and the status bar, and nothing
else. The text stays the engine's: blocks read it through a source and are told what was
added; the screen is repainted by the frame
clock, not per call.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field

from tui.sanitize import one_line
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.answer_block import AnswerBlock, TextSource
from tui.ui.widgets.answer_pane import AnswerPane
from tui.ui.widgets.message_stats import Stats
from tui.ui.widgets.reasoning_pane import ReasoningPane
from tui.ui.widgets.status import StatusBar, Tokens

Notify = Callable[[str], None]
END_HOLD_CAP_S = 0.25  # the end's single frame waits at most this long for the saving and the footer


@dataclass
class StreamView:
    """The blocks of one request's choices (one alternative each) and the panes they report to."""

    group: AnswerGroup
    answers: AnswerPane
    reasoning: ReasoningPane
    status: StatusBar
    notify: Notify
    label: str = "assistant"
    low_bandwidth: bool = False
    opened: Callable[[], None] | None = None  # called once the first answer is stored and shown
    blocks: dict[int, AnswerBlock] = field(default_factory=dict)
    _hold: ExitStack | None = field(default=None, init=False, repr=False)

    # -- choices -------------------------------------------------------------------------

    def block(self, choice: int) -> AnswerBlock:
        return self.blocks[choice]

    async def open(self, choice: int, msg_id: str | None, number: int, text: TextSource) -> AnswerBlock:
        """Mount the block of ``choice`` (stored as alternative ``number``; ``text`` reads its text from
        the engine); choice 0 is displayed."""
        block = AnswerBlock(msg_id=msg_id, choice=number, label=one_line(self.label, 40), text=text)
        block.min_interval = 0.25 if self.low_bandwidth else 0.0
        self.blocks[choice] = block
        shown = choice == 0
        await self.group.add(block, select=shown)
        block.begin()
        self.answers.track_live(block)
        if shown:
            self.reasoning.show(block)
            if self.opened is not None:
                self.opened()
        return block

    # -- the request ---------------------------------------------------------------------

    def begin(self) -> None:
        """A request is about to go out: the per-answer figures start afresh."""
        model = self.status.model
        model.error = ""
        model.ttft_s = None
        model.rate = ""
        model.stream_start = None
        model.activity = "waiting"
        self.status.changed()

    def started(self) -> None:
        self.status.model.retry_deadline = None
        self.status.model.activity = "thinking"
        self.status.changed()

    def retrying(self, attempt: int, maximum: int, delay_s: float, reason: str) -> None:
        model = self.status.model
        model.retry_reason = reason
        model.retry_attempt = attempt
        model.retry_max = maximum
        model.retry_deadline = time.monotonic() + delay_s
        model.activity = "waiting to retry"
        self.status.render_now()

    def failed(self, text: str, details: str = "") -> None:
        """The status line shows ``text``; ``details`` (default: ``text``) is what the error key shows in full."""
        self.status.model.error = text
        self.status.model.error_details = details or text
        self.status.model.retry_deadline = None
        self.status.changed()

    def notice(self, message: str) -> None:
        self.notify(one_line(message, 300))

    def usage(self, tokens: Tokens, *, final: bool) -> None:
        model = self.status.model
        model.last = tokens
        if final:
            model.conversation.add(tokens)
        self.status.changed()

    # -- text ----------------------------------------------------------------------------

    def first_token(self, choice: int, ttft_s: float | None, at: float | None) -> None:
        """The first text of ``choice``: TTFT, and the thinking timer starts (an answer stops it)."""
        block = self.blocks[choice]
        block.stats = Stats(first_token_s=ttft_s)
        self.reasoning.refresh_stats(block)
        if block.think_start is None and block.thought_s is None:
            block.think_start = at
            self._timing(block)
        model = self.status.model
        if model.stream_start is None:
            model.ttft_s = ttft_s
            model.stream_start = at
            self.status.changed()

    def reasoning_text(self, choice: int, text: str) -> None:
        self.status.model.live_chars += len(text)
        self.reasoning.append(self.blocks[choice], text)

    async def answer_text(self, choice: int, text: str) -> None:
        self.status.model.live_chars += len(text)
        await self.blocks[choice].write(text)

    def answering(self, choice: int, reasoning_s: float | None) -> None:
        """``choice`` stopped thinking and started its answer."""
        self.thinking_ended(choice, reasoning_s)
        self.status.model.activity = "answering"
        self.status.changed()

    def thinking_ended(self, choice: int, reasoning_s: float | None) -> None:
        block = self.blocks[choice]
        block.thought_s = reasoning_s
        block.think_start = None
        self._timing(block)

    async def reclassified(self, choice: int) -> None:
        """The split of ``choice`` into reasoning and answer was revised as a whole (the source has it)."""
        block = self.blocks[choice]
        await block.replace()
        self.reasoning.replace(block, block.reasoning)

    def _timing(self, block: AnswerBlock) -> None:
        state = "" if block.state in ("streaming", "complete") else block.state
        self.reasoning.set_timing(block, think_start=block.think_start, thought_s=block.thought_s, state=state)

    # -- the end -------------------------------------------------------------------------

    def hold_frames(self) -> None:
        """Hold the screen's updates from the stream's end until :meth:`release_frames` (at most
        ``END_HOLD_CAP_S``): the final render, the stats, the status bar and the key footer reach
        the terminal together. They came as four frames within ~0.1 s, the last setting the settle
        lag; what is left is usually a second frame for the layout Textual does after the first."""
        if self._hold is not None:
            return
        app = self.answers.app
        hold = ExitStack()
        hold.enter_context(app.batch_update())
        timer = app.set_timer(END_HOLD_CAP_S, self.release_frames, name="end-frame-cap")
        hold.callback(timer.stop)
        self._hold = hold

    @property
    def holding_frames(self) -> bool:
        return self._hold is not None

    def release_frames(self) -> None:
        """Let the held frame out, with the status bar's latest figures in it rather than at the
        frame clock's next tick (up to 0.2 s later). Safe again; a no-op when nothing is held."""
        hold, self._hold = self._hold, None
        if hold is not None:
            self.status.tick()
            hold.close()

    async def finish(self, choice: int, state: str, note: str, reasoning_s: float | None, stats: Stats) -> None:
        """``choice`` ended in ``state``: the final render, timer and stats."""
        block = self.blocks[choice]
        self.answers.untrack_live(block)
        if not block.is_attached:  # the app is closing
            return
        block.thought_s = reasoning_s
        block.think_start = None
        await block.finish(state, note, keep_height=self.answers.is_anchored)
        block.stats = stats
        self._timing(block)
        self.reasoning.finish(block)

    def done(self, *, rate: str, activity: str, error: str | None) -> None:
        """The request ended: the status bar's final figures."""
        model = self.status.model
        if rate:
            model.rate = rate
        model.stream_start = None
        model.live_chars = 0
        model.retry_deadline = None
        model.activity = activity
        if error is not None:
            model.error = model.error_details = error
        self.status.render_now()
