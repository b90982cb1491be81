"""Markdown to plain text for one-line previews (search results): the words, not the syntax.

Only what a reader would see as formatting goes: emphasis and code markers, heading and
quote marks, link targets, fence lines, rules; list items become ``• item``. Everything
else is kept as written (``17 * 23`` and ``snake_case`` stay), and characters that are not
Markdown syntax (such as search-term markers) pass through untouched.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_BULLET = re.compile(r"^(\s*)(?:[-*+])\s+(?:\[[ xX]\]\s+)?")
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_STRONG = re.compile(r"\*\*|__|~~")
# a single * or _ that opens (after a space or the start, before a non-space) or closes emphasis
_EMPHASIS = re.compile(r"(?:(?<=^)|(?<=[\s(]))[*_](?=[^\s*_])|(?<=[^\s*_])[*_](?=$|[\s.,;:!?)])")
_BACKTICKS = re.compile(r"`+")


def plain_line(line: str) -> str:
    """One line of Markdown as the words it shows ("" for a fence or rule line)."""
    if _FENCE.match(line) or _RULE.match(line):
        return ""
    line = _HEADING.sub("", line)
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
