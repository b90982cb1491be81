"""Make untrusted text safe to put on a terminal, visibly.

Model output, server error bodies, history and imported files are untrusted: a raw
ESC could set the window title (OSC 0), write the clipboard (OSC 52), clear the screen
or leave the alternate screen. :func:`for_display` neutralises every C0 and C1 control
character except newline and tab, so no escape sequence of any kind (CSI, OSC, DCS,
APC, PM, SOS, lone ESC) survives, and shows each one visibly so a reviewer of a
reasoning trace can see that it was there. Stored text stays exactly as received;
sanitising happens on display only.
"""

from __future__ import annotations

import re

ESC_SYMBOL = "\u241b"  # ␛

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_C0_C1 = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x1B:
        return ESC_SYMBOL
    if code < 0x20:
        return chr(0x2400 + code)  # Control Pictures: ␀ ␇ ␈ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        # A C1 control is the 8-bit form of ESC + (code - 0x40): 0x9B is CSI, "␛[".
        return ESC_SYMBOL + chr(code - 0x40)
    if code == 0xFEFF:
        return ""  # a byte-order mark is invisible and harmless; drop it
    return "\n"  # Unicode line / paragraph separators become plain newlines


def for_display(text: str) -> str:
    """Return ``text`` with every control character other than ``\\n`` and ``\\t`` made visible."""
    if not _CONTROL.search(text):
        return text
    text = text.replace("\r\n", "\n")
    return _CONTROL.sub(_visible, text)


def strip_controls(text: str) -> str:
    """``text`` without C0/C1 controls other than ``\\n`` and ``\\t`` (CR LF becomes LF).

    For text that leaves the app as data (the clipboard): removed rather than shown, so a
    model cannot smuggle an escape sequence into a paste.
    """
    return _C0_C1.sub("", text.replace("\r\n", "\n"))


def one_line(text: str, limit: int = 200) -> str:
    """Sanitise and fold ``text`` into a single line of at most ``limit`` characters."""
    flat = " ".join(for_display(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\u2026"
