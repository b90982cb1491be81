"""The think splitter: every case from the brief, and a property test over chunkings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.llm.think import Piece, ThinkSplitter, split_whole


def _sort(piece: Piece, reasoning: list[str], answer: list[str]) -> None:
    assert piece.kind in ("reasoning", "answer") and piece.text
    assert piece.provisional is False or piece.kind == "reasoning"
    (reasoning if piece.kind == "reasoning" else answer).append(piece.text)


def run(chunks: list[str], *, field_seen: bool = False) -> tuple[str, str, bool]:
    """Feed ``chunks``; return the final (reasoning, answer) and whether a correction came."""
    splitter = ThinkSplitter()
    if field_seen:
        splitter.reasoning_arrives_separately()
    reasoning: list[str] = []
    answer: list[str] = []
    for chunk in chunks:
        for piece in splitter.feed(chunk):
            _sort(piece, reasoning, answer)
    pieces, correction = splitter.finish()
    for piece in pieces:
        _sort(piece, reasoning, answer)
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


def kinds(pieces: list[Piece]) -> list[tuple[str, str, bool]]:
    return [(p.kind, p.text, p.provisional) for p in pieces]


def test_text_without_a_possible_tag_is_emitted_at_once() -> None:
    splitter = ThinkSplitter()
    assert kinds(splitter.feed("<think>abc")) == [("reasoning", "abc", False)]
    assert kinds(splitter.feed("x<y")) == [("reasoning", "x<y", False)]  # "<y" cannot start </think>
    assert kinds(splitter.feed(" a < b")) == [("reasoning", " a < b", False)]
    assert kinds(splitter.feed(" </thin")) == []  # could be the tag: held back with its leading space
    assert kinds(splitter.feed("g>")) == [("reasoning", " </thing>", False)]


def test_each_proper_prefix_of_the_close_tag_is_held_back() -> None:
    for cut in range(1, len("</think>")):
        splitter = ThinkSplitter()
        assert kinds(splitter.feed("<think>r" + "</think>"[:cut])) == [("reasoning", "r", False)]
        assert kinds(splitter.feed("</think>"[cut:] + "A")) == [("answer", "A", False)]


def test_answer_after_a_reasoning_field_streams_without_being_held() -> None:
    splitter = ThinkSplitter()
    splitter.reasoning_arrives_separately()
    assert kinds(splitter.feed("  The ")) == [("answer", "The ", False)]
    assert kinds(splitter.feed("answer</think>")) == [("answer", "answer</think>", False)]
    assert splitter.finish() == ([], None)


def test_cut_short_inside_tagged_reasoning_keeps_it_as_reasoning() -> None:
    splitter = ThinkSplitter()
    assert kinds(splitter.feed("<think>half a thought </th")) == [("reasoning", "half a thought", False)]
    assert not splitter.cut_in_reasoning
    pieces, correction = splitter.finish(cut_short=True)
    assert kinds(pieces) == [("reasoning", " </th", False)] and correction is None
    assert splitter.cut_in_reasoning is True


def test_a_normal_end_inside_tagged_reasoning_is_not_a_cut() -> None:
    splitter = ThinkSplitter()
    splitter.feed("<think>thought")
    assert splitter.finish() == ([], None)
    assert splitter.cut_in_reasoning is False


def test_cut_short_inside_untagged_reasoning_stays_provisional_reasoning() -> None:
    splitter = ThinkSplitter()
    assert kinds(splitter.feed("untagged thought </thi")) == [("reasoning", "untagged thought", True)]
    pieces, correction = splitter.finish(cut_short=True)
    assert kinds(pieces) == [("reasoning", " </thi", True)] and correction is None
    assert splitter.cut_in_reasoning is True


def test_cut_short_elsewhere_is_not_a_cut_in_reasoning() -> None:
    splitter = ThinkSplitter()
    splitter.feed("<think>r</think>answer")
    assert splitter.finish(cut_short=True) == ([], None) and splitter.cut_in_reasoning is False
    untouched = ThinkSplitter()
    assert untouched.finish(cut_short=True) == ([], None) and untouched.cut_in_reasoning is False


def test_a_finished_splitter_passes_text_through_as_answer() -> None:
    for start in ("<think>r </thi", "untagged", "<thi", ""):
        splitter = ThinkSplitter()
        splitter.feed(start)
        splitter.finish()
        assert kinds(splitter.feed("<think>more</think>")) == [("answer", "<think>more</think>", False)]
        assert splitter.finish() == ([], None)


def test_in_reasoning_follows_the_stream() -> None:
    splitter = ThinkSplitter()
    assert not splitter.in_reasoning
    splitter.feed("<th")
    assert not splitter.in_reasoning  # not decided yet
    splitter.feed("ink>r")
    assert splitter.in_reasoning
    splitter.feed("</think>a")
    assert not splitter.in_reasoning
    untagged = ThinkSplitter()
    untagged.feed("maybe reasoning")
    assert untagged.in_reasoning


def test_provisional_text_taken_as_answer_when_a_reasoning_field_appears() -> None:
    splitter = ThinkSplitter()
    assert splitter.take_provisional_as_answer() is None  # nothing provisional yet
    splitter.feed("  Hello ")
    splitter.feed("world </th")
    splitter.feed("ere ")
    assert splitter.take_provisional_as_answer() == "Hello world </there "
    assert not splitter.in_reasoning
    assert kinds(splitter.feed(" more")) == [("answer", " more", False)]
    assert splitter.finish() == ([], None)
    assert splitter.take_provisional_as_answer() is None


def test_tagged_reasoning_is_never_taken_as_answer() -> None:
    splitter = ThinkSplitter()
    splitter.feed("<think>sure reasoning")
    assert splitter.take_provisional_as_answer() is None
    assert splitter.in_reasoning


def test_answer_first_streams_as_answer_and_reclassifies_on_a_late_close_tag() -> None:
    splitter = ThinkSplitter(answer_first=True)
    assert kinds(splitter.feed("  looks like ")) == [("answer", "looks like ", False)]
    assert not splitter.in_reasoning
    assert kinds(splitter.feed("an answer </th")) == [("answer", "an answer ", False)]
    assert kinds(splitter.feed("ink>\n The answer")) == [("reclassify", "looks like an answer", False),
                                                          ("answer", "The answer", False)]
    assert kinds(splitter.feed(" </think>")) == [("answer", " </think>", False)]
    assert splitter.finish() == ([], None)


def test_answer_first_flushes_a_held_back_partial_tag_as_answer() -> None:
    splitter = ThinkSplitter(answer_first=True)
    assert kinds(splitter.feed("an answer ending in </thi")) == [("answer", "an answer ending in ", False)]
    pieces, correction = splitter.finish()
    assert kinds(pieces) == [("answer", "</thi", False)] and correction is None
    plain = ThinkSplitter(answer_first=True)
    plain.feed("all said")
    assert plain.finish() == ([], None)


def test_answer_first_still_honours_an_opening_tag() -> None:
    splitter = ThinkSplitter(answer_first=True)
    assert kinds(splitter.feed("<think>r</think>a")) == [("reasoning", "r", False), ("answer", "a", False)]


def test_answer_first_partial_tag_split_over_chunks() -> None:
    splitter = ThinkSplitter(answer_first=True)
    out = splitter.feed("x<")
    out += splitter.feed("/")
    out += splitter.feed("think>y")
    assert kinds(out) == [("answer", "x", False), ("reclassify", "x", False), ("answer", "y", False)]


def test_only_whitespace_before_the_end_is_no_answer() -> None:
    splitter = ThinkSplitter()
    assert splitter.feed(" \n ") == []
    assert splitter.finish() == ([], None)


def test_whitespace_between_reasoning_chunks_is_kept_whole() -> None:
    assert run(["<think>a", " ", "\n", "  ", "b</think>c"]) == ("a \n  b", "c", False)


def test_answer_first_close_tag_then_answer_in_later_chunks() -> None:
    splitter = ThinkSplitter(answer_first=True)
    out = splitter.feed("r</think>") + splitter.feed("\n\n") + splitter.feed("\nA")
    assert kinds(out) == [("reclassify", "r", False), ("answer", "A", False)]


def test_answer_first_only_the_first_close_tag_ends_the_reasoning() -> None:
    splitter = ThinkSplitter(answer_first=True)
    out = splitter.feed("x</think>y</think>z")
    assert kinds(out) == [("reclassify", "x", False), ("answer", "y</think>z", False)]
