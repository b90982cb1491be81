"""Math in Markdown text shown as Unicode (display only: stored text, copies and exports keep it raw).

:func:`to_unicode_math` finds the math spans of a Markdown text — display ``$$…$$`` and
``\\[…\\]``, inline ``\\(…\\)`` and ``$…$``, and a bare ``\\boxed{…}`` in prose — outside
fenced/indented code blocks and inline code spans, and replaces each with its Unicode
rendering (tui/trace/latex.py). ``$…$`` follows Pandoc's rule so prices stay prices: the
opening ``$`` is followed by a non-space, the closing one preceded by a non-space and not
followed by a digit; ``\\$`` is never a delimiter. A span that cannot be converted stays
as written. It never raises; run it once per completed block, not per streamed chunk
(conversions are cached).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it import MarkdownIt

from tui.trace.latex import latex_to_unicode

_MATH = re.compile(
    r"\$\$(?P<dd>.+?)\$\$"
    r"|\\\[(?P<bd>.+?)\\\]"
    r"|\\\((?P<bi>.+?)\\\)"
    r"|(?<![\\$\w])\$(?=[^\s$])(?P<di>(?:\\.|[^$\\\n])+?)(?<=[^\s\\])\$(?!\d)"
    r"|\\boxed\{",
    re.S,
)
_BACKTICKS = re.compile(r"`+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
MAX_TEXT = 400_000  # longer texts are shown raw


def _code_block_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of fenced and indented code blocks (markdown-it's block parse)."""
    tokens = MarkdownIt("commonmark").parse(text)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    ranges = []
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map:
            first, last = token.map
            start = line_starts[first] if first < len(line_starts) else len(text)
            end = line_starts[last] if last < len(line_starts) else len(text)
            ranges.append((start, end))
    return ranges


def _code_span_ranges(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Inline code spans in ``text[start:end]``: a run of N backticks up to the next run of exactly N."""
    ranges: list[tuple[int, int]] = []
    pos = start
    while True:
        opening = _BACKTICKS.search(text, pos, end)
        if opening is None:
            return ranges
        size = len(opening.group())
        closing = _BACKTICKS.search(text, opening.end(), end)
        while closing is not None and len(closing.group()) != size:
            closing = _BACKTICKS.search(text, closing.end(), end)
        if closing is None:
            pos = opening.end()  # an unmatched run is literal backticks
            continue
        ranges.append((opening.start(), closing.end()))
        pos = closing.end()


def _prose_segments(text: str) -> Iterator[tuple[int, int]]:
    """Ranges of ``text`` outside code blocks and code spans."""
    pos = 0
    for block_start, block_end in _code_block_ranges(text) + [(len(text), len(text))]:
        spans = _code_span_ranges(text, pos, block_start) + [(block_start, block_start)]
        for span_start, span_end in spans:
            if span_start > pos:
                yield pos, span_start
            pos = max(pos, span_end)
        pos = max(pos, block_end)


def _balanced_group(text: str, open_at: int, end: int) -> int | None:
    """Index after the ``}`` closing the ``{`` at ``open_at - 1``, or None if it is not closed."""
    depth = 1
    i = open_at
    while i < end:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _convert_segment(text: str, start: int, end: int, markdown: bool) -> Iterator[str]:
    pos = start
    while pos < end:
        match = _MATH.search(text, pos, end)
        if match is None:
            break
        if match.lastgroup is None:  # a bare \boxed{
            close = _balanced_group(text, match.end(), end)
            if close is None:
                yield text[pos:match.end()]
                pos = match.end()
                continue
            source, span_end = text[match.start():close], close
        else:
            source, span_end = match.group(match.lastgroup), match.end()
        converted = latex_to_unicode(source)
        yield text[pos:match.start()]
        if converted is None:
            yield text[match.start():span_end]
        else:
            yield _MARKDOWN_SPECIAL.sub(r"\\\1", converted) if markdown else converted
        pos = span_end
    yield text[pos:end]


def to_unicode_math(text: str, *, markdown: bool = False) -> str:
    """``text`` with its math spans shown as Unicode; ``\\boxed{…}`` bracketed ``⟦…⟧``.

    ``markdown=True`` backslash-escapes Markdown punctuation in the converted math, for a
    text that is rendered as Markdown afterwards. Never raises: on any failure the text
    comes back unchanged.
    """
    if ("$" not in text and "\\" not in text) or len(text) > MAX_TEXT:
        return text
    try:
        pieces: list[str] = []
        pos = 0
        for start, end in _prose_segments(text):
            pieces.append(text[pos:start])
            pieces.extend(_convert_segment(text, start, end, markdown))
            pos = end
        pieces.append(text[pos:])
        return "".join(pieces)
    except Exception:  # noqa: BLE001 - a display nicety must never break the display
        return text
