"""One shared frame clock: the reasoning trace, its header and the status bar change together.

Separate timers at unrelated rates (trace, thinking timer, status, cursor blink) each
cause their own screen update; over SSH every update costs a frame. One clock at
``FRAME_HZ`` (``LOW_BANDWIDTH_HZ`` with ``--low-bandwidth``) flushes everything that
changed into the same frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.ui.app import R1App

FRAME_HZ = 5.0
LOW_BANDWIDTH_HZ = 3.0


def start_frame_clock(app: R1App) -> None:
    """Start the app's frame clock (call from ``on_mount``)."""
    hz = LOW_BANDWIDTH_HZ if app.low_bandwidth else FRAME_HZ
    install_scroll_repaint_fix()

    async def frame() -> None:
        await app.reasoning_pane.tick()
        app.transcript.tick()
        app.status.tick()

    app.set_interval(1.0 / hz, frame, name="frame-clock")


def install_scroll_repaint_fix() -> None:
    """Make a scroll right after a layout repaint what moved, not the whole screen.

    Textual's compositor drops its map of visible widgets on every full layout, and the
    next scroll-only update compares against an empty map: every widget counts as
    changed and the whole screen (~20 KB at 120x40) is sent again. The full map built by
    that layout holds the same geometry, so compare against it instead. Idempotent.
    """
    from textual._compositor import Compositor

    original = Compositor.reflow_visible
    if getattr(original, "_r1_fixed", False):
        return

    def reflow_visible(self: Compositor, parent: Any, size: Any) -> Any:
        if self._visible_map is None and self._full_map and self.size == size:
            self._visible_map = self._full_map
        return original(self, parent, size)

    reflow_visible._r1_fixed = True  # type: ignore[attr-defined]
    Compositor.reflow_visible = reflow_visible  # type: ignore[method-assign]


def warm_up_after_first_paint(app: R1App) -> None:
    """Import the chat SDK in a thread once the first frame is out, not on the first send."""
    if app.client is None:
        return

    def start() -> None:
        from tui.llm.client import ChatClient

        app.run_worker(ChatClient.warm_up, thread=True, exclusive=False, group="warm-up", exit_on_error=False)

    app.call_after_refresh(start)
