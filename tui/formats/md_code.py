"""The code blocks of a Markdown answer as their original lines (what the copy-code key copies)."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt

from tui.formats.md_blocks import CODE, FENCE, LIST, QUOTE, split_blocks
from tui.formats.md_lines import closes_fence, fence_open, indent_of


def fence_parts(source: str, indent: int = -1) -> tuple[str, list[str], bool]:
    """A fenced block's (info string, code lines, closed) from its source.

    Up to the opening fence's indent is removed from each code line (CommonMark); the
    closing fence is not a code line.
    """
    lines = source.split("\n")
    opener = lines[0].removesuffix("\r")
    match = fence_open(opener.expandtabs(4))
    if match is None:
        return "", [line.removesuffix("\r") for line in lines], False
    if indent < 0:
        indent = len(match.group(1))
    marker = match.group(2)
    body = lines[1:]
    if body and body[-1] == "":
        body.pop()  # the text after the last newline
    closed = bool(body) and closes_fence(body[-1].removesuffix("\r").expandtabs(4), marker)
    if closed:
        body.pop()
    code = []
    for line in body:
        line = line.removesuffix("\r")
        strip = min(indent, indent_of(line))
        code.append(line[strip:])
    return match.group(3).strip(), code, closed


@cache
def markdown_parser() -> MarkdownIt:
    """The one Markdown parser (CommonMark + GFM tables and strikethrough; raw HTML is text)."""
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def code_blocks(text: str) -> list[str]:
    """The raw code of every code block of ``text``, in the order the answer pane shows them.

    Fenced blocks (also inside list items and quotes) and indented code; each is the original
    lines (no wrapping, no continuation marks), ending in a newline.
    """
    out: list[str] = []
    parser = markdown_parser()
    for block in split_blocks(text):
        if block.kind == FENCE:
            _info, lines, _closed = fence_parts(block.text)
            out.append("".join(line + "\n" for line in lines))
        elif block.kind in (CODE, LIST, QUOTE):
            out.extend(t.content for t in parser.parse(block.text) if t.type in ("fence", "code_block"))
    return out
