"""markdown-it tokens as a light tree, and Rich text wrapped into rows (no Textual)."""

from __future__ import annotations

import io
import re
from functools import cache

from markdown_it.token import Token
from rich.console import Console
from rich.text import Text

from tui.ui.markdown.code import Row

_ORDERED = re.compile(r" {0,3}(\d{1,9})([.)])")


class Node:
    """A markdown-it token with its children (a lighter ``markdown_it.tree.SyntaxTreeNode``)."""

    __slots__ = ("token", "type", "children")

    def __init__(self, token: Token, kind: str, children: list[Node]) -> None:
        self.token, self.type, self.children = token, kind, children

    tag = property(lambda self: self.token.tag)
    content = property(lambda self: self.token.content)
    info = property(lambda self: self.token.info)
    attrs = property(lambda self: self.token.attrs)
    markup = property(lambda self: self.token.markup)
    hidden = property(lambda self: self.token.hidden)


def tree(tokens: list[Token]) -> list[Node]:
    """Nest markdown-it's flat token stream (``*_open`` … ``*_close``; inline children too)."""
    root: list[Node] = []
    stack = [root]
    for token in tokens:
        if token.nesting == 1:
            node = Node(token, token.type[:-5], [])
            stack[-1].append(node)
            stack.append(node.children)
        elif token.nesting == -1:
            stack.pop()
        else:
            stack[-1].append(Node(token, token.type, tree(token.children) if token.children else []))
    return root


@cache
def console() -> Console:
    """A Rich console used only for wrapping and table layout (never printed to)."""
    return Console(file=io.StringIO(), width=200, color_system="truecolor", force_terminal=True,
                   legacy_windows=False, highlight=False, emoji=False, markup=False)


def ordered_start(source: str) -> tuple[int, str] | None:
    """(number, delimiter) of an ordered list item block, else None."""
    match = _ORDERED.match(source)
    return (int(match.group(1)), match.group(2)) if match else None


def text_rows(text: Text, width: int) -> list[Row]:
    """``text`` word-wrapped to ``width`` (long words folded, never cut) as rows."""
    con = console()
    return [tuple(line.render(con)) for line in text.wrap(con, max(1, width), overflow="fold")]
