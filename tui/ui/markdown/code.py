"""Code blocks as rows: highlighted with Pygments, long lines wrapped with a continuation mark.

A code row is ``[mark][code cells][padding]`` over the code background, exactly ``width``
cells: the first column is blank on a line's first row and shows :data:`CONTINUATION` on
the rows a long line wraps onto, so nothing is ever cut and a reader sees which rows are
one line. The text given here is already sanitised (``tui.sanitize.for_display``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import _TokenType
from pygments.util import ClassNotFound
from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.style import Style

CONTINUATION = "↪"  # first column of a row that continues the line above
WINDOW = 1000  # characters of code lexed together: ~2 ms with Pygments' Python lexer, rows included
Piece = tuple[str, Style | None]
Row = tuple[Segment, ...]
_NAME = re.compile(r"[\w+#.-]+")


@lru_cache(maxsize=64)
def lexer_for(info: str) -> Lexer | None:
    """The Pygments lexer for a fence's info string (``python``, ``sh {.x}``…); None if unknown."""
    match = _NAME.match(info.strip().removeprefix("{").lstrip("."))
    if match is None:
        return None
    try:
        return get_lexer_by_name(match.group().lower(), stripnl=False, ensurenl=False, tabsize=0)
    except ClassNotFound:
        return None


def window_end(lengths: Iterable[int]) -> int | None:
    """How many lines (of these lengths) make one highlighting window; None: not enough yet.

    Code is lexed in windows of at least :data:`WINDOW` characters cut at line ends, a rule
    that depends on the text only: a block streamed, completed or opened from history is
    highlighted the same, and no frame ever lexes more than one window.
    """
    total = 0
    for count, length in enumerate(lengths, 1):
        total += length + 1
        if total >= WINDOW:
            return count
    return None


def highlight_windows(lines: list[str], lexer: Lexer | None,
                      style_of: Callable[[_TokenType], Style | None]) -> list[list[Piece]]:
    """:func:`highlight` window by window (see :func:`window_end`)."""
    out: list[list[Piece]] = []
    at = 0
    while at < len(lines):
        size = window_end(len(line) for line in lines[at:]) or len(lines) - at
        out.extend(highlight(lines[at : at + size], lexer, style_of))
        at += size
    return out


def highlight(lines: list[str], lexer: Lexer | None, style_of: Callable[[_TokenType], Style | None]) -> list[list[Piece]]:
    """``lines`` (no newlines, tabs expanded) as styled pieces, one list per line, lexed together."""
    if lexer is None or not lines:
        return [[(line, None)] if line else [] for line in lines]
    out: list[list[Piece]] = [[]]
    for ttype, value in lexer.get_tokens("\n".join(lines) + "\n"):
        style = style_of(ttype)
        first = True
        for part in value.split("\n"):
            if not first:
                out.append([])
            first = False
            if part:
                out[-1].append((part, style))
    del out[len(lines) :]
    out.extend([] for _ in range(len(lines) - len(out)))
    return out


def token_styles(table: dict[_TokenType, Style]) -> Callable[[_TokenType], Style | None]:
    """A lookup from a token type to the style of it or its nearest styled parent (memoised)."""
    cache: dict[_TokenType, Style | None] = {}

    def style_of(ttype: _TokenType) -> Style | None:
        found = cache.get(ttype, False)
        if found is not False:
            return found  # type: ignore[return-value]
        node: _TokenType | None = ttype
        while node is not None and node not in table:
            node = node.parent
        cache[ttype] = style = table.get(node) if node is not None else None
        return style

    return style_of


def _split_cells(text: str, room: int) -> tuple[str, str]:
    """Split ``text`` after at most ``room`` cells (at least one character)."""
    if text.isascii():
        return text[:room], text[room:]
    used = 0
    for i, char in enumerate(text):
        size = get_character_cell_size(char)
        if used + size > room:
            return (text[:i], text[i:]) if i else (text[:1], text[1:])
        used += size
    return text, ""


def code_rows(lines: Iterable[list[Piece]], width: int, base: Style, mark: Style, *,
              line_ends: list[int] | None = None) -> list[Row]:
    """Rows of ``width`` cells for highlighted code lines; long lines wrap onto marked rows.

    ``line_ends`` (if given) receives, per line, the number of rows up to and including it.
    """
    inner = max(1, width - 2)
    rows: list[Row] = []
    for pieces in lines:
        segments: list[Segment] = [Segment(" ", base)]
        used = 0
        for text, style in pieces:
            styled = base + style if style is not None else base
            while text:
                if used >= inner:
                    segments.append(Segment(" ", base))
                    rows.append(tuple(Segment.simplify(segments)))
                    segments, used = [Segment(CONTINUATION, mark)], 0
                head, text = _split_cells(text, inner - used)
                segments.append(Segment(head, styled))
                used += cell_len(head)
        segments.append(Segment(" " * max(1, width - 1 - used), base))
        rows.append(tuple(Segment.simplify(segments)))  # one style run per colour: fewer bytes
        if line_ends is not None:
            line_ends.append(len(rows))
    return rows
