"""Markdown to plain text for one-line previews (search results): the words, not the syntax.

Only what a reader would see as formatting goes: emphasis and code markers, heading and
quote marks, link targets, fence lines, rules; list items become ``• item``. Everything
else is kept as written (``17 * 23`` and ``snake_case`` stay), and characters that are not
Markdown syntax (such as search-term markers) pass through untouched.
"""

from __future__ import annotations

import re

from .md_lines import FENCE_RE, HEADING_RE, RULE_RE

_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_BULLET = re.compile(r"^(\s*)(?:[-*+])\s+(?:\[[ xX]\]\s+)?")
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_STRONG = re.compile(r"\*\*|__|~~")
# a single * or _ that opens (after a space or the start, before a non-space) or closes emphasis
_EMPHASIS = re.compile(r"(?:(?<=^)|(?<=[\s(]))[*_](?=[^\s*_])|(?<=[^\s*_])[*_](?=$|[\s.,;:!?)])")
_BACKTICKS = re.compile(r"`+")


def plain_line(line: str) -> str:
    """One line of Markdown as the words it shows ("" for a fence or rule line)."""
    if FENCE_RE.match(line) or RULE_RE.match(line):  # the streaming splitter's line rules
        return ""
    if heading := HEADING_RE.match(line):
        line = line[heading.end():].lstrip(" \t")
    line = _QUOTE.sub("", line)
    line = _BULLET.sub(r"\1• ", line)
    line = _IMAGE_OR_LINK.sub(r"\1", line)
    line = _STRONG.sub("", line)
    line = _EMPHASIS.sub("", line)
    return _BACKTICKS.sub("", line)


def plain_text(markdown: str) -> str:
    """``markdown`` line by line as plain text, empty lines dropped, joined with single spaces."""
    lines = (plain_line(line).strip() for line in markdown.splitlines())
    return " ".join(line for line in lines if line)
