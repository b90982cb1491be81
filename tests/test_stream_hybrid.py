"""Streams from hybrid and tool-calling models stay readable (real client, loopback server)."""

from __future__ import annotations

from tests.helpers import ask_request, collect, endpoint_for
from tests.loopback import LoopbackServer, Stream
from tui.llm.events import AnswerDelta, Notice, ReasoningDelta, Reclassified


def tool_delta(name: str | None, args: str, first: bool) -> dict:
    call: dict = {"index": 0, "function": {"arguments": args}}
    if first:
        call.update(id="call_1", type="function")
        call["function"]["name"] = name
    return {"content": None, "tool_calls": [call]}


async def test_tool_calls_are_noted_once_and_the_text_is_kept(azure_server: LoopbackServer) -> None:
    azure_server.enqueue(Stream(deltas=[
        {"reasoning_content": "I should look it up."},
        {"content": "Let me check."},
        tool_delta("get_weather", "", True), tool_delta(None, '{"city": ', False), tool_delta(None, '"Oslo"}', False),
    ], finish_reason="tool_calls"))
    events, t = await collect(endpoint_for(azure_server.base_url))
    notices = [e.message for e in events if isinstance(e, Notice)]
    assert notices == ["The model asked to call a tool (get_weather); r1-tui does not run tools, so the call was not made."]
    assert (t.choice(0).reasoning, t.choice(0).answer) == ("I should look it up.", "Let me check.")
    assert t.choice(0).finish_reason == "tool_calls" and t.failure is None
    assert "Oslo" not in "".join(notices)  # arguments are never shown


async def test_reasoning_that_stops_and_starts_again(azure_server: LoopbackServer) -> None:
    azure_server.enqueue(Stream(deltas=[
        {"reasoning_content": "First, "}, {"reasoning_content": "think."}, {"content": "Part one. "},
        {"reasoning_content": "Think again."}, {"content": "Part two."},
    ]))
    events, t = await collect(endpoint_for(azure_server.base_url))
    assert (t.choice(0).reasoning, t.choice(0).answer) == ("First, think.Think again.", "Part one. Part two.")
    kinds = [type(e).__name__ for e in events if isinstance(e, (ReasoningDelta, AnswerDelta))]
    assert kinds == ["ReasoningDelta", "ReasoningDelta", "AnswerDelta", "ReasoningDelta", "AnswerDelta"]
    assert not any(isinstance(e, Reclassified) for e in events)


async def test_empty_reasoning_in_non_thinking_mode_is_answer_at_once(azure_server: LoopbackServer) -> None:
    azure_server.enqueue(Stream(deltas=[
        {"reasoning_content": "", "content": "Paris is"}, {"reasoning_content": "", "content": " the capital."},
    ]))
    events, t = await collect(endpoint_for(azure_server.base_url))
    assert (t.choice(0).reasoning, t.choice(0).answer) == ("", "Paris is the capital.")
    assert not any(isinstance(e, (ReasoningDelta, Reclassified)) for e in events)  # never shown as reasoning


async def test_untagged_content_then_a_reasoning_field_reclassifies_at_once(azure_server: LoopbackServer) -> None:
    azure_server.enqueue(Stream(deltas=[{"content": "Sure."}, {"reasoning_content": "Now thinking."},
                                        {"content": " Done."}]))
    events, t = await collect(endpoint_for(azure_server.base_url))
    assert (t.choice(0).reasoning, t.choice(0).answer) == ("Now thinking.", "Sure. Done.")
    reclassified = [e for e in events if isinstance(e, Reclassified)]
    assert reclassified == [Reclassified("", "Sure.", 0)]
    assert events.index(reclassified[0]) < next(i for i, e in enumerate(events)
                                                if isinstance(e, ReasoningDelta) and not e.provisional)


async def test_thinking_off_request_takes_untagged_content_as_answer(azure_server: LoopbackServer) -> None:
    azure_server.enqueue(Stream(content_chunks=["Plain ", "answer."]))
    events, t = await collect(endpoint_for(azure_server.base_url), ask_request(thinking=False))
    assert t.choice(0).answer == "Plain answer." and t.choice(0).reasoning == ""
    assert not any(isinstance(e, (ReasoningDelta, Reclassified)) for e in events)


async def test_thinking_off_still_splits_a_think_block(azure_server: LoopbackServer) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>\n\n</think>\n\n", "Answer."]),
                         Stream(content_chunks=["<think>brief</think>", "Answer."]))
    for reasoning in ("", "brief"):
        _, t = await collect(endpoint_for(azure_server.base_url), ask_request(thinking=False))
        assert (t.choice(0).reasoning, t.choice(0).answer) == (reasoning, "Answer.")


async def test_without_the_hint_untagged_content_is_still_provisional(azure_server: LoopbackServer) -> None:
    """R1's missing-<think> quirk keeps working when thinking was not switched off."""
    azure_server.enqueue(Stream(content_chunks=["Reasoning here.", "</think>", "Answer."]))
    _, t = await collect(endpoint_for(azure_server.base_url))
    assert (t.choice(0).reasoning, t.choice(0).answer) == ("Reasoning here.", "Answer.")
