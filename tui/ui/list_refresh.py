"""Cheap screen updates around a send: one list row instead of the whole list, and the
header's sub-title without a full-screen repaint.

Setting ``App.sub_title`` refreshes the whole screen (Textual repaints every widget: ~20 KB
at 120x40 over SSH), and redrawing the conversation list re-sends all of its rows. These
helpers change only what changed; they fall back to the full path whenever in doubt.
"""

from __future__ import annotations

from typing import Any

from textual.app import App


def refresh_current(app: Any) -> None:
    """Show the current conversation's new count; redraw the whole list only if needed."""
    listing = app.conversations
    conv_id = app.conv_id
    try:
        rows = app.store.list_conversations(limit=1) if conv_id and not listing.archived_view else []
    except Exception:
        rows = []
    if rows and rows[0].id == conv_id and conv_id in listing._titles:
        try:
            first = listing.get_option_index(conv_id) == 0
        except Exception:
            first = False
        if first and listing.update_row(rows[0]):
            return
    app.refresh_list()


def set_sub_title(app: Any, text: str) -> None:
    """Set ``app.sub_title`` and repaint the header title only."""
    if app.sub_title == text:
        return
    try:
        from textual.widgets import Header
        from textual.widgets._header import HeaderTitle

        header = app.query_one(Header)
        title = header.query_one(HeaderTitle)
    except Exception:  # no header (yet): the ordinary, full refresh
        app.sub_title = text
        return
    app.set_reactive(App.sub_title, text)
    title.update(header.format_title())
