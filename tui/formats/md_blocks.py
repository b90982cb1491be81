"""Split Markdown into top-level blocks as it streams (pure: no Textual, no terminal).

:class:`BlockSplitter` is fed text in any chunks and reports each block as soon as it is
complete: a paragraph at the blank line (or the line that interrupts it), a heading or a
rule at its line end, a fenced code block at its closing fence, a list item when the next
item (or whatever ends the list) begins, a table when a line is not a row, a quote at the
blank line. Only the block still growing stays open, and only its text is kept. Decisions
are taken on complete lines only, so any chunking of a text gives the same blocks as
feeding it whole (tests/test_md_blocks.py checks it). The rules follow CommonMark/GFM
closely enough that rendering each block alone reads like rendering the whole document;
``$$`` / ``\\[`` lines open a display-math block kept verbatim. Blocks carry the exact
source slice (``text``): nothing is sanitised here.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from tui.formats.md_lines import (
    DELIMITER_RE, HEADING_RE, MATH_CLOSE_RE, MATH_OPEN_RE, QUOTE_RE, RULE_RE, SETEXT_RE, closes_fence, fence_open,
    indent_of, list_item, starts_block, table_cells)

PARAGRAPH, HEADING, FENCE, CODE, LIST, TABLE, QUOTE, RULE, MATH = (
    "paragraph", "heading", "fence", "code", "list", "table", "quote", "rule", "math")


@dataclass(frozen=True, slots=True)
class Block:
    """One complete top-level block: its kind, where it starts in the whole text, its source."""

    kind: str
    start: int
    text: str
    blank_before: bool = False  # a blank line separates it from the block before

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True, slots=True)
class OpenBlock:
    """The block still growing: its kind so far and where it starts (its text: ``text_from``)."""

    kind: str
    start: int
    blank_before: bool
    fence_info: str = ""  # FENCE: the info string (language); its first line is complete
    content_start: int = -1  # FENCE: where the code begins (after the opening line)
    fence_indent: int = 0  # FENCE: spaces before the opening fence (removed from code lines)


class BlockSplitter:
    """Incremental splitter: :meth:`feed` returns the blocks completed by the new text."""

    def __init__(self) -> None:
        self._chunks: list[str] = []  # text from ``_base`` on (the open block and the partial line)
        self._starts: list[int] = []  # absolute offset of each chunk
        self._base = 0
        self._total = 0
        self._line_start = 0  # where the current (partial) line starts
        self._out: list[Block] = []
        self._blank_before = False
        self._kind = ""  # "" = between blocks
        self._start = 0
        self._end = 0  # end of the last line that belongs to the open block
        self._marker = ""  # FENCE: the opening fence; MATH: its opener; LIST: the item marker
        self._info = ""
        self._content_start = -1
        self._fence_indent = 0
        self._width = 0  # LIST: content indent of the item
        self._inner = ""  # LIST: fence open inside the item
        self._blank_run = False  # LIST/CODE: blank lines seen and not yet taken into the block
        self._last_line = ""  # PARAGRAPH: its last line (a table header if a delimiter row follows)
        self._last_start = 0

    # -- feeding -----------------------------------------------------------------------

    def feed(self, text: str) -> list[Block]:
        """Add ``text``; return the blocks it completed, in order."""
        if text:
            self._chunks.append(text)
            self._starts.append(self._total)
            at = self._total
            self._total += len(text)
            newline = text.find("\n")
            while newline >= 0:
                end = at + newline + 1
                self._line(self._slice(self._line_start, end), self._line_start, end)
                self._line_start = end
                newline = text.find("\n", newline + 1)
            self._trim()
        out, self._out = self._out, []
        return out

    def close(self) -> list[Block]:
        """The text ended: complete the partial line and every open block."""
        if self._line_start < self._total:
            self._line(self._slice(self._line_start, self._total), self._line_start, self._total)
            self._line_start = self._total
        if self._kind:
            self._emit()
        self._trim()
        out, self._out = self._out, []
        return out

    # -- the open block ------------------------------------------------------------------

    @property
    def open_block(self) -> OpenBlock | None:
        """The growing block (``None`` when nothing but blank lines follows the last block)."""
        if self._kind:
            if self._kind == FENCE:
                return OpenBlock(FENCE, self._start, self._blank_before, self._info,
                                 self._content_start, self._fence_indent)
            return OpenBlock(self._kind, self._start, self._blank_before)
        partial = self._slice(self._line_start, self._total)
        if not partial.strip():
            return None
        kind = PARAGRAPH
        if fence_open(partial):
            kind = FENCE  # its info string is not complete yet: content_start stays -1
        elif HEADING_RE.match(partial):
            kind = HEADING
        return OpenBlock(kind, self._line_start, self._blank_before)

    def text_from(self, offset: int) -> str:
        """The text from absolute ``offset`` (inside the open block or the partial line) to the end."""
        return self._slice(max(offset, self._base), self._total)

    @property
    def total(self) -> int:
        """Characters fed so far."""
        return self._total

    # -- internals ---------------------------------------------------------------------

    def _slice(self, start: int, end: int) -> str:
        if start >= end:
            return ""
        i = bisect_right(self._starts, start) - 1
        j = bisect_right(self._starts, end - 1) - 1
        if i == j:
            offset = self._starts[i]
            return self._chunks[i][start - offset : end - offset]
        parts = [self._chunks[i][start - self._starts[i] :], *self._chunks[i + 1 : j]]
        parts.append(self._chunks[j][: end - self._starts[j]])
        return "".join(parts)

    def _trim(self) -> None:
        """Forget the text before the open block (or the partial line)."""
        keep = self._start if self._kind else self._line_start
        drop = bisect_right(self._starts, keep) - 1
        if drop > 0:
            del self._chunks[:drop], self._starts[:drop]
        if self._starts and self._starts[0] < keep and len(self._chunks[0]) > 4096:
            self._chunks[0] = self._chunks[0][keep - self._starts[0] :]
            self._starts[0] = keep
        self._base = self._starts[0] if self._starts else self._total

    def _emit(self, end: int | None = None) -> None:
        end = self._end if end is None else end
        self._out.append(Block(self._kind, self._start, self._slice(self._start, end), self._blank_before))
        self._kind, self._blank_before, self._blank_run, self._inner = "", False, False, ""

    def _open(self, kind: str, start: int, end: int) -> None:
        self._kind, self._start, self._end = kind, start, end

    def _line(self, raw: str, start: int, end: int) -> None:
        line = raw.rstrip("\n").removesuffix("\r").expandtabs(4)
        blank = not line.strip()
        kind = self._kind
        if kind == FENCE:
            self._end = end
            if start >= self._content_start and closes_fence(line, self._marker):
                self._emit()
            return
        if kind == MATH:
            self._end = end
            if MATH_CLOSE_RE[self._marker].match(line):
                self._emit()
            return
        if kind == LIST:
            self._list_line(line, blank, start, end)
            return
        if kind == CODE:
            if blank:
                self._blank_run = True
                return
            if indent_of(line) >= 4:
                self._blank_run, self._end = False, end
                return
            blank_seen = self._blank_run
            self._emit()
            self._blank_before = blank_seen
            self._start_block(line, start, end)
            return
        if kind in (PARAGRAPH, QUOTE, TABLE):
            if blank:
                self._emit()
                self._blank_before = True
                return
            if kind == PARAGRAPH and self._paragraph_line(line, start, end):
                return
            if kind == QUOTE and (QUOTE_RE.match(line) or not starts_block(line)):
                self._end = end
                return
            if kind == TABLE and "|" in line and not starts_block(line):
                self._end = end
                return
            self._emit()
        if blank:
            self._blank_before = True
            return
        self._start_block(line, start, end)

    def _start_block(self, line: str, start: int, end: int) -> None:
        fence = fence_open(line)
        if fence:
            self._open(FENCE, start, end)
            self._marker, self._info = fence.group(2), fence.group(3).strip()
            self._content_start, self._fence_indent = end, len(fence.group(1))
            return
        math = MATH_OPEN_RE.match(line)
        if math:
            self._open(MATH, start, end)
            self._marker = math.group(1)
            return
        if HEADING_RE.match(line) or RULE_RE.match(line):
            self._open(HEADING if HEADING_RE.match(line) else RULE, start, end)
            self._emit()
            return
        item = list_item(line)
        if item is not None:
            self._open(LIST, start, end)
            self._width, self._marker = item[0], item[1]
            return
        if QUOTE_RE.match(line):
            self._open(QUOTE, start, end)
        elif indent_of(line) >= 4:
            self._open(CODE, start, end)
        else:
            self._open(PARAGRAPH, start, end)
        self._last_line, self._last_start = line, start

    def _paragraph_line(self, line: str, start: int, end: int) -> bool:
        """Handle a non-blank line inside a paragraph; ``False`` if it ends the paragraph."""
        if SETEXT_RE.match(line):
            self._end, self._kind = end, HEADING
            self._emit()
            return True
        previous = self._last_line
        if (DELIMITER_RE.match(line) and "|" in previous and "|" in line
                and indent_of(previous) < 4 and table_cells(previous) == table_cells(line)):
            header_start = self._last_start
            if header_start > self._start:  # the lines before the header stay a paragraph
                self._emit(header_start)
            self._open(TABLE, header_start, end)
            return True
        if starts_block(line):
            return False
        self._end, self._last_line, self._last_start = end, line, start
        return True

    def _list_line(self, line: str, blank: bool, start: int, end: int) -> None:
        if blank:
            self._blank_run = True
            return
        indent = indent_of(line)
        if indent >= self._width:  # nested content of the item
            inner = line[self._width :]
            if self._inner:
                if closes_fence(inner, self._inner):
                    self._inner = ""
            else:
                fence = fence_open(inner)
                if fence:
                    self._inner = fence.group(2)
            self._blank_run, self._end = False, end
            return
        if self._inner:  # a less indented line ends the item and its open fence (CommonMark)
            self._end_list(line, start, end)
            return
        item = list_item(line)
        if item is not None or self._blank_run or starts_block(line):
            self._end_list(line, start, end)
            return
        self._end = end  # lazy continuation of the item's paragraph

    def _end_list(self, line: str, start: int, end: int) -> None:
        blank = self._blank_run
        self._emit()
        self._blank_before = blank
        self._start_block(line, start, end)


def split_blocks(text: str) -> list[Block]:
    """Every block of a whole text (what streaming it in any chunks also gives)."""
    splitter = BlockSplitter()
    return splitter.feed(text) + splitter.close()
