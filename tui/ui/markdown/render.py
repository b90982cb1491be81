"""Render one Markdown block (``tui.formats.md_blocks``) into styled rows of a given width.

A completed block is rendered once into rows (tuples of Rich segments) that the answer
pane caches; nothing here touches Textual. Paragraphs, headings, lists, quotes and tables
go through markdown-it (tables: :mod:`tui.ui.markdown.table`); code through
:mod:`tui.ui.markdown.code`. Every source string is sanitised with
:func:`tui.sanitize.for_display` first. An optional display-only ``transform`` is applied
to the source of completed prose and math blocks (never to a code block) and its output is
rendered as Markdown: for math, ``partial(to_unicode_math, markdown=True)``
(tui/trace/mathtext.py), which leaves code spans and nested code alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from tui.formats import md_blocks as mb
from tui.formats.md_code import fence_parts, markdown_parser
from tui.sanitize import for_display
from tui.ui.markdown.code import Row, code_rows, highlight, highlight_windows, lexer_for, token_styles
from tui.ui.markdown.palette import Palette
from tui.ui.markdown.table import table_rows
from tui.ui.markdown.text import Node, console, text_rows, tree

BULLETS = ("•", "◦", "▪")
QUOTE_BAR = "▌ "
Tagged = list[tuple[Row, int]]  # rows with the index of the code block they belong to (-1: none)


@dataclass
class Rendered:
    """One block's rows, its code blocks' row ranges, and the last ordered-list number it used."""

    rows: list[Row]
    code: list[tuple[int, int]]
    last_number: int | None = None
    plain_code: tuple[list[str], str] | None = None  # rows not highlighted yet: (clean lines, info)


class BlockRenderer:
    """Renders blocks at one width with one palette (re-create it when either changes)."""

    def __init__(self, palette: Palette, width: int, *, transform: Callable[[str], str] | None = None,
                 highlight: re.Pattern[str] | None = None) -> None:
        self.palette = palette
        self.width = max(4, width)
        self.transform = transform
        self.pattern = highlight
        self.style_of = token_styles(palette.tokens)
        self._depth = 0
        self._number: int | None = None
        self._last_number: int | None = None
        self._code = 0

    # -- blocks ------------------------------------------------------------------------

    def render(self, kind: str, source: str, *, number: int | None = None, final: bool = True,
               defer_highlight: bool = False) -> Rendered:
        """Rows of one block. ``number`` renumbers a top-level ordered item (a list continued
        across blocks); ``final`` applies the display transform (completed blocks only).
        ``defer_highlight``: a code block's rows come unhighlighted (same cells, so the same
        rows and height) with what :meth:`code_rows` needs to highlight them when shown."""
        self._number, self._last_number, self._code, self._depth = number, None, 0, 0
        if defer_highlight and kind in (mb.FENCE, mb.CODE) and self.pattern is None:
            info, lines = fence_parts(source)[:2] if kind == mb.FENCE else ("", _indented(source))
            clean = self.clean_code(lines or [""])
            pal = self.palette
            rows = code_rows([[(line, None)] if line else [] for line in clean], self.width, pal.code, pal.code_mark)
            return Rendered(rows, [(0, len(rows))], None, (clean, info))
        if kind == mb.FENCE:
            info, lines, _closed = fence_parts(source)
            tagged = self._code_block(lines, info)
        elif kind == mb.CODE:
            tagged = self._code_block(_indented(source), "")
        elif kind == mb.RULE:
            tagged = [((Segment("─" * self.width, self.palette.rule),), -1)]
        elif kind == mb.MATH and not (final and self.transform):  # raw LaTeX, as written
            tagged = [(row, -1) for row in text_rows(self._marked(Text(
                for_display(source.rstrip("\n")), style=self.palette.math)), self.width)]
        else:  # prose; and math once transformed (the transform's output is Markdown)
            text = self.transform(source) if final and self.transform else source
            nodes = tree(markdown_parser().parse(for_display(text)))
            tagged = self._nodes(nodes, self.width)
        return self._finish(tagged)

    @staticmethod
    def clean_code(lines: list[str]) -> list[str]:
        """Code lines as shown: sanitised, tabs expanded, still one display line per source line."""
        return [for_display(line).replace("\n", " ").expandtabs(4) for line in lines]

    def code_rows(self, clean: list[str], info: str, *, windowed: bool = True) -> list[Row]:
        """Rows of clean code lines (:meth:`clean_code`) of a fence with info string ``info``."""
        lexer = lexer_for(info)
        pieces = (highlight_windows if windowed else highlight)(clean, lexer, self.style_of)
        if self.pattern is not None:
            pieces = [self._mark_pieces(line) for line in pieces]
        pal = self.palette
        return code_rows(pieces, self.width, pal.code, pal.code_mark)

    def _finish(self, tagged: Tagged) -> Rendered:
        spans: list[tuple[int, int]] = []
        for y, (_row, tag) in enumerate(tagged):
            if tag < 0:
                continue
            if len(spans) <= tag:
                spans.append((y, y + 1))
            else:
                spans[tag] = (spans[tag][0], y + 1)
        return Rendered([row for row, _ in tagged], spans, self._last_number)

    def _code_block(self, lines: list[str], info: str) -> Tagged:
        rows = self.code_rows(self.clean_code(lines or [""]), info)
        tag = self._code
        self._code += 1
        return [(row, tag) for row in rows]

    # -- markdown-it nodes ---------------------------------------------------------------

    def _nodes(self, nodes: list[Node], width: int) -> Tagged:
        out: Tagged = []
        previous: Node | None = None
        for node in nodes:
            if previous is not None and not (previous.type == "paragraph" and previous.hidden):
                out.append(((), -1))
            out.extend(self._node(node, width))
            previous = node
        return out

    def _node(self, node: Node, width: int) -> Tagged:
        kind = node.type
        pal = self.palette
        if kind == "paragraph":
            return self._inline_rows(node, Style(), width)
        if kind == "heading":
            level = min(6, int(node.tag[1:] or 1))
            return self._inline_rows(node, pal.headings[level - 1], width)
        if kind in ("bullet_list", "ordered_list"):
            return self._list(node, width, ordered=kind == "ordered_list")
        if kind == "blockquote":
            bar = Segment(QUOTE_BAR, pal.quote)
            return [((bar, *row), tag) for row, tag in self._nodes(node.children, width - 2) or [((), -1)]]
        if kind in ("fence", "code_block"):
            return self._code_block(node.content.rstrip("\n").split("\n"), node.info or "")
        if kind == "hr":
            return [((Segment("─" * width, pal.rule),), -1)]
        if kind == "table":
            return [(row, -1) for row in self._table(node, width)]
        if node.children:
            return self._nodes(node.children, width)
        return [(row, -1) for row in text_rows(self._marked(Text(node.content)), width)] if node.content else []

    def _list(self, node: Node, width: int, *, ordered: bool) -> Tagged:
        pal = self.palette
        start = int(node.attrs.get("start", 1) or 1) if ordered else 1
        if ordered and self._depth == 0 and self._number is not None:
            start = self._number
        items = node.children
        tight = all(child.hidden for item in items for child in item.children if child.type == "paragraph")
        self._depth += 1
        out: Tagged = []
        for k, item in enumerate(items):
            if ordered:
                number = start + k
                marker = f"{number}{item.markup or '.'} "
                if self._depth == 1:
                    self._last_number = number
            else:
                marker = f"{BULLETS[(self._depth - 1) % len(BULLETS)]} "
            if k and not tight:
                out.append(((), -1))
            body = self._nodes(item.children, width - len(marker)) or [((), -1)]
            pad = Segment(" " * len(marker))
            out.append(((Segment(marker, pal.bullet), *body[0][0]), body[0][1]))
            out.extend(((pad, *row), tag) for row, tag in body[1:])
        self._depth -= 1
        return out

    # -- inline text ---------------------------------------------------------------------

    def _inline_rows(self, node: Node, style: Style, width: int) -> Tagged:
        text = Text()
        for child in node.children:
            self._inline(child.children, text, style)
        return [(row, -1) for row in text_rows(self._marked(text), width)]

    def _inline(self, nodes: list[Node], text: Text, style: Style) -> None:
        pal = self.palette
        for node in nodes:
            kind = node.type
            if kind == "softbreak":
                text.append(" ", style)
            elif kind == "hardbreak":
                text.append("\n", style)
            elif kind == "code_inline":
                text.append(node.content, style + pal.code_inline)
            elif kind in ("strong", "em", "s", "link"):
                extra = {"strong": pal.strong, "em": pal.em, "s": pal.strike, "link": pal.link}[kind]
                self._inline(node.children, text, style + extra)
            elif kind == "image":
                text.append("🖼 ", style)
                self._inline(node.children, text, style + pal.link)
            elif node.children:
                self._inline(node.children, text, style)
            else:
                text.append(node.content, style)

    def _marked(self, text: Text) -> Text:
        if self.pattern is not None:
            text.highlight_regex(self.pattern, style=self.palette.highlight)
        return text

    def _mark_pieces(self, pieces: list[tuple[str, Style | None]]) -> list[tuple[str, Style | None]]:
        text = Text.assemble(*((part, style or Style()) for part, style in pieces))
        self._marked(text)
        return [(seg.text, seg.style) for seg in text.render(console()) if seg.text]

    # -- tables --------------------------------------------------------------------------

    def _table(self, node: Node, width: int) -> list[Row]:
        """Columns fitted to ``width`` (cells wrap inside their column, nothing is cut)."""
        pal = self.palette
        grid: list[list[Text]] = []
        aligns: list[str] = []
        for section in node.children:
            for tr in section.children:
                cells = []
                for cell in tr.children:
                    text = Text(style=pal.table_header if section.type == "thead" else "")
                    for child in cell.children:
                        self._inline(child.children, text, Style())
                    cells.append(self._marked(text))
                    if section.type == "thead":
                        align = str(cell.attrs.get("style", ""))
                        aligns.append("right" if "right" in align else "center" if "center" in align else "left")
                grid.append(cells)
        if not grid or not aligns:
            return []
        return table_rows(grid, aligns, width, pal.table_border)


def _indented(source: str) -> list[str]:
    """The code lines of an indented code block."""
    return [line[4:] if line.startswith("    ") else line.lstrip() for line in source.rstrip("\n").split("\n")]
