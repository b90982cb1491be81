"""The stream decoder on its own: chunks in, events out (no server, no client).

What the client tests check end to end through a loopback server is checked here chunk by
chunk, fast enough to run against every mutant of tui/llm/decode.py (bench/mutation.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from tui.llm.chunk_check import ProtocolError
from tui.llm.decode import CUT_IN_REASONING, StreamDecoder, estimate_tokens
from tui.llm.errors import KEPT_HINT
from tui.llm.events import AnswerDelta, Failed, Finished, Notice, ReasoningDelta, Reclassified, Usage

_UNSET: Any = object()


def chunk(content: Any = None, *, reasoning: Any = None, field: str = "reasoning_content", index: Any = 0,
          finish: Any = None, usage: Any = _UNSET, model: Any = "m", delta: Any = _UNSET, **top: Any) -> dict[str, Any]:
    """One chat-completion chunk with a single choice."""
    if delta is _UNSET:
        delta = {}
        if content is not None:
            delta["content"] = content
        if reasoning is not None:
            delta[field] = reasoning
    out: dict[str, Any] = {"model": model, "choices": [{"index": index, "delta": delta, "finish_reason": finish}]}
    if usage is not _UNSET:
        out["usage"] = usage
    out.update(top)
    return out


def usage(prompt: Any = 10, completion: Any = 20, total: Any = _UNSET, reasoning: Any = _UNSET) -> dict[str, Any]:
    u: dict[str, Any] = {"prompt_tokens": prompt, "completion_tokens": completion}
    u["total_tokens"] = (prompt + completion) if total is _UNSET else total
    if reasoning is not _UNSET:
        u["completion_tokens_details"] = {"reasoning_tokens": reasoning}
    return u


def run(chunks: list[dict[str, Any]], **kw: Any) -> tuple[list[Any], StreamDecoder]:
    decoder = StreamDecoder(**kw)
    events: list[Any] = []
    for c in chunks:
        events += decoder.on_chunk(c)
    events += decoder.on_end()
    return events, decoder


def of(events: list[Any], kind: type) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


def notices(events: list[Any]) -> list[str]:
    return [e.message for e in of(events, Notice)]


# --- estimates ---------------------------------------------------------------------------

@pytest.mark.parametrize(("chars", "tokens"), [(0, 0), (1, 0), (3, 1), (4, 1), (6, 2), (10, 2), (14, 4), (400, 100)])
def test_estimate_is_about_four_characters_a_token(chars: int, tokens: int) -> None:
    assert estimate_tokens(chars) == tokens


# --- text --------------------------------------------------------------------------------

def test_tagged_content_is_split_into_reasoning_and_answer() -> None:
    events, d = run([chunk("<think>why"), chunk("</think>Yes."), chunk(finish="stop", usage=usage(reasoning=5))])
    assert events == [ReasoningDelta("why", 0, False), AnswerDelta("Yes.", 0), Usage(10, 20, 30, 5, False, False),
                      Finished("stop", 0)]
    assert d.reasoning_source == "tags" and d.saw_close_tag and d.output_started and d.model == "m"


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
def test_a_reasoning_field_makes_untagged_content_the_answer(field: str) -> None:
    events, d = run([chunk(reasoning="think", field=field), chunk(reasoning=" more", field=field),
                     chunk("Answer", finish="stop")])
    assert of(events, ReasoningDelta) == [ReasoningDelta("think", 0), ReasoningDelta(" more", 0)]
    assert of(events, AnswerDelta) == [AnswerDelta("Answer", 0)]
    assert d.reasoning_source == field and not d.saw_close_tag and d.tag_verdict() == "reasoning"


def test_the_first_reasoning_field_wins_when_a_delta_has_both() -> None:
    both = chunk(delta={"reasoning_content": "rc", "reasoning": "r"})
    events, d = run([both, chunk("A", finish="stop")])
    assert of(events, ReasoningDelta) == [ReasoningDelta("rc", 0)] and d.reasoning_source == "reasoning_content"


def test_an_empty_reasoning_field_still_says_content_is_answer() -> None:
    events, d = run([chunk("Plain answer", reasoning=""), chunk(finish="stop")])
    assert of(events, AnswerDelta) == [AnswerDelta("Plain answer", 0)] and not of(events, ReasoningDelta)
    assert not of(events, Reclassified) and d.reasoning_source is None and d.tag_verdict() == "plain"


def test_an_empty_first_field_does_not_hide_the_second() -> None:
    events, d = run([chunk(delta={"reasoning_content": "", "reasoning": "second"}), chunk("A", finish="stop")])
    assert of(events, ReasoningDelta) == [ReasoningDelta("second", 0)] and d.reasoning_source == "reasoning"


def test_untagged_content_streams_provisionally_then_is_reclassified_as_answer() -> None:
    events, d = run([chunk("Hello "), chunk("there", finish="stop")])
    assert events[:2] == [ReasoningDelta("Hello", 0, True), ReasoningDelta(" there", 0, True)]
    assert of(events, Reclassified) == [Reclassified("", "Hello there", 0)]
    assert of(events, Usage) == [Usage(0, 3, 3, 0, True, True)]  # 11 answer characters, no reasoning
    assert d.reasoning_source is None and d.tag_verdict() == "plain"


def test_untagged_content_then_a_reasoning_field_turns_it_into_answer_at_once() -> None:
    events, _ = run([chunk("Answer first "), chunk(reasoning="late reasoning"), chunk("and more", finish="stop")])
    assert events[:3] == [ReasoningDelta("Answer first", 0, True), Reclassified("", "Answer first ", 0),
                          ReasoningDelta("late reasoning", 0)]
    assert of(events, AnswerDelta) == [AnswerDelta("and more", 0)]
    (u,) = of(events, Usage)
    assert u.completion_tokens == estimate_tokens(len("Answer first ") + len("late reasoning") + len("and more"))


def test_reasoning_from_a_field_and_from_tags_is_never_glued() -> None:
    events, _ = run([chunk(reasoning="From the field."), chunk("<think>From the tags.</think>Answer", finish="stop")])
    assert of(events, ReasoningDelta) == [ReasoningDelta("From the field.", 0), ReasoningDelta("\n\nFrom the tags.", 0)]


def test_no_separator_when_the_next_source_starts_a_line_or_the_source_stays() -> None:
    events, _ = run([chunk(reasoning="a"), chunk(reasoning="b", finish="stop")])
    assert of(events, ReasoningDelta) == [ReasoningDelta("a", 0), ReasoningDelta("b", 0)]
    events, _ = run([chunk("<think>a</think>"), chunk(reasoning="\nb", finish="stop")])
    assert of(events, ReasoningDelta) == [ReasoningDelta("a", 0), ReasoningDelta("\nb", 0)]


def test_thinking_switched_off_makes_untagged_content_answer_and_says_nothing_of_the_model() -> None:
    events, d = run([chunk("Straight answer", finish="stop")], untagged_is_answer=True)
    assert of(events, AnswerDelta) == [AnswerDelta("Straight answer", 0)] and not of(events, ReasoningDelta)
    assert d.tag_verdict() is None


def test_answer_first_streams_the_answer_and_reclassifies_on_a_late_close_tag() -> None:
    events, d = run([chunk("so "), chunk("reasoning</think>"), chunk("Answer", finish="stop")], answer_first=True)
    assert events[:3] == [AnswerDelta("so ", 0), Reclassified("so reasoning", "", 0), AnswerDelta("Answer", 0)]
    assert d.reasoning_source == "tags" and d.saw_close_tag and d.tag_verdict() == "reasoning"
    (u,) = of(events, Usage)
    assert u.reasoning_tokens == estimate_tokens(len("so reasoning")) and u.reasoning_estimated


def test_answer_first_reclassifies_each_choice_on_its_own() -> None:
    decoder = StreamDecoder(n=2, answer_first=True)
    events = decoder.on_chunk(chunk("x</think>", index=1))
    assert events == [Reclassified("x", "", 1)]


def test_choices_interleave_and_end_in_index_order() -> None:
    events, d = run([chunk("<think>b", index=1), chunk("<think>a</think>A", index=0),
                     chunk("</think>B", index=1, finish="length"), chunk(index=0, finish="stop")], n=2)
    assert events[:4] == [ReasoningDelta("b", 1), ReasoningDelta("a", 0), AnswerDelta("A", 0), AnswerDelta("B", 1)]
    assert events[-2:] == [Finished("stop", 0), Finished("length", 1)]
    assert d.all_finished and not of(events, Failed)


# --- ends ----------------------------------------------------------------------------------

def test_no_finish_reason_means_interrupted() -> None:
    events, d = run([chunk("<think>r</think>partial")])
    assert events[-1] == Failed("interrupted", "The stream ended without a finish_reason: the answer was cut off.",
                                KEPT_HINT)
    assert not d.all_finished and d.tag_verdict() == "reasoning"


def test_an_empty_stream_is_interrupted_and_says_nothing_of_the_model() -> None:
    decoder = StreamDecoder()
    assert not decoder.all_finished
    events = decoder.on_end()
    assert events == [Usage(0, 0, 0, 0, True, True), events[-1]] and isinstance(events[-1], Failed)
    assert decoder.tag_verdict() is None and not decoder.output_started


def test_one_unfinished_choice_of_two_is_interrupted() -> None:
    events, d = run([chunk("a", index=0, finish="stop"), chunk("b", index=1)], n=2)
    assert not d.all_finished and of(events, Finished) == [Finished("stop", 0)] and of(events, Failed)


def test_a_break_flushes_what_arrived_then_fails() -> None:
    decoder = StreamDecoder(prompt_chars=40)
    decoder.on_chunk(chunk("<think>held </thi"))
    failure = Failed("interrupted", "reset", KEPT_HINT)
    events = decoder.on_break(failure)
    assert events == [ReasoningDelta(" </thi", 0), Usage(10, 2, 12, 2, True, True), failure]  # 10 characters


def test_a_break_after_a_finish_reason_keeps_it() -> None:
    decoder = StreamDecoder()
    decoder.on_chunk(chunk("<think>r</think>a", finish="length"))
    failure = Failed("server", "boom")
    events = decoder.on_break(failure)
    assert events[-2:] == [Finished("length", 0), failure]


def test_cut_at_max_tokens_inside_reasoning_says_there_is_no_answer() -> None:
    events, _ = run([chunk("<think>still thinking", finish="length")])
    assert notices(events) == [CUT_IN_REASONING] and not of(events, Failed)
    events, _ = run([chunk("untagged thinking", finish="length")])
    assert notices(events) == [CUT_IN_REASONING] and not of(events, Reclassified)


def test_a_model_not_thinking_keeps_untagged_text_cut_at_max_tokens_as_its_answer() -> None:
    events, _ = run([chunk("untagged answer", finish="length")], cut_keeps_reasoning=False)
    assert of(events, Reclassified) == [Reclassified("", "untagged answer", 0)] and not notices(events)


def test_a_stop_inside_reasoning_is_not_a_cut() -> None:
    events, _ = run([chunk("<think>r", finish="stop")])
    assert not notices(events)


# --- usage -----------------------------------------------------------------------------------

def test_reported_usage_is_used_as_is() -> None:
    events, _ = run([chunk("<think>r</think>a", finish="stop"), chunk(usage=usage(7, 9, 16, 4), delta={})])
    assert of(events, Usage) == [Usage(7, 9, 16, 4, False, False)]


def test_usage_in_groq_x_groq_and_the_top_level_one_first() -> None:
    events, _ = run([chunk("<think>r</think>a", finish="stop", x_groq={"usage": usage(1, 2, 3, 1)})])
    assert of(events, Usage) == [Usage(1, 2, 3, 1, False, False)]
    events, _ = run([chunk("a", finish="stop", usage=usage(5, 6, 11, 0), x_groq={"usage": usage(1, 2)})])
    assert of(events, Usage)[0].prompt_tokens == 5
    events, _ = run([chunk("a", finish="stop", x_groq="not an object")])
    assert of(events, Usage)[0].estimated and not notices(events)


def test_the_last_usage_object_counts() -> None:
    events, _ = run([chunk("a", usage=usage(1, 1)), chunk(finish="stop", usage=usage(2, 3))])
    (u,) = of(events, Usage)
    assert (u.prompt_tokens, u.completion_tokens) == (2, 3)


def test_usage_that_is_not_an_object_is_ignored_once() -> None:
    events, _ = run([chunk("a", usage=[1]), chunk("b", usage="x", finish="stop")])
    assert notices(events) == ["The server sent usage as list [1], not an object: ignored."]
    assert of(events, Usage)[0].estimated


def test_without_usage_everything_is_estimated() -> None:
    events, _ = run([chunk("<think>" + "r" * 40 + "</think>" + "a" * 20, finish="stop")], prompt_chars=80)
    assert of(events, Usage) == [Usage(20, 15, 35, 10, True, True)]


def test_impossible_counts_are_estimated_and_said_once() -> None:
    bad = usage(-1, 2**63, "x", reasoning=-5)
    events, _ = run([chunk("<think>" + "r" * 40 + "</think>" + "a" * 20, finish="stop", usage=bad)], prompt_chars=80)
    assert of(events, Usage) == [Usage(20, 15, 35, 10, True, True)]
    assert notices(events) == ["The server reported impossible token counts (prompt_tokens, completion_tokens, "
                               "total_tokens, reasoning_tokens): r1-tui estimated those (marked ~)."]


def test_one_impossible_count_estimates_the_total_too() -> None:
    events, _ = run([chunk("a" * 8, reasoning="", finish="stop", usage=usage(5, "many", 999))], prompt_chars=40)
    assert of(events, Usage) == [Usage(5, 2, 7, None, True, False)]


def test_missing_counts_count_as_zero_without_being_estimated() -> None:
    events, _ = run([chunk("a", reasoning="", finish="stop", usage={"completion_tokens": 3})])
    assert of(events, Usage) == [Usage(0, 3, 3, None, False, False)] and not notices(events)


def test_a_missing_or_zero_total_is_the_sum() -> None:
    for total in (None, 0):
        events, _ = run([chunk("a", reasoning="", finish="stop", usage=usage(4, 5, total))])
        assert of(events, Usage) == [Usage(4, 5, 9, None, False, False)] and not notices(events)


def test_a_bad_total_alone_is_said_and_replaced_by_the_sum() -> None:
    events, _ = run([chunk("a", reasoning="", finish="stop", usage=usage(4, 5, -9))])
    assert of(events, Usage) == [Usage(4, 5, 9, None, False, False)] and len(notices(events)) == 1


def test_reasoning_tokens_are_estimated_when_not_reported_but_never_above_the_completion() -> None:
    events, _ = run([chunk("<think>" + "r" * 400 + "</think>a", finish="stop", usage=usage(1, 30))])
    assert of(events, Usage) == [Usage(1, 30, 31, 30, False, True)]
    events, _ = run([chunk("<think>" + "r" * 40 + "</think>a", finish="stop", usage=usage(1, 30, reasoning=0))])
    assert of(events, Usage) == [Usage(1, 30, 31, 10, False, True)]
    events, _ = run([chunk("<think>" + "r" * 40 + "</think>a", finish="stop", usage=usage(1, 0))])
    assert of(events, Usage) == [Usage(1, 0, 1, 10, False, True)]


def test_usage_event_without_an_event_list_says_nothing() -> None:
    decoder = StreamDecoder()
    decoder.on_chunk(chunk("a", finish="stop", usage=usage(-1, 1)))
    assert decoder.usage_event().estimated
    assert notices(decoder.on_end())  # said once, at the end


# --- hostile chunks --------------------------------------------------------------------------

@pytest.mark.parametrize("index", ["0", 1.0, True, [0]])
def test_an_index_that_is_not_a_number_is_a_protocol_error(index: Any) -> None:
    with pytest.raises(ProtocolError) as caught:
        StreamDecoder().on_chunk(chunk("a", index=index))
    assert str(caught.value) == (f"The server sent a malformed chunk: choices[].index is {type(index).__name__} "
                                 f"{index!r}, not a number.")


def test_a_missing_index_is_choice_zero() -> None:
    events, _ = run([{"model": "m", "choices": [{"delta": {"content": "<think>r</think>a"}, "finish_reason": "stop"}]}])
    assert of(events, AnswerDelta) == [AnswerDelta("a", 0)] and of(events, Finished) == [Finished("stop", 0)]


@pytest.mark.parametrize(("index", "shown"), [(1, "1"), (-1, "-1"), (2**64, "184467440737\u2026"),
                                              (10**12 - 1, "999999999999"), (-(10**12) + 1, "-999999999999"),
                                              (10**12, "100000000000\u2026"), (-(10**12), "-10000000000\u2026")])
def test_choices_beyond_n_are_ignored_once(index: int, shown: str) -> None:
    events, d = run([chunk("<think>x</think>y", index=index), chunk("<think>z", index=index),
                     chunk("<think>r</think>a", finish="stop")])
    assert notices(events) == [f"The server sent choice index {shown}, beyond the 1 requested: ignored."]
    assert of(events, AnswerDelta) == [AnswerDelta("a", 0)] and d.all_finished


def test_n_below_one_still_takes_choice_zero() -> None:
    events, _ = run([chunk("<think>r</think>a", finish="stop")], n=0)
    assert of(events, AnswerDelta) == [AnswerDelta("a", 0)] and not notices(events)


def test_choices_that_are_not_a_list_or_not_objects_are_ignored_with_a_notice() -> None:
    events, _ = run([{"model": "m", "choices": {"0": 1}}, {"model": "m", "choices": "x"},
                     {"model": "m", "choices": [3, "y"]}, chunk("<think>r</think>a", finish="stop")])
    assert notices(events) == ["The server sent choices as dict {'0': 1}, not a list: ignored.",
                               "The server sent a choice as int 3, not an object: ignored."]


def test_text_fields_that_are_not_text_are_ignored_with_a_notice() -> None:
    events, _ = run([chunk(delta={"content": 5, "reasoning_content": ["r"]}), chunk(delta={"content": 6}),
                     chunk("<think>r</think>a", finish="stop")])
    assert notices(events) == ["The server sent delta.reasoning_content as list ['r'], not text: ignored.",
                               "The server sent delta.content as int 5, not text: ignored."]
    assert of(events, AnswerDelta) == [AnswerDelta("a", 0)]


def test_a_delta_that_is_not_an_object_carries_nothing_but_its_finish_reason() -> None:
    events, _ = run([chunk("<think>r</think>a"), chunk(delta="x", finish="stop")])
    assert of(events, Finished) == [Finished("stop", 0)] and not notices(events)


def test_labels_are_cleaned_and_bounded() -> None:
    events, d = run([chunk("a", reasoning="", model="m" * 300, finish="s" * 300)])
    assert d.model == "m" * 200 and of(events, Finished) == [Finished("s" * 200, 0)]
    events, d = run([chunk("a", reasoning="", model=7, finish=5)])
    assert d.model is None and not of(events, Finished) and of(events, Failed)


def test_the_model_is_the_first_one_named() -> None:
    decoder = StreamDecoder()
    decoder.on_chunk({"model": "", "choices": []})
    assert decoder.model is None
    decoder.on_chunk(chunk("a", model="first"))
    decoder.on_chunk(chunk("b", model="second"))
    assert decoder.model == "first"


def test_surrogate_halves_split_across_chunks_are_joined() -> None:
    events, _ = run([chunk("<think>\ud83d"), chunk("\ude00</think>\ud83d"), chunk("\ude01", finish="stop")])
    assert of(events, ReasoningDelta) == [ReasoningDelta("\U0001f600", 0)]
    assert of(events, AnswerDelta) == [AnswerDelta("\U0001f601", 0)]


def test_a_lone_surrogate_at_the_end_becomes_a_replacement_character() -> None:
    events, _ = run([chunk(reasoning="r\ud83d"), chunk("A", finish="stop")])
    assert of(events, ReasoningDelta) == [ReasoningDelta("r", 0), ReasoningDelta("\ufffd", 0)]
    events, _ = run([chunk("<think>x\ud83d", finish="stop")])
    assert of(events, ReasoningDelta) == [ReasoningDelta("x", 0), ReasoningDelta("\ufffd", 0)]


def test_skipped_data_is_said_once_with_the_next_events() -> None:
    decoder = StreamDecoder()
    decoder.skipped("data that is not JSON")
    decoder.skipped("data that is not a JSON object (list)")
    events = decoder.on_chunk(chunk("<think>r"))
    assert events == [Notice("The server sent data that is not JSON: skipped."), ReasoningDelta("r", 0)]
    decoder.skipped("more")
    assert decoder.on_chunk(chunk("s")) == [ReasoningDelta("s", 0)]


def test_a_skip_before_the_end_is_said_at_the_end() -> None:
    for end in ("on_end", "on_break"):
        decoder = StreamDecoder()
        decoder.on_chunk(chunk("<think>r</think>a", finish="stop"))
        decoder.skipped("junk")
        events = decoder.on_end() if end == "on_end" else decoder.on_break(Failed("server", "x"))
        assert events[0] == Notice("The server sent junk: skipped.")


# --- tool calls and the tag memory's verdict -----------------------------------------------

def test_a_tool_call_is_named_once_and_never_made() -> None:
    call = {"tool_calls": [{"index": 0, "function": {"name": "get_weather", "arguments": "{\"secret\": 1}"}}]}
    events, _ = run([chunk(delta=call), chunk(delta=call), chunk("<think>r</think>a", finish="tool_calls")])
    assert notices(events) == ["The model asked to call a tool (get_weather); r1-tui does not run tools, "
                               "so the call was not made."]


@pytest.mark.parametrize(("delta", "named"), [
    ({"function_call": {"name": "f" * 100}}, " (" + "f" * 64 + ")"),
    ({"function_call": "f"}, ""),
    ({"tool_calls": [{"function": {"name": ""}}]}, ""),
    ({"tool_calls": [{"function": "x"}]}, ""),
    ({"tool_calls": ["x"]}, ""),
    ({"tool_calls": {"function": {"name": "n"}}}, ""),
    ({"tool_calls": [{"function": {"name": 5}}]}, ""),
])
def test_a_tool_call_notice_shows_only_a_real_name(delta: dict[str, Any], named: str) -> None:
    events, _ = run([chunk(delta=delta), chunk("<think>r</think>a", finish="stop")])
    assert notices(events) == [f"The model asked to call a tool{named}; r1-tui does not run tools, so the call was not made."]


def test_empty_tool_fields_are_no_call() -> None:
    events, _ = run([chunk(delta={"tool_calls": [], "function_call": None, "content": "<think>r</think>a"}, finish="stop")])
    assert not notices(events)


@pytest.mark.parametrize(("chunks", "verdict"), [
    ([chunk("<think>r</think>a", finish="stop")], "reasoning"),
    ([chunk("a", reasoning="r", finish="stop")], "reasoning"),
    ([chunk("plain answer", finish="stop")], "plain"),
    ([chunk("plain answer", finish="length")], None),
    ([chunk("plain answer")], None),
    ([chunk("", finish="stop")], None),
    ([chunk("a", index=0, finish="stop"), chunk("b", index=1, finish="length")], None),
    ([chunk("a", index=0, finish="stop"), chunk("", index=1, finish="stop")], "plain"),
])
def test_tag_verdict(chunks: list[dict[str, Any]], verdict: str | None) -> None:
    _, d = run(chunks, n=2)
    assert d.tag_verdict() == verdict


def test_output_started_only_with_text() -> None:
    decoder = StreamDecoder()
    assert decoder.output_started is False and decoder.saw_close_tag is False and decoder.content_encoding is None
    decoder.on_chunk(chunk(delta={"content": "", "reasoning_content": ""}))
    decoder.on_chunk({"model": "m", "choices": []})
    assert not decoder.output_started
    decoder.on_chunk(chunk(reasoning="r"))
    assert decoder.output_started
    content = StreamDecoder()
    content.on_chunk(chunk("c"))
    assert content.output_started


def test_an_ignored_choice_does_not_hide_the_next_one_in_the_chunk() -> None:
    both = {"model": "m", "choices": [3, {"index": 7, "delta": {"content": "x"}},
                                      {"index": 0, "delta": {"content": "<think>r</think>a"}, "finish_reason": "stop"}]}
    events, d = run([both])
    assert of(events, AnswerDelta) == [AnswerDelta("a", 0)] and d.all_finished and len(notices(events)) == 2


def test_content_beside_a_reasoning_field_in_one_delta_is_the_answer() -> None:
    events, _ = run([chunk(delta={"reasoning_content": "rc", "reasoning": "r", "content": "A"}, finish="stop")])
    assert events[:2] == [ReasoningDelta("rc", 0), AnswerDelta("A", 0)]


def test_an_empty_reasoning_field_after_untagged_content_counts_no_reasoning() -> None:
    events, _ = run([chunk("Answer"), chunk(reasoning=""), chunk(finish="stop", usage=usage(3, 4))])
    assert of(events, Reclassified) == [Reclassified("", "Answer", 0)]
    assert of(events, Usage) == [Usage(3, 4, 7, None, False, False)]


def test_reclassifications_name_their_choice() -> None:
    events, _ = run([chunk("plain", index=1, finish="stop"), chunk("<think>r</think>a", finish="stop")], n=2)
    assert of(events, Reclassified) == [Reclassified("", "plain", 1)]
    events, _ = run([chunk("untagged", index=1), chunk(reasoning="", index=1, finish="stop"),
                     chunk("<think>r</think>a", finish="stop")], n=2)
    assert of(events, Reclassified) == [Reclassified("", "untagged", 1)]


def test_reasoning_in_many_pieces_is_all_counted() -> None:
    events, _ = run([chunk("<think>" + "r" * 20), chunk("r" * 20), chunk("</think>a", finish="stop")])
    assert of(events, Usage) == [Usage(0, 10, 10, 10, True, True)]  # 41 characters


def test_answer_first_counts_the_reclassified_text_as_reasoning() -> None:
    events, _ = run([chunk("so reasoning</think>Answer", finish="stop")], answer_first=True)
    assert of(events, Usage) == [Usage(0, 4, 4, 3, True, True)]  # 12 + 6 characters: 18 / 4 rounds to 4


def test_the_first_source_of_reasoning_is_the_one_reported() -> None:
    _, d = run([chunk("<think>tags first</think>"), chunk(reasoning="then a field"), chunk("A", finish="stop")])
    assert d.reasoning_source == "tags"
    _, d = run([chunk("x</think>"), chunk(reasoning="then a field"), chunk("A", finish="stop")], answer_first=True)
    assert d.reasoning_source == "tags"
    _, d = run([chunk("untagged reasoning cut short", finish="length")])
    assert d.reasoning_source == "tags" and d.tag_verdict() is None
    _, d = run([chunk("plain", finish="stop")])
    assert d.reasoning_source is None


def test_impossible_counts_are_said_when_the_stream_breaks_too() -> None:
    decoder = StreamDecoder()
    decoder.on_chunk(chunk("<think>r</think>a", finish="stop", usage=usage(-1, 2)))
    assert notices(decoder.on_break(Failed("server", "x"))) == [
        "The server reported impossible token counts (prompt_tokens): r1-tui estimated those (marked ~)."]


def test_each_kind_of_problem_gets_its_own_notice() -> None:
    events, _ = run([chunk(delta={"content": 1, "reasoning": 2, "tool_calls": [{"function": {"name": "t"}}]},
                           usage="u", index=0),
                     {"model": "m", "choices": "c"}, {"model": "m", "choices": [1, {"index": 9}]},
                     chunk("<think>cut", finish="length", usage=usage(-1, 1))])
    assert len(notices(events)) == 9 == len(set(notices(events)))
