"""Math as Unicode: what R1 writes, what must stay raw, and malformed input never raising."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.trace.latex import latex_to_unicode
from tui.trace.mathtext import to_unicode_math

CASES = [
    (r"\boxed{391}", "⟦391⟧"),
    (r"\frac{a}{b}", "a/b"),
    (r"\frac{1}{2}", "½"),
    (r"\dfrac{a+b}{c}", "(a+b)/c"),
    (r"\sqrt{x}", "√x"),
    (r"\sqrt{x^2+1}", "√(x²+1)"),
    (r"\sqrt[3]{27}", "∛27"),
    (r"x^2 + y^2 = z^2", "x² + y² = z²"),
    (r"a_1 + a_{n}", "a₁ + aₙ"),
    (r"x^{n+1}", "xⁿ⁺¹"),
    (r"e^{i\pi}", "e^(iπ)"),  # no superscript π: bracketed, never wrong
    (r"\alpha + \beta \leq \gamma", "α + β ≤ γ"),
    (r"a \neq b \geq c \approx d", "a ≠ b ≥ c ≈ d"),
    (r"17 \times 23 = 391", "17 × 23 = 391"),
    (r"a \cdot b \div c \pm d", "a · b ÷ c ± d"),
    (r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}", "∑ᵢ₌₁ⁿ i = n(n+1)/2"),
    (r"\infty \to \mathbb{R}", "∞ → ℝ"),
    (r"\text{area} = \pi r^2", "area = π r²"),
    (r"\boxed{\frac{3}{4}}", "⟦¾⟧"),
    (r"n \equiv 1 \pmod{7}", "n ≡ 1 (mod 7)"),
    (r"\left( \frac{a}{b} \right)^2", "( a/b )²"),
]


@pytest.mark.parametrize("source,expected", CASES, ids=[c[0] for c in CASES])
def test_r1_math(source: str, expected: str) -> None:
    assert latex_to_unicode(source) == expected


def test_spans_in_markdown() -> None:
    text = ("Compute $17 \\times 23$ and \\(x^2\\).\n\n$$\n\\frac{a}{b}\n$$\n\n"
            "**Final Answer**\n\\[\n\\boxed{391}\n\\]\nAlso \\boxed{\\frac{1}{2}} in prose.")
    assert to_unicode_math(text) == ("Compute 17 × 23 and x².\n\na/b\n\n"
                                     "**Final Answer**\n⟦391⟧\nAlso ⟦½⟧ in prose.")


def test_code_and_prices_stay_raw() -> None:
    text = ("It costs $5 and $10. Escaped \\$x\\$ too.\n\n`$x^2$` stays, ``a `$y$` b`` too.\n\n"
            "```latex\n$$\\frac{a}{b}$$\n```\n\n    $indented^2$ code\n\nbut $x^2$ converts.")
    out = to_unicode_math(text)
    assert out == text.replace("but $x^2$", "but x²")


def test_markdown_escaping_of_converted_math() -> None:
    assert to_unicode_math(r"$a_{xyz} * b$", markdown=True) == r"a\_(xyz) \* b"
    assert to_unicode_math(r"$a_{xyz}$") == "a_(xyz)"


MALFORMED = [r"$\frac{a}{$", r"$\sqrt$", r"$x^$", "$\\$", r"\boxed{", r"\boxed{{}", "$" + "{" * 5000 + "$",
             r"$\begin{matrix}$", r"\[ \left( \]", "$$$$", "$$ $$", r"\(\)", r"$\unknown{3}$", "$^^^_$",
             "\\", "$\\\\$", "$\x00\x1b[2J$", "$" + "\\frac{1}{" * 300 + "$", "$a" * 3000]


@pytest.mark.parametrize("text", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_never_raises(text: str) -> None:
    out = to_unicode_math(text)
    assert isinstance(out, str)


LATEXISH = st.lists(st.sampled_from(["$", "$$", "\\(", "\\)", "\\[", "\\]", "{", "}", "^", "_", "\\frac", "\\sqrt",
                                     "\\boxed{", "\\left", "\\begin{aligned}", "\\end{x}", "`", "```\n", "\n",
                                     "x", "1", " ", "\\", "&", "%", "#", "\\text{", "\\\\", "~"]),
                    max_size=40).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.one_of(LATEXISH, st.text(max_size=60)))
def test_fuzz_never_raises(text: str) -> None:
    out = to_unicode_math(text)
    assert isinstance(out, str)
    assert to_unicode_math(text, markdown=True) is not None


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(blacklist_characters="$\\"), max_size=80))
def test_text_without_math_is_unchanged(text: str) -> None:
    assert to_unicode_math(text) == text
