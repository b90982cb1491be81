"""One shared frame clock: the reasoning trace, its header, the answers and the status bar change together.

Separate timers at unrelated rates (trace, thinking timer, status, cursor blink) each
cause their own screen update; over SSH every update costs a frame. One clock at
``FRAME_HZ`` (``LOW_BANDWIDTH_HZ`` with ``--low-bandwidth``) flushes everything that
changed into the same frame.
"""

from __future__ import annotations

from textual.widget import Widget

from tui.ui.panes import Panes

FRAME_HZ = 5.0
LOW_BANDWIDTH_HZ = 3.0


class FrameClock:
    """Ticks the panes of the main screen."""

    def __init__(self, panes: Panes, *, low_bandwidth: bool = False) -> None:
        self.panes = panes
        self.hz = LOW_BANDWIDTH_HZ if low_bandwidth else FRAME_HZ

    def start(self, owner: Widget) -> None:
        """Run the clock on ``owner``'s timers (call from ``on_mount``)."""
        owner.set_interval(1.0 / self.hz, self.frame, name="frame-clock")

    def frame(self) -> None:
        """One frame: new trace rows and header, new answer text, the status bar."""
        panes = self.panes
        panes.reasoning.tick()
        panes.answers.tick()
        panes.status.tick()
