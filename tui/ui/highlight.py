"""Search highlighting: snippet markers to styled ``Text``; query words to a regex.

Everything shown is sanitised with :func:`tui.sanitize.for_display`; nothing is
ever rendered as markup (styles are spans on ``rich.text.Text`` / ``Content``).
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from tui.sanitize import for_display
from tui.store.search import CLOSE, OPEN

HIGHLIGHT_STYLE = "bold black on yellow"
_MARKERS = re.compile(f"([{OPEN}{CLOSE}])")
_WORD = re.compile(r"\w+")


def snippet_text(snippet: str, style: str = HIGHLIGHT_STYLE) -> Text:
    """A search snippet (``«term»`` markers) as Text with the terms styled, markers removed."""
    text = Text(no_wrap=False)
    inside = False
    for piece in _MARKERS.split(snippet):
        if piece == OPEN:
            inside = True
        elif piece == CLOSE:
            inside = False
        elif piece:
            text.append(for_display(piece).replace("\n", " "), style=style if inside else None)
    return text


def marked_terms(snippet: str) -> list[str]:
    """The words FTS marked in ``snippet`` (between « and »)."""
    return re.findall(f"{OPEN}([^{CLOSE}]*){CLOSE}", snippet)


def term_pattern(query: str, snippet: str = "") -> re.Pattern[str] | None:
    """A case-insensitive regex for the query's words (as prefixes) and the snippet's marked terms."""
    words: set[str] = set()
    for source in (query, *marked_terms(snippet)):
        words.update(w for w in _WORD.findall(source) if w)
    if not words:
        return None
    alternatives = sorted(words, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in alternatives) + r")\w*", re.IGNORECASE)


def highlighted(text: str, pattern: re.Pattern[str] | None, style: str = HIGHLIGHT_STYLE) -> Text:
    """``text`` (sanitised) as Text with every match of ``pattern`` styled."""
    out = Text(for_display(text))
    if pattern is not None:
        out.highlight_regex(pattern, style=style)
    return out


def highlight_strip(line: str, pattern: re.Pattern[str], style: Style, width: int) -> Strip:
    """One pre-wrapped row (sanitised) as a Strip of ``width`` cells with matches highlighted."""
    marked = style + Style.parse(HIGHLIGHT_STYLE)
    segments: list[Segment] = []
    at = 0
    for match in pattern.finditer(line):
        if match.start() > at:
            segments.append(Segment(line[at : match.start()], style))
        if match.end() > match.start():
            segments.append(Segment(match.group(), marked))
        at = match.end()
    if at < len(line):
        segments.append(Segment(line[at:], style))
    return Strip(segments, cell_len(line)).adjust_cell_length(width, style)
