"""The one-line title at the top: the app's name and the open conversation (or the endpoint).

Changing it repaints this line only (setting ``App.sub_title`` repaints the whole screen).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.sanitize import one_line


class TitleBar(Static):
    """``r1-tui — subtitle``, centred; the subtitle is sanitised and cut to one line."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        content-align: center middle;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(Text(title), id=id, markup=False)
        self.title = title
        self.subtitle = ""

    def set_subtitle(self, subtitle: str) -> None:
        """Show ``subtitle`` (untrusted: a conversation title) after the name."""
        subtitle = one_line(subtitle, 60)
        if subtitle == self.subtitle:
            return
        self.subtitle = subtitle
        text = Text(self.title)
        if subtitle:
            text.append(" — ", style="dim")
            text.append(subtitle, style="dim")
        self.update(text, layout=False)
