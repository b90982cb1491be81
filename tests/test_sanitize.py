"""Untrusted text is made visibly harmless before it reaches a terminal."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.sanitize import ESC_SYMBOL, for_display, one_line

ATTACKS = {
    "OSC 0 title": "\x1b]0;pwned\x07",
    "OSC 52 clipboard": "\x1b]52;c;cm0gLXJmIH4=\x1b\\",
    "OSC 8 link": "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "CSI 2J": "\x1b[2J",
    "CSI ?1049l": "\x1b[?1049l",
    "DCS": "\x1bP1$r0m\x1b\\",
    "APC": "\x1b_Gf=100;AAAA\x1b\\",
    "PM": "\x1b^private\x1b\\",
    "SOS": "\x1bXsos\x1b\\",
    "8-bit CSI": "\x9b2J",
    "8-bit OSC": "\x9d0;title\x9c",
    "lone ESC": "a\x1bb",
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_no_escape_survives_and_is_visible(name: str) -> None:
    shown = for_display("before " + ATTACKS[name] + " after")
    assert "\x1b" not in shown and not re.search("[\x80-\x9f]", shown)
    assert ESC_SYMBOL in shown
    assert shown.startswith("before ") and shown.endswith(" after")


def test_newline_and_tab_kept_other_c0_visible() -> None:
    assert for_display("a\tb\nc") == "a\tb\nc"
    assert for_display("bell\x07 nul\x00 bs\x08 del\x7f") == "bell\u2407 nul\u2400 bs\u2408 del\u2421"
    assert for_display("crlf\r\nline") == "crlf\nline"
    assert for_display("cr\roverwrite") == "cr\u240doverwrite"


def test_markup_is_left_alone_for_literal_rendering() -> None:
    assert for_display("[bold red]x[/]") == "[bold red]x[/]"


def test_one_line_folds_and_limits() -> None:
    assert one_line("a\n\x1b[31mb  c", 100) == f"a {ESC_SYMBOL}[31mb c"
    assert len(one_line("x" * 500, 50)) == 50


@given(st.text())
def test_output_never_holds_controls(text: str) -> None:
    shown = for_display(text)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", shown)
