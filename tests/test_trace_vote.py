"""Vote: final answer extraction (boxed, 'answer is', number line) and the tally."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.trace.vote import final_answer, normalise, vote

EXTRACT = [
    ("So the product is 391.\n\n**Final Answer**\n\\[\n\\boxed{391}\n\\]", "391"),
    ("First \\boxed{390}, corrected: \\boxed{391}", "391"),
    ("\\boxed{\\frac{1}{2}}", "½"),
    ("\\boxed{x^{2}}", "x²"),
    ("$\\boxed{1{,}000}$", "1000"),
    ("Nested \\boxed{\\text{A} \\{1\\}}", "A{1}"),
    ("The final answer is 391.", "391"),
    ("**Answer:** 42\n\nThanks!", "42"),
    ("I think the answer is: Paris. Some more text.", "Paris"),
    ("Let me compute.\n17 * 23\n= 391\n", "391"),
    ("Result\n**1,234.50**", "1234.5"),
    ("Total:\n$-7$", "-7"),
    ("No numbers here at all.", None),
    ("", None),
    ("\\boxed{   }", None),
    ("Unclosed \\boxed{391 and then answer is 7", "7"),
]


@pytest.mark.parametrize("text,expected", EXTRACT, ids=range(len(EXTRACT)))
def test_final_answer(text: str, expected: str | None) -> None:
    assert final_answer(text) == expected


def test_normalise_merges_equal_answers() -> None:
    assert normalise("391.0") == normalise("391") == normalise(" **391** ") == normalise("$391$") == "391"
    assert normalise("1,000") == "1000" and normalise("−3") == "-3"


def test_vote_tally_and_summary() -> None:
    answers = ["\\boxed{391}", "answer is 391", "\\boxed{392}", "= 391", "nothing", "\\boxed{391.0}"]
    v = vote(answers)
    assert v is not None
    assert (v.answer, v.count, v.of) == ("391", 4, 6)
    assert v.summary() == "391 ×4 · 392 ×1"
    assert v.as_json() == {"answer": "391", "count": 4, "of": 6}
    assert vote(["no", "idea"]) is None and vote([]) is None


def test_ties_go_to_the_first_seen() -> None:
    v = vote(["\\boxed{2}", "\\boxed{1}", "\\boxed{1}", "\\boxed{2}"])
    assert v is not None and v.answer == "2" and v.summary() == "2 ×2 · 1 ×2"


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=200))
def test_never_raises(text: str) -> None:
    result = final_answer(text)
    assert result is None or (isinstance(result, str) and result)
