"""Markdown line rules (CommonMark/GFM) for the streaming block splitter: pure functions of one line."""

from __future__ import annotations

import re

FENCE_RE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)$")
HEADING_RE = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
RULE_RE = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
ITEM_RE = re.compile(r"( {0,3})([-+*]|\d{1,9}[.)])(?:([ \t]+)(\S?)|$)")
QUOTE_RE = re.compile(r" {0,3}>")
SETEXT_RE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
DELIMITER_RE = re.compile(r" {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
MATH_OPEN_RE = re.compile(r" {0,3}(\$\$|\\\[)[ \t]*$")
MATH_CLOSE_RE = {"$$": re.compile(r" {0,3}\$\$[ \t]*$"), "\\[": re.compile(r" {0,3}\\\][ \t]*$")}


def indent_of(line: str) -> int:
    """Leading spaces of ``line`` (tabs are expanded before)."""
    return len(line) - len(line.lstrip(" "))


def fence_open(line: str) -> re.Match[str] | None:
    """An opening code fence: groups (indent, marker, info string); None if ``line`` is not one."""
    match = FENCE_RE.match(line)
    if match and match.group(2)[0] == "`" and "`" in match.group(3):
        return None  # a backtick fence's info string may not contain a backtick
    return match


def closes_fence(line: str, marker: str) -> bool:
    """``line`` closes a fence opened with ``marker``."""
    stripped = line.strip()
    return (indent_of(line) < 4 and stripped.startswith(marker[0] * len(marker))
            and not stripped.strip(marker[0]))


def table_cells(line: str) -> int:
    """How many cells a table row has (escaped pipes do not split)."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return len(re.split(r"(?<!\\)\|", body))


def list_item(line: str) -> tuple[int, str, bool] | None:
    """A list item opening ``line``: (content indent, marker, has content); None if not one."""
    match = ITEM_RE.match(line)
    if match is None or RULE_RE.match(line):
        return None
    lead, marker, gap, first = match.group(1), match.group(2), match.group(3) or "", match.group(4)
    width = len(gap)
    if not first or width > 4:
        width = 1
    return len(lead) + len(marker) + width, marker, bool(first)


def starts_block(line: str) -> bool:
    """``line`` interrupts a paragraph (and ends a table, a quote or a list's lazy text)."""
    item = list_item(line)
    if item is not None and item[2] and (item[1] in "-+*" or item[1][:-1] == "1"):
        return True
    return bool(fence_open(line) or HEADING_RE.match(line) or RULE_RE.match(line)
                or QUOTE_RE.match(line) or MATH_OPEN_RE.match(line))
