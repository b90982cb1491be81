"""Make untrusted text safe to put on a terminal, visibly.

Model output, server error bodies, history and imported files are untrusted: a raw
ESC could set the window title (OSC 0), write the clipboard (OSC 52), clear the screen
or leave the alternate screen. :func:`for_display` neutralises every C0 and C1 control
character except newline and tab, so no escape sequence of any kind (CSI, OSC, DCS,
APC, PM, SOS, lone ESC) survives, and shows each one visibly so a reviewer of a
reasoning trace can see that it was there. Stored text stays exactly as received;
sanitising happens on display only.

Unicode formatting characters, decided as follows: bidi embeddings, overrides and isolates
(U+202A–U+202E, U+2066–U+2069) can reorder the rest of a line, so they are shown as
``‹U+202E›`` everywhere, running text included. Characters that are invisible but cannot
reorder anything (bidi marks, zero-width space, joiners, word joiner) stay in running text,
where scripts and emoji need them, and are shown as ``‹U+200B›`` in one-line places (titles,
list rows, status), where they could disguise text; a joiner between two non-ASCII letters or
symbols (an emoji sequence, a Persian word) is left alone there too.
"""

from __future__ import annotations

import re

ESC_SYMBOL = "\u241b"  # ␛

# Bidirectional formatting: embeddings, overrides (LRE RLE PDF LRO RLO) and isolates (LRI RLI
# FSI PDI) reorder the rest of a line (the "Trojan Source" trick): shown visibly everywhere.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# Invisible characters that cannot reorder anything: bidi marks (LRM RLM ALM), zero-width space
# (and joiners, below), word joiner, invisible operators, Mongolian vowel separator. Running text needs
# them (Arabic, Hebrew, Persian, Indic scripts) and keeps them; in one-line places (titles, lists,
# status lines) they could hide or disguise text, so they are shown there.
INVISIBLE = "\u200b\u200e\u200f\u061c\u2060-\u2064\u180e"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
# ... and the zero-width joiner and non-joiner, except between two non-ASCII, non-space characters
# (inside an emoji sequence or a word of a joining script), where they are left alone in one line too.
_NOT_WIDE = "[^\\x00-\\x7f\\s]"
_ONE_LINE_INVISIBLE = re.compile(f"[{BIDI_CONTROLS}{INVISIBLE}]|(?<!{_NOT_WIDE})[\\u200c\\u200d]|[\\u200c\\u200d](?!{_NOT_WIDE})")


def _marker(match: re.Match[str]) -> str:
    return f"\u2039U+{ord(match.group()):04X}\u203a"  # e.g. ‹U+202E›


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_C0_C1 = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


_NAMED = {"\x7f": "\u2421", "\ufeff": "", "\u2028": "\n", "\u2029": "\n"}  # ␡; a BOM is dropped; LS/PS end a line


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    # C0: its Control Picture (␀ ␇ ␛ ...); C1: the 8-bit form of ESC + (code - 0x40), so 0x9B (CSI) is "␛[".
    return chr(0x2400 + code) if code < 0x80 else ESC_SYMBOL + chr(code - 0x40)


def for_display(text: str) -> str:
    """Return ``text`` with every control character other than ``\\n`` and ``\\t`` made visible,
    and every bidi embedding, override or isolate shown as ``‹U+202E›`` (they could reorder the line)."""
    if _BIDI.search(text):
        text = _BIDI.sub(_marker, text)
    if not _CONTROL.search(text):
        return text
    text = text.replace("\r\n", "\n")
    return _CONTROL.sub(_visible, text)


def strip_controls(text: str) -> str:
    """``text`` without C0/C1 controls other than ``\\n`` and ``\\t`` (CR LF becomes LF).

    For text that leaves the app as data (the clipboard): removed rather than shown, so a
    model cannot smuggle an escape sequence into a paste.
    """
    return _C0_C1.sub("", text)  # a CR is removed, so CR LF becomes LF


def one_line(text: str, limit: int = 200) -> str:
    """Sanitise and fold ``text`` into a single line of at most ``limit`` characters; zero-width and
    bidi marks are shown there too (``‹U+200B›``), so a title cannot hide or disguise text."""
    flat = " ".join(_ONE_LINE_INVISIBLE.sub(_marker, for_display(text)).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"
