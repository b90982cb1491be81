"""The step splitter: paragraphs, pivot sentences, exact partition, incremental == whole."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.trace.steps import DEFAULT_PIVOTS, StepSplitter, pivot_count, split_steps

R1_TRACE = (
    "\nOkay, so I need to multiply 17 by 23.\n\n"
    "17 times 20 is 340, and 17 times 3 is 51. So 391.\n\n"
    "Wait, let me double-check that. 340 + 51 = 391.\n\n"
    "**Alternatively**, 23 * 17 = 23 * 10 + 23 * 7 = 230 + 161 = 391.\n\n"
    "Butter is not a pivot. Yes, 391.\n"
)


def assert_partition(text: str, steps: list) -> None:
    assert "".join(s.text for s in steps) == text
    pos = 0
    for s in steps:
        assert s.start == pos and s.end > s.start and text[s.start:s.end] == s.text
        pos = s.end
    assert pos == len(text)


def test_paragraphs_with_pivots() -> None:
    steps = split_steps(R1_TRACE)
    assert_partition(R1_TRACE, steps)
    assert [s.pivot for s in steps] == [None, None, "Wait", "Alternatively", None]
    assert steps[0].text.startswith("\nOkay") and steps[0].text.endswith("23.\n\n")
    assert pivot_count(steps) == 2


def test_no_blank_lines_splits_before_pivot_sentences() -> None:
    text = ("So 17*23 is 391. Wait, is it? 17*20=340. Hmm... 340+51=391.\n"
            "Actually yes. But let me check: 391/17=23. Let me check again: yes. Butter. On second thought, fine.")
    steps = split_steps(text)
    assert_partition(text, steps)
    assert [s.pivot for s in steps] == [None, "Wait", "Hmm", "Actually", "But", "Let me check", "On second thought"]
    assert steps[1].text == "Wait, is it? 17*20=340. "


def test_pivots_are_configurable_and_whole_words() -> None:
    text = "One. Indeed two. Indeedy three. Wait four."
    steps = split_steps(text, ["Indeed"])
    assert [s.pivot for s in steps] == [None, "Indeed"]
    assert split_steps(text, []) == split_steps(text, ()) and len(split_steps(text, [])) == 1
    assert "Wait" in DEFAULT_PIVOTS


def test_empty_and_blank_only() -> None:
    assert split_steps("") == []
    assert_partition("\n\n  \n", split_steps("\n\n  \n"))
    assert len(split_steps("\n\n  \n")) == 1


WORDS = list("ab .!?\n\t*\r") + ["Wait", "But", "Let me", " check", "Hmm", "\n\n", "…", "On second thought"]
TEXT = st.lists(st.sampled_from(WORDS), max_size=60).map("".join) | st.text(max_size=80)
PIECES = st.lists(st.lists(st.sampled_from(WORDS + ["Butt", "t", "er", "ly"]), max_size=6).map("".join), max_size=25)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(TEXT)
def test_steps_partition_the_trace_exactly(text: str) -> None:
    steps = split_steps(text)
    assert_partition(text, steps)
    for s in steps:
        assert s.pivot is None or s.pivot in DEFAULT_PIVOTS


@settings(max_examples=400, deadline=None, derandomize=True)
@given(PIECES)
def test_incremental_equals_whole(pieces: list[str]) -> None:
    splitter = StepSplitter()
    text = ""
    for piece in pieces:
        text += piece
        assert splitter.update(text) == split_steps(text)


def test_reclassified_text_is_split_afresh() -> None:
    splitter = StepSplitter()
    splitter.update("First. Wait, second.\n\nThird.")
    assert splitter.update("Other text. But no.") == split_steps("Other text. But no.")
