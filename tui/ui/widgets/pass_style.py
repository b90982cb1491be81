"""A Line-API widget's Rich style, worked out once per render pass instead of once per row.

``Widget.rich_style`` walks every ancestor's styles each time it is read (~0.1 ms at the
main screen's depth). A trace or answer that asks for it in ``render_line`` paid that for
each row of every frame; within one ``render_lines`` pass the style cannot change.
"""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


class PassStyle(Widget):
    """Mixin: :attr:`line_style` is ``rich_style``, read once per ``render_lines`` pass.

    Put it after the widget's own base (``class Log(ScrollView, PassStyle)``): Textual takes the
    default CSS from the first base only."""

    _pass_style: Style | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._pass_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._pass_style = None

    @property
    def line_style(self) -> Style:
        """The widget's Rich style (the pass's copy inside ``render_lines``; else worked out now)."""
        style = self._pass_style
        return self.rich_style if style is None else style
