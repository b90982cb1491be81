"""One shared frame clock: the reasoning trace, its header and the status bar change together.

Separate timers at unrelated rates (trace, thinking timer, status, cursor blink) each
cause their own screen update; over SSH every update costs a frame. One clock at
``FRAME_HZ`` (``LOW_BANDWIDTH_HZ`` with ``--low-bandwidth``) flushes everything that
changed into the same frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.ui.app import R1App

FRAME_HZ = 8.0
LOW_BANDWIDTH_HZ = 3.0


def start_frame_clock(app: R1App) -> None:
    """Start the app's frame clock (call from ``on_mount``)."""
    hz = LOW_BANDWIDTH_HZ if app.low_bandwidth else FRAME_HZ

    async def frame() -> None:
        await app.reasoning_pane.tick()
        app.status.tick()

    app.set_interval(1.0 / hz, frame, name="frame-clock")
