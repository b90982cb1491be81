"""One LaTeX math expression as Unicode text, with pylatexenc's latex2text (display only).

pylatexenc parses the expression (tolerantly) and converts it; this module only configures
it for the math reasoning models write: ``^``/``_`` become Unicode super/subscripts where
every character has a glyph (else ``^(…)``/``_(…)``), ``\\frac`` becomes ``a/b`` (``½`` for
the common vulgar fractions), ``\\sqrt`` becomes ``√x``/``√(…)``/``∛x``, ``\\boxed`` is
bracketed ``⟦…⟧`` so a final answer stands out, ``\\binom`` becomes ``C(n,k)``.
:func:`latex_to_unicode` never raises: on any failure it returns None and the caller keeps
the raw text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pylatexenc import latexwalker  # type: ignore[import-untyped]
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, SpecialsTextSpec  # type: ignore[import-untyped]
from pylatexenc.latex2text import get_default_latex_context_db as text_context_db
from pylatexenc.macrospec import MacroSpec, MacroStandardArgsParser, SpecialsSpec  # type: ignore[import-untyped]

BOX_OPEN, BOX_CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧
MAX_SOURCE = 4000  # longer expressions stay raw (cost, and nobody reads them as one formula)
MAX_BRACES = 200

_SUP = dict(zip("0123456789+-=()niaeoxhjklmprstuvwybcdfgzABDEGHIJKLMNOPRTUVW\u2212\u03b1\u03b2\u03b3\u03b4\u03b8\u03c6\u03c7\u2032",
                "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵉᵒˣʰʲᵏˡᵐᵖʳˢᵗᵘᵛʷʸᵇᶜᵈᶠᵍᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ⁻ᵅᵝᵞᵟᶿᵠᵡ′"))
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx\u2212\u03b2\u03b3\u03c1\u03c6\u03c7",
                "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₋ᵦᵧᵨᵩᵪ"))
_VULGAR = {("1", "2"): "½", ("1", "3"): "⅓", ("2", "3"): "⅔", ("1", "4"): "¼", ("3", "4"): "¾",
           ("1", "5"): "⅕", ("1", "6"): "⅙", ("1", "8"): "⅛", ("3", "8"): "⅜", ("5", "8"): "⅝",
           ("7", "8"): "⅞"}
_OPERATORS = set("+-−±∓=≠<>≤≥≈≡×÷·⋅/∣|,;: ")
_OVERLINE = "\u0305"
_SPACES = re.compile(r"[ \t]{2,}")


def _needs_parens(text: str) -> bool:
    """Would ``text`` change meaning next to ``/``, ``√`` or ``^``? (an operator or space outside brackets)"""
    depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and ch in _OPERATORS:
            return True
    return False


def _arg(node: Any, index: int, l2t: LatexNodes2Text) -> str | None:
    args = node.nodeargd.argnlist if node.nodeargd is not None else []
    if index >= len(args) or args[index] is None:
        return None
    return l2t.nodelist_to_text([args[index]]).strip()


def _wrapped(text: str) -> str:
    return f"({text})" if _needs_parens(text) else text


def _script(table: dict[str, str], mark: str) -> Any:
    def render(n: Any, l2tobj: LatexNodes2Text) -> str:
        text = _arg(n, 0, l2tobj)
        if text is None:
            return mark
        compact = text.replace(" ", "")
        if compact and all(ch in table for ch in compact):
            return "".join(table[ch] for ch in compact)
        return mark + (compact if len(compact) == 1 else f"({text})")
    return render


def _frac(n: Any, l2tobj: LatexNodes2Text) -> str:
    top, bottom = _arg(n, 0, l2tobj), _arg(n, 1, l2tobj)
    if top is None or bottom is None:
        return "/".join(x for x in (top, bottom) if x is not None) or "/"
    return _VULGAR.get((top, bottom)) or f"{_wrapped(top)}/{_wrapped(bottom)}"


def _sqrt(n: Any, l2tobj: LatexNodes2Text) -> str:
    degree, body = _arg(n, 0, l2tobj), _arg(n, 1, l2tobj)
    root = {None: "√", "": "√", "2": "√", "3": "∛", "4": "∜"}.get(degree)
    if root is None:
        assert degree is not None
        root = ("".join(_SUP[c] for c in degree) if all(c in _SUP for c in degree) else f"({degree})") + "√"
    if body is None:
        return root
    return root + (f"({body})" if _needs_parens(body) or len(body) > 1 and not body.isalnum() else body)


def _boxed(n: Any, l2tobj: LatexNodes2Text) -> str:
    return f"{BOX_OPEN}{_arg(n, 0, l2tobj) or ''}{BOX_CLOSE}"


def _overline(n: Any, l2tobj: LatexNodes2Text) -> str:
    return "".join(ch + _OVERLINE for ch in _arg(n, 0, l2tobj) or "")


def _pmod(n: Any, l2tobj: LatexNodes2Text) -> str:
    return f"(mod {_arg(n, 0, l2tobj) or ''})"


def _binom(n: Any, l2tobj: LatexNodes2Text) -> str:
    return f"C({_arg(n, 0, l2tobj) or ''},{_arg(n, 1, l2tobj) or ''})"


class _SourceSpaces(LatexNodes2Text):
    """Keeps the space written after an argument-less macro (``\\beta \\leq`` stays ``β ≤``)."""

    def macro_node_to_text(self, node: Any) -> str:
        text: str = super().macro_node_to_text(node)
        takes_args = node.nodeargd is not None and any(a is not None for a in node.nodeargd.argnlist or ())
        return text + " " if node.macro_post_space and not takes_args and text else text


@lru_cache(maxsize=1)
def _converter() -> tuple[Any, LatexNodes2Text]:
    parse_db = latexwalker.get_default_latex_context_db()
    two = MacroStandardArgsParser("{{")
    parse_db.add_context_category("r1-math", prepend=True, macros=[
        MacroSpec("boxed", "{"), MacroSpec("frac", two), MacroSpec("dfrac", "{{"), MacroSpec("tfrac", "{{"),
        MacroSpec("binom", "{{"), MacroSpec("sqrt", "[{"), MacroSpec("overline", "{"), MacroSpec("pmod", "{"),
    ], specials=[SpecialsSpec("^", args_parser=MacroStandardArgsParser("{")),
                 SpecialsSpec("_", args_parser=MacroStandardArgsParser("{"))])
    text_db = text_context_db()
    text_db.add_context_category("r1-math", prepend=True, macros=[
        MacroTextSpec("boxed", simplify_repl=_boxed), MacroTextSpec("frac", simplify_repl=_frac),
        MacroTextSpec("dfrac", simplify_repl=_frac), MacroTextSpec("tfrac", simplify_repl=_frac),
        MacroTextSpec("binom", simplify_repl=_binom), MacroTextSpec("sqrt", simplify_repl=_sqrt),
        MacroTextSpec("cdot", simplify_repl="·"), MacroTextSpec("cdots", simplify_repl="⋯"),
        MacroTextSpec("left", simplify_repl=""), MacroTextSpec("right", simplify_repl=""),
        MacroTextSpec("implies", simplify_repl="⟹"), MacroTextSpec("iff", simplify_repl="⟺"),
        MacroTextSpec("overline", simplify_repl=_overline), MacroTextSpec("pmod", simplify_repl=_pmod),
        MacroTextSpec("mod", simplify_repl="mod"), MacroTextSpec("bmod", simplify_repl="mod"),
    ], specials=[SpecialsTextSpec("^", simplify_repl=_script(_SUP, "^")),
                 SpecialsTextSpec("_", simplify_repl=_script(_SUB, "_"))])
    return parse_db, _SourceSpaces(latex_context=text_db, math_mode="text",
                                     strict_latex_spaces={"between-latex-constructs": True})


@lru_cache(maxsize=2048)
def latex_to_unicode(source: str) -> str | None:
    """``source`` (math-mode LaTeX, no delimiters) as Unicode text; None if it cannot be converted."""
    if len(source) > MAX_SOURCE or source.count("{") > MAX_BRACES:
        return None
    try:
        parse_db, l2t = _converter()
        walker = latexwalker.LatexWalker(source, latex_context=parse_db, tolerant_parsing=True)
        nodes, _, _ = walker.get_latex_nodes()
        return _SPACES.sub(" ", l2t.nodelist_to_text(nodes)).strip()
    except Exception:  # noqa: BLE001 - a display nicety must never break the display
        return None
