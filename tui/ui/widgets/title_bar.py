"""The one-line title at the top: the app's name and the open conversation (or the endpoint),
and a note after it (the conversation's cost, with a price table).

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
        self.note = ""

    def set_subtitle(self, subtitle: str) -> None:
        """Show ``subtitle`` (untrusted: a conversation title) after the name."""
        subtitle = one_line(subtitle, 60)
        if subtitle != self.subtitle:
            self.subtitle = subtitle
            self._redraw()

    def set_note(self, note: str) -> None:
        """Show ``note`` (the conversation's cost; "" for none) after the subtitle."""
        note = one_line(note, 40)
        if note != self.note:
            self.note = note
            self._redraw()

    @property
    def plain(self) -> str:
        """The line as shown."""
        return self._text().plain

    def _text(self) -> Text:
        text = Text(self.title)
        subtitle = self.subtitle
        width = self.size.width
        if self.note and width > 0:  # the note stays whole: a long title gives way
            room = width - len(self.title) - len(self.note) - 6
            subtitle = subtitle if len(subtitle) <= room else (subtitle[: room - 1] + "\u2026" if room > 1 else "")
        if subtitle:
            text.append(" — ", style="dim")
            text.append(subtitle, style="dim")
        if self.note:
            text.append(" · ", style="dim")
            text.append(self.note)
        return text

    def on_resize(self) -> None:
        if self.note:
            self._redraw()

    def _redraw(self) -> None:
        self.update(self._text(), layout=False)
