"""Untrusted text is made visibly harmless before it reaches a terminal."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.sanitize import ESC_SYMBOL, for_display, one_line, strip_controls

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


# --- #15.12: bidi controls and zero-width characters --------------------------------------

@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"])
def test_bidi_controls_that_reorder_a_line_are_shown_everywhere(char: str) -> None:
    marker = f"\u2039U+{ord(char):04X}\u203a"
    assert for_display(f"invoice{char}fdp.exe") == f"invoice{marker}fdp.exe"
    assert one_line(f"title{char}x") == f"title{marker}x"


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\u2060", "\u2063", "\u180e"])
def test_invisible_characters_are_shown_in_one_line_places_and_kept_in_running_text(char: str) -> None:
    text = f"pay{char}pal"
    assert for_display(text) == text  # cannot reorder the line: kept where scripts need it
    assert one_line(text) == f"pay\u2039U+{ord(char):04X}\u203apal"


def test_joiners_inside_emoji_and_joining_scripts_are_left_alone() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert one_line(f"{family} {persian}") == f"{family} {persian}"
    assert one_line("a\u200d\U0001f469") == "a\u2039U+200D\u203a\U0001f469"


def test_config_strings_reach_the_terminal_sanitised(tmp_path, azure_server) -> None:
    import subprocess
    import sys

    from tests.loopback import AZURE_404_BODY, ErrorResponse

    azure_server.enqueue(ErrorResponse(404, AZURE_404_BODY), ErrorResponse(404, AZURE_404_BODY))
    hostile = "p\\u202eexe.\\u001b]0;pwned\\u0007\\u009b2J\\u2066"  # TOML escapes
    cfg = tmp_path / "cfg" / "r1-tui"
    cfg.mkdir(parents=True)
    (cfg / "config.toml").write_text(
        f'[profiles."{hostile}"]\nendpoint = "{azure_server.base_url}"\ndeployment = "{hostile}"\nauth = "none"\n'
        "temperature = 0.5\n[profiles.\"" + hostile + "\".retry]\nmax_attempts = 1\n")
    env = {"PATH": "/usr/bin:/bin", "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_DATA_HOME": str(tmp_path / "d"),
           "HOME": str(tmp_path)}
    for args in (["doctor"], ["ask", "q"]):
        result = subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=60, env=env)
        out = result.stdout + result.stderr
        assert "temperature is ignored" in out, out
        assert not any(c in out for c in "\x1b\x07\x9b\u202e\u2066"), repr(out)


def expected_symbol(code: int) -> str:
    """How each control character is shown, written out independently of the module."""
    if code == 0x7F:
        return "\u2421"
    if code < 0x20:
        return "\u2400\u2401\u2402\u2403\u2404\u2405\u2406\u2407\u2408\u2409\u240a\u240b\u240c\u240d\u240e\u240f" \
               "\u2410\u2411\u2412\u2413\u2414\u2415\u2416\u2417\u2418\u2419\u241a\u241b\u241c\u241d\u241e\u241f"[code]
    return "\u241b" + "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_"[code - 0x80]


@pytest.mark.parametrize("code", [c for c in range(0xA0) if c == 0x7F or c < 0x20 and c not in (9, 10) or c >= 0x80])
def test_every_control_character_has_its_own_visible_form(code: int) -> None:
    assert for_display(f"a{chr(code)}b") == f"a{expected_symbol(code)}b"


def test_esc_is_the_escape_symbol_and_c1_reads_as_esc_sequences() -> None:
    assert for_display("\x1b\x9b\x9d\x80\x9f") == ESC_SYMBOL + "\u241b[\u241b]\u241b@\u241b_"


def test_line_separators_end_lines_and_a_byte_order_mark_goes() -> None:
    assert for_display("\ufeffone\u2028two\u2029three") == "one\ntwo\nthree"
    assert for_display("a\u00a0b \u0085") == "a\u00a0b \u241bE"  # NBSP is text; NEL is C1


def test_strip_controls_removes_every_control_but_newline_and_tab() -> None:
    controls = "".join(chr(c) for c in range(0xA0) if c < 0x20 or c >= 0x7F)
    assert strip_controls(f"a{controls}b") == "a\t\nb"
    assert strip_controls("one\r\ntwo\rthree") == "one\ntwothree"
    assert strip_controls("\x1b]52;c;cm0=\x07paste\x9b2J") == "]52;c;cm0=paste2J"
    assert strip_controls("keep \u202e and \u200b, é") == "keep \u202e and \u200b, é"


def test_one_line_keeps_text_that_fits_exactly() -> None:
    assert one_line("x" * 50, 50) == "x" * 50
    assert one_line("x" * 51, 50) == "x" * 49 + "\u2026"
    assert one_line("  a \t b\n") == "a b"
    assert len(one_line("y" * 300)) == 200
