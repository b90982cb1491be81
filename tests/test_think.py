"""The think splitter: every case from the brief, and a property test over chunkings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.llm.think import ThinkSplitter, split_whole


def run(chunks: list[str], *, field_seen: bool = False) -> tuple[str, str, bool]:
    """Feed ``chunks``; return the final (reasoning, answer) and whether a correction came."""
    splitter = ThinkSplitter()
    if field_seen:
        splitter.reasoning_arrives_separately()
    reasoning: list[str] = []
    answer: list[str] = []
    for chunk in chunks:
        for piece in splitter.feed(chunk):
            (reasoning if piece.kind == "reasoning" else answer).append(piece.text)
    pieces, correction = splitter.finish()
    for piece in pieces:
        (reasoning if piece.kind == "reasoning" else answer).append(piece.text)
    if correction is not None:
        return correction[0], correction[1], True
    return "".join(reasoning), "".join(answer), False


CASES = [
    # (chunks, reasoning, answer)
    (["<think>", "Let me think.", "</think>", "\n\nThe answer."], "Let me think.", "The answer."),
    (["<th", "ink>", "abc", "</th", "ink>", "xyz"], "abc", "xyz"),
    (["<", "t", "h", "i", "n", "k", ">", "r", "<", "/", "t", "h", "i", "n", "k", ">", "a"], "r", "a"),
    (["  \n <think>\nreason\n</think>\nanswer"], "reason", "answer"),
    (["reasoning without an opening tag", "</think>", "answer"], "reasoning without an opening tag", "answer"),
    (["<think></think>", "just the answer"], "", "just the answer"),
    (["<think>\n\n</think>\n\nHello!"], "", "Hello!"),
    (["<think>r</think>a <think>literal</think> still answer"], "r", "a <think>literal</think> still answer"),
    (["plain answer, no tags at all"], "", "plain answer, no tags at all"),
    (["<think>cut off mid reasoning"], "cut off mid reasoning", ""),
    (["<think>ends in a partial tag </thi"], "ends in a partial tag </thi", ""),
    (["<thi"], "", "<thi"),
    (["<thinking>is not a tag</think>x"], "<thinking>is not a tag", "x"),
    (["", "", "<think>", "", "a", "", "</think>", "", "b"], "a", "b"),
    (["<think>a\n\nb  \n", "  </think>c"], "a\n\nb", "c"),
    (["</think>answer only"], "", "answer only"),
]


@pytest.mark.parametrize(("chunks", "reasoning", "answer"), CASES)
def test_cases(chunks: list[str], reasoning: str, answer: str) -> None:
    assert run(chunks)[:2] == (reasoning, answer)
    assert split_whole("".join(chunks)) == (reasoning, answer)


def test_no_tags_is_reported_provisionally_then_corrected() -> None:
    splitter = ThinkSplitter()
    pieces = splitter.feed("Hello there")
    assert [(p.kind, p.provisional) for p in pieces] == [("reasoning", True)]
    _, correction = splitter.finish()
    assert correction == ("", "Hello there")


def test_missing_open_tag_confirmed_needs_no_correction() -> None:
    assert run(["step one", " step two", "</think>", "done"]) == ("step one step two", "done", False)


def test_reasoning_field_makes_untagged_content_answer() -> None:
    splitter = ThinkSplitter()
    splitter.reasoning_arrives_separately()
    pieces = splitter.feed("The answer")
    assert [(p.kind, p.text, p.provisional) for p in pieces] == [("answer", "The answer", False)]
    assert splitter.finish() == ([], None)


def test_answer_text_is_not_held_back() -> None:
    splitter = ThinkSplitter()
    splitter.feed("<think>x</think>")
    assert [p.text for p in splitter.feed("ans<")] == ["ans<"]


def test_held_back_text_is_bounded() -> None:
    splitter = ThinkSplitter()
    splitter.feed("<think>")
    emitted = "".join(p.text for p in splitter.feed("word " * 1000 + "</thin"))
    assert emitted.endswith("word")  # only the partial tag and trailing space are held


ALPHABET = st.sampled_from(["<think>", "</think>", "<", "/", "think", ">", "a", "b", " ", "\n", "<th", "ink>", "</", "x y"])


@st.composite
def transcript_and_cuts(draw: st.DrawFn) -> tuple[str, list[str]]:
    text = "".join(draw(st.lists(ALPHABET, max_size=30)))
    prefix = draw(st.sampled_from(["", "<think>", " \n<think>", "\n"]))
    text = prefix + text
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=12)))
    chunks, last = [], 0
    for cut in cuts:
        chunks.append(text[last:cut])
        last = cut
    chunks.append(text[last:])
    return text, chunks


@settings(max_examples=600, deadline=None)
@given(transcript_and_cuts())
def test_any_chunking_matches_whole_parse(case: tuple[str, list[str]]) -> None:
    text, chunks = case
    assert run(chunks)[:2] == split_whole(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="<>/thinkab \n", max_size=60), st.integers(1, 7))
def test_fixed_size_chunks_match_whole_parse(text: str, size: int) -> None:
    chunks = [text[i : i + size] for i in range(0, len(text), size)] or [""]
    assert run(chunks)[:2] == split_whole(text)
