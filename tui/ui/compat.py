"""Every use of Textual's private internals, in one place.

Each item is feature-detected against the installed Textual (pinned in pyproject.toml;
``tests/test_compat.py`` holds one canary per item) and has a fallback that keeps the
app correct when the internal is gone, only slower or plainer:

``install_scroll_repaint_fix``  Compositor.reflow_visible: a scroll right after a layout
                                repaints what moved, not the whole screen. Fallback: no patch.
``install_cropped_renders``     Compositor._get_renders and render_partial_update: a partial update
                                renders only the rows of each widget that a dirty region crosses,
                                not every row of every widget in the dirty regions' bounding box.
                                Fallback: no patch (Textual renders the bounding box's widgets whole).
``install_alt_enter``           the ANSI key table: ESC CR is ``alt+enter``. Fallback: Alt+Enter
                                in a legacy terminal arrives as Enter (Ctrl+J still inserts a newline).
``install_paste_guard``         XTermParser.feed: a bracketed paste is one ``Paste`` event whatever
                                it contains, capped in size. Fallback: Textual's own parser.
``SteadySize`` / ``NoRelayout`` Widget._size_updated: a widget that only grew taller is not
                                repainted a second time. Fallback: the normal (second) repaint.

Nothing is patched at import: the app calls the ``install_*`` functions when it starts.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from textual import events
from textual.geometry import Size
from textual.widget import Widget

from tui.ui.dirty_rows import gaps_by_row, rows_drawn

if TYPE_CHECKING:
    from textual.message import Message

    _WidgetBase = Widget
else:  # plain mixins at run time: subclassing Widget here would re-apply its DEFAULT_CSS
    _WidgetBase = object

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
_PATCHED = "_r1_patched"


def _private(module: str, name: str) -> Any:
    """``module.name`` from Textual, or None if it moved."""
    try:
        imported = __import__(module, fromlist=[name])
    except ImportError:
        return None
    return getattr(imported, name, None)


# -- the compositor ---------------------------------------------------------------------


def scroll_repaint_fix_available() -> bool:
    """The compositor still has the method and the two maps the fix relies on."""
    compositor = _private("textual._compositor", "Compositor")
    if compositor is None or not callable(getattr(compositor, "reflow_visible", None)):
        return False
    source = inspect.getsource(compositor)
    return "_visible_map" in source and "_full_map" in source


def install_scroll_repaint_fix() -> bool:
    """Make a scroll right after a layout repaint what moved, not the whole screen (idempotent).

    Textual's compositor drops its map of visible widgets on every full layout, and the
    next scroll-only update compares against an empty map: every widget counts as
    changed and the whole screen (~20 KB at 120x40) is sent again. The full map built by
    that layout holds the same geometry, so compare against it instead.
    """
    if not scroll_repaint_fix_available():
        return False
    compositor = _private("textual._compositor", "Compositor")
    original = compositor.reflow_visible
    if getattr(original, _PATCHED, False):
        return True

    def reflow_visible(self: Any, parent: Any, size: Any) -> Any:
        if self._visible_map is None and self._full_map and self.size == size:
            self._visible_map = self._full_map
        return original(self, parent, size)

    setattr(reflow_visible, _PATCHED, True)
    reflow_visible.__wrapped__ = original  # type: ignore[attr-defined]
    compositor.reflow_visible = reflow_visible
    return True


def cropped_renders_available() -> bool:
    """The compositor still renders a partial update through ``_get_renders(crop)`` over
    ``visible_widgets``, from the ``_dirty_regions`` that ``render_partial_update`` takes."""
    compositor = _private("textual._compositor", "Compositor")
    method = getattr(compositor, "_get_renders", None)
    partial = getattr(compositor, "render_partial_update", None)
    if compositor is None or not callable(method) or not callable(partial):
        return False
    if list(inspect.signature(method).parameters) != ["self", "crop"] or not hasattr(compositor, "visible_widgets"):
        return False
    source = inspect.getsource(compositor)
    return ("renders = self._get_renders(crop)" in source and "intersection(region, clip)" in source
            and "update_regions = self._dirty_regions.copy()" in inspect.getsource(partial))


def install_cropped_renders() -> bool:
    """Make a partial update render only the rows it changes (idempotent).

    Textual's compositor keeps every widget whose *container* overlaps the bounding box of
    the update's dirty regions and asks it for all of its rows, then throws away the rows that
    did not change. While an answer streams the dirty regions are a few rows of one pane and
    the prompt's cursor: their bounding box is most of the screen, and every widget on it
    rendered (and filtered) every row, every frame, containers behind their children included.
    Here, front to back, a widget renders the rows where it has a dirty cell that no widget in
    front of it drew, over its whole width (the screen's cuts fall on widget edges). The update
    sends only dirty cells, and the front widget at each of them is rendered there; a cell's
    first strip wins, so the widgets skipped (behind, or with no dirty cell) drew nothing sent.
    """
    if not cropped_renders_available():
        return False
    compositor = _private("textual._compositor", "Compositor")
    original = compositor._get_renders
    if getattr(original, _PATCHED, False):
        return True
    original_partial = compositor.render_partial_update
    region_type = _private("textual.geometry", "Region")

    def render_partial_update(self: Any) -> Any:
        self._r1_dirty = tuple(self._dirty_regions)
        try:
            return original_partial(self)
        finally:
            self._r1_dirty = ()

    def _get_renders(self: Any, crop: Any = None) -> Iterator[Any]:
        dirty = getattr(self, "_r1_dirty", ())
        if crop is None or not dirty:
            yield from original(self, crop)
            return
        gaps = gaps_by_row(dirty)
        for widget, (region, clip) in self.visible_widgets.items():  # front to back
            visible = region.intersection(clip)
            for top, bottom in rows_drawn(gaps, visible) if visible else ():
                rows = clip.intersection(region_type(clip.x, top, clip.width, bottom - top))
                yield region, rows, widget.render_lines(
                    region_type(visible.x - region.x, top - region.y, visible.width, bottom - top))

    for patched, was in ((_get_renders, original), (render_partial_update, original_partial)):
        setattr(patched, _PATCHED, True)
        setattr(patched, "__wrapped__", was)
    compositor._get_renders = _get_renders
    compositor.render_partial_update = render_partial_update
    return True


# -- the key table ------------------------------------------------------------------------


def install_alt_enter() -> bool:
    """Map ESC CR to ``alt+enter`` (idempotent); False if Textual's table moved.

    In a legacy (non-kitty) terminal Alt+Enter arrives as ESC CR, which Textual reports
    as a plain ``enter``: the prompt would send instead of inserting a newline.
    """
    table = _private("textual._ansi_sequences", "ANSI_SEQUENCES_KEYS")
    if not isinstance(table, dict):
        return False
    table.setdefault("\x1b\r", (SimpleNamespace(value="alt+enter"),))
    return True


# -- bracketed paste ----------------------------------------------------------------------


_paste_limit = 400_001  # characters kept of one paste (set by install_paste_guard)


class _PasteState:
    """One parser's paste in progress (kept on the parser instance)."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.size = 0
        self.in_paste = False
        self.held = ""  # a possible start of a marker, split across two reads
        self.held_at = 0.0

    def take(self, text: str) -> None:
        room = _paste_limit - self.size
        if room > 0:
            self.pieces.append(text[:room])
        self.size += len(text)

    def event(self) -> events.Paste:
        text = "".join(self.pieces)
        self.pieces, self.size, self.in_paste = [], 0, False
        return events.Paste(text.replace("\x00", ""))


def _marker_prefix(data: str, marker: str) -> int:
    """Length of the longest proper prefix of ``marker`` that ``data`` ends with (at least 2)."""
    for size in range(min(len(marker) - 1, len(data)), 1, -1):
        if data.endswith(marker[:size]):
            return size
    return 0


def paste_guard_available() -> bool:
    """Textual's xterm parser still has ``feed`` / ``tick`` and the paste markers we expect."""
    parser = _private("textual._xterm_parser", "XTermParser")
    start = _private("textual._xterm_parser", "BRACKETED_PASTE_START")
    end = _private("textual._xterm_parser", "BRACKETED_PASTE_END")
    return (parser is not None and callable(getattr(parser, "feed", None)) and callable(getattr(parser, "tick", None))
            and start == PASTE_START and end == PASTE_END)


def install_paste_guard(limit: int) -> bool:
    """Deliver every bracketed paste as one ``Paste`` event of at most ``limit`` characters (idempotent).

    Textual's parser reads escape sequences inside a paste as key presses: 60 KB of them
    became ~48,000 keystrokes and the app stopped answering. Here the text between the
    paste markers is collected as it arrives (beyond ``limit`` only counted, so a huge
    paste costs no memory) and handed over as one event; the receiver refuses it when it
    is too long and sanitises what it accepts.
    """
    global _paste_limit
    if not paste_guard_available():
        return False
    _paste_limit = limit
    parser_class = _private("textual._xterm_parser", "XTermParser")
    original_feed = parser_class.feed
    original_tick = parser_class.tick
    if getattr(original_feed, _PATCHED, False):
        return True
    escape_delay = float(getattr(_private("textual", "constants"), "ESCAPE_DELAY", 0.1) or 0.1)

    def state_of(parser: Any) -> _PasteState:
        state = parser.__dict__.get("_r1_paste")
        if state is None:
            state = parser.__dict__["_r1_paste"] = _PasteState()
        return state

    def feed(self: Any, data: str) -> Iterator[Message]:
        state = state_of(self)
        if not data:  # end of input: a paste cut short is still delivered
            if state.in_paste:
                yield state.event()
            yield from original_feed(self, state.held)
            state.held = ""
            yield from original_feed(self, data)
            return
        data, state.held = state.held + data, ""
        while data:
            if state.in_paste:
                end = data.find(PASTE_END)
                if end < 0:
                    keep = _marker_prefix(data, PASTE_END)
                    state.take(data[: len(data) - keep])
                    state.held, state.held_at = data[len(data) - keep :], time.monotonic()
                    return
                state.take(data[:end])
                data = data[end + len(PASTE_END) :]
                yield state.event()
                continue
            start = data.find(PASTE_START)
            if start < 0:
                keep = _marker_prefix(data, PASTE_START)
                if keep:
                    data, state.held, state.held_at = data[:-keep], data[-keep:], time.monotonic()
                if data:
                    yield from original_feed(self, data)
                return
            if start:
                yield from original_feed(self, data[:start])
            state.in_paste = True
            data = data[start + len(PASTE_START) :]

    def tick(self: Any) -> Iterable[Message]:
        state = state_of(self)
        if state.held and not state.in_paste and time.monotonic() - state.held_at >= escape_delay:
            held, state.held = state.held, ""  # not a paste marker after all: keys, as typed
            yield from original_feed(self, held)
        yield from original_tick(self)

    setattr(feed, _PATCHED, True)
    feed.__wrapped__ = original_feed  # type: ignore[attr-defined]
    tick.__wrapped__ = original_tick  # type: ignore[attr-defined]
    parser_class.feed = feed
    parser_class.tick = tick
    return True


# -- widgets that grow --------------------------------------------------------------------


def _size_hook_available() -> bool:
    hook = getattr(Widget, "_size_updated", None)
    if hook is None:
        return False
    try:
        params = list(inspect.signature(hook).parameters)
    except (TypeError, ValueError):
        return False
    if params != ["self", "size", "virtual_size", "container_size", "layout"]:
        return False
    try:
        return "self._size" in inspect.getsource(hook)
    except (OSError, TypeError):
        return False


SIZE_HOOK_AVAILABLE = _size_hook_available()


class SteadySize(_WidgetBase):
    """Mixin (list it before the widget class): growing taller does not repaint the widget twice.

    Textual marks a resized widget wholly dirty *after* the layout pass that already
    painted its new region. When only the height changed, the rows already on screen
    kept their place and the new ones were painted by that layout.
    """

    if SIZE_HOOK_AVAILABLE:

        def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
            if size.width == self._size.width:
                self._size = size
            return super()._size_updated(size, virtual_size, container_size, layout)


class NoRelayout(_WidgetBase):
    """Mixin for scroll containers: a change of virtual height does not lay the children out twice.

    The layout that changed the virtual height already placed (and painted) the children.
    """

    if SIZE_HOOK_AVAILABLE:

        def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
            return super()._size_updated(size, virtual_size, container_size, layout=False)


def installed() -> dict[str, bool]:
    """Which internals this Textual offers (for ``doctor``-style reports and the canaries)."""
    return {
        "scroll_repaint_fix": scroll_repaint_fix_available(),
        "cropped_renders": cropped_renders_available(),
        "alt_enter": isinstance(_private("textual._ansi_sequences", "ANSI_SEQUENCES_KEYS"), dict),
        "paste_guard": paste_guard_available(),
        "size_hook": SIZE_HOOK_AVAILABLE,
    }


def install_all(paste_limit: int) -> dict[str, bool]:
    """Install every patch this Textual allows; returns which ones are in place."""
    return {
        "scroll_repaint_fix": install_scroll_repaint_fix(),
        "cropped_renders": install_cropped_renders(),
        "alt_enter": install_alt_enter(),
        "paste_guard": install_paste_guard(paste_limit),
        "size_hook": SIZE_HOOK_AVAILABLE,
    }


__all__ = [
    "NoRelayout",
    "SteadySize",
    "install_all",
    "install_alt_enter",
    "install_cropped_renders",
    "install_paste_guard",
    "install_scroll_repaint_fix",
]
