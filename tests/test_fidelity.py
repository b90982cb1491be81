"""#15.13: what real servers send is kept faithfully (reasoning sources, late errors, usage, plain models)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import ask_request, endpoint_for
from tests.loopback import RawStream, Stream, usage
from tui.chat.transcript import Transcript
from tui.llm.client import ChatClient
from tui.llm.events import AnswerDelta, Event, Finished, Notice, ReasoningDelta, Reclassified
from tui.llm.tag_memory import TagMemory
from tui.llm.think import ThinkSplitter, split_whole

try:
    from tests.test_ask_cli import env_for
    from tests.test_think import transcript_and_cuts
except ImportError:  # tests/ itself on sys.path
    from test_ask_cli import env_for  # type: ignore[no-redef]
    from test_think import transcript_and_cuts  # type: ignore[no-redef]


def chunk(delta: dict | None = None, *, finish: str | None = None, **extra: object) -> dict:
    body: dict = {"id": "c", "object": "chat.completion.chunk", "model": "m",
                  "choices": [{"index": 0, "delta": delta or {}, "finish_reason": finish}]}
    body.update(extra)
    return body


async def run(client: ChatClient, request=None) -> tuple[list[Event], Transcript]:
    transcript, events = Transcript(), []
    async for event in client.stream(request or ask_request()):
        events.append(event)
        transcript.apply(event)
    return events, transcript


async def collect(base_url: str) -> tuple[list[Event], Transcript]:
    client = ChatClient(endpoint_for(base_url))
    try:
        return await run(client)
    finally:
        await client.aclose()


def answer_first_run(chunks: list[str]) -> tuple[str, str, bool]:
    """Feed in answer_first mode, applying 'reclassify' as consumers do; (reasoning, answer, any reasoning streamed)."""
    splitter = ThinkSplitter(answer_first=True)
    reasoning: list[str] = []
    answer: list[str] = []
    streamed_reasoning = False

    def apply(pieces) -> None:
        nonlocal reasoning, answer, streamed_reasoning
        for p in pieces:
            if p.kind == "reclassify":
                reasoning, answer = [p.text], []
            elif p.kind == "reasoning":
                reasoning.append(p.text)
                streamed_reasoning = True
            else:
                answer.append(p.text)

    for c in chunks:
        apply(splitter.feed(c))
    pieces, correction = splitter.finish()
    apply(pieces)
    assert correction is None
    return "".join(reasoning), "".join(answer), streamed_reasoning


@settings(max_examples=400, deadline=None)
@given(transcript_and_cuts())
def test_answer_first_mode_matches_whole_parse(case: tuple[str, list[str]]) -> None:
    text, chunks = case
    assert answer_first_run(chunks)[:2] == split_whole(text)


def test_answer_first_streams_untagged_text_straight_to_the_answer() -> None:
    assert answer_first_run(["Plain ", "answer </thi", "nking> here"]) == ("", "Plain answer </thinking> here", False)
    reasoning, answer, _ = answer_first_run(["dropped open tag, ", "reasoning</th", "ink>\n\nthe answer"])
    assert (reasoning, answer) == ("dropped open tag, reasoning", "the answer")


async def test_reasoning_field_and_think_tags_are_not_glued(azure_server) -> None:
    azure_server.enqueue(Stream(reasoning_chunks=["From the field."], content_chunks=["<think>From the tags.</think>", "Answer"]))
    _, t = await collect(azure_server.base_url)
    assert t.choice(0).reasoning == "From the field.\n\nFrom the tags."
    assert t.choice(0).answer == "Answer"


async def test_error_after_finish_length_keeps_finish_reason_and_usage(azure_server) -> None:
    azure_server.enqueue(RawStream([chunk({"content": "<think>r</think>partial"}), chunk(finish="length"),
                                    {"error": {"message": "Output truncated"}, "usage": usage(7, 9, reasoning=3)}]))
    events, t = await collect(azure_server.base_url)
    assert Finished("length", 0) in events
    assert (t.usage.prompt_tokens, t.usage.completion_tokens, t.usage.reasoning_tokens) == (7, 9, 3)
    assert not t.usage.estimated and t.state == "complete" and t.failure is None
    assert any(isinstance(e, Notice) and "Output truncated" in e.message for e in events)


async def test_error_mid_answer_still_keeps_finish_reasons_that_arrived(azure_server) -> None:
    azure_server.enqueue(RawStream([chunk({"content": "<think>r</think>a"}), chunk(finish="length"),
                                    {"id": "c", "choices": [{"index": 1, "delta": {"content": "b"}, "finish_reason": None}]},
                                    {"error": {"message": "boom"}}]))
    client = ChatClient(endpoint_for(azure_server.base_url))
    try:
        events, t = await run(client, ask_request(n=2))
    finally:
        await client.aclose()
    assert Finished("length", 0) in events and t.failure is not None and t.failure.kind == "interrupted"
    assert t.choice_state(0) == "complete" and t.choice_state(1) == "interrupted"


async def test_groq_usage_in_x_groq_is_read(azure_server) -> None:
    azure_server.enqueue(RawStream([chunk({"content": "<think>r</think>a"}),
                                    chunk(finish="stop", x_groq={"id": "req_1", "usage": usage(11, 13)})]))
    _, t = await collect(azure_server.base_url)
    assert (t.usage.prompt_tokens, t.usage.completion_tokens, t.usage.total_tokens) == (11, 13, 24)
    assert not t.usage.estimated and t.usage.reasoning_estimated


def test_ask_json_reports_reasoning_tokens_estimated_by_r1_tui(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>" + "r" * 40 + "</think>", "a"], usage=usage(3, 20)))
    result = subprocess.run([sys.executable, "-m", "tui", "ask", "--json", "--endpoint", azure_server.base_url,
                             "--deployment", "dep", "q"], capture_output=True, text=True, timeout=60, env=env_for(tmp_path))
    obj = json.loads(result.stdout)
    assert obj["usage"]["reasoning_tokens"] == 10
    assert obj["usage"]["estimated"] is False and obj["usage"]["reasoning_estimated"] is True


async def test_cut_at_length_before_close_tag_is_not_shown_as_the_answer(azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["Okay, the template dropped the opening tag", " and I am still"],
                                finish_reason="length"))
    events, t = await collect(azure_server.base_url)
    assert t.choice(0).answer == "" and t.choice(0).reasoning == "Okay, the template dropped the opening tag and I am still"
    assert not any(isinstance(e, Reclassified) for e in events)
    assert any(isinstance(e, Notice) and "max_tokens was reached before the reasoning ended" in e.message for e in events)
    assert Finished("length", 0) in events


async def test_untagged_answer_that_stops_is_still_the_answer(azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["A plain ", "answer."]))
    _, t = await collect(azure_server.base_url)
    assert (t.choice(0).reasoning, t.choice(0).answer) == ("", "A plain answer.")


async def test_plain_deployment_is_remembered_and_streams_straight_to_the_answer(tmp_path: Path, azure_server) -> None:
    memory_file = tmp_path / "think-tags.json"
    endpoint = endpoint_for(azure_server.base_url)
    client = ChatClient(endpoint, tag_memory=TagMemory(memory_file))
    try:
        azure_server.enqueue(Stream(content_chunks=["Paris ", "is the capital."]))
        first, _ = await run(client)  # unknown deployment: provisional reasoning, then moved
        assert any(isinstance(e, ReasoningDelta) and e.provisional for e in first)
        assert TagMemory(memory_file).verdict(endpoint) == "plain"

        azure_server.enqueue(Stream(content_chunks=["Berlin ", "is too."]))
        second, t = await run(client)  # known plain: straight to the answer
        assert [e for e in second if isinstance(e, (ReasoningDelta, Reclassified))] == []
        assert [e.text for e in second if isinstance(e, AnswerDelta)] == ["Berlin ", "is too."]
        assert t.choice(0).answer == "Berlin is too."

        azure_server.enqueue(Stream(content_chunks=["so it reasons after all", "</think>", "Rome."]))
        third, t = await run(client)  # a </think> after all: what came before was reasoning
        assert (t.choice(0).reasoning, t.choice(0).answer) == ("so it reasons after all", "Rome.")
        assert any(isinstance(e, Reclassified) for e in third)
        assert TagMemory(memory_file).verdict(endpoint) == "reasoning"

        azure_server.enqueue(Stream(content_chunks=["plain again"]))
        await run(client)
        assert TagMemory(memory_file).verdict(endpoint) == "reasoning"  # once reasoning, always reasoning
    finally:
        await client.aclose()


def test_ask_remembers_a_plain_deployment(tmp_path: Path, azure_server) -> None:
    def ask() -> subprocess.CompletedProcess[str]:
        azure_server.enqueue(Stream(content_chunks=["Just ", "an answer."]))
        return subprocess.run([sys.executable, "-m", "tui", "ask", "--endpoint", azure_server.base_url,
                               "--deployment", "plain-model", "q"], capture_output=True, text=True, timeout=60,
                              env=env_for(tmp_path))

    first, second = ask(), ask()
    assert first.stdout == second.stdout == "Just an answer.\n"
    assert "Just an answer." in first.stderr  # streamed as provisional reasoning, then moved
    assert "Just an answer." not in second.stderr  # known plain: straight to stdout
    saved = json.loads((tmp_path / "data" / "r1-tui" / "think-tags.json").read_text())
    assert list(saved["deployments"].values()) == ["plain"]


@pytest.mark.parametrize("content", ["{not json", json.dumps([1, 2]), json.dumps({"deployments": "x"})])
def test_damaged_memory_file_counts_as_empty(tmp_path: Path, content: str) -> None:
    path = tmp_path / "think-tags.json"
    path.write_text(content)
    endpoint = endpoint_for("http://127.0.0.1:9/v1/")
    memory = TagMemory(path)
    assert memory.verdict(endpoint) is None
    memory.record(endpoint, "plain")
    assert TagMemory(path).is_plain(endpoint) and oct(path.stat().st_mode & 0o777) == "0o600"


async def test_doctor_says_when_the_probe_was_cut_before_any_close_tag(azure_server) -> None:
    from tui.checks.probe import check_reasoning, run_probe

    azure_server.enqueue(Stream(content_chunks=["Okay, let me think", " about OK"], finish_reason="length"))
    check = check_reasoning(await run_probe(endpoint_for(azure_server.base_url)))
    assert check.ok and "cut at max_tokens before any </think>" in check.detail


@pytest.mark.parametrize("thinking,answer", [(None, "A plain answer cut"), (True, "")])
async def test_a_hybrid_model_cut_at_length_keeps_its_answer_unless_thinking_is_on(azure_server, thinking, answer) -> None:
    from tui.llm.request import ChatRequest, Turn

    azure_server.enqueue(Stream(content_chunks=["A plain ", "answer cut"], finish_reason="length"))
    client = ChatClient(endpoint_for(azure_server.base_url))
    try:
        _, t = await run(client, ChatRequest((Turn("user", "q"),), thinking=thinking, hybrid=True))
    finally:
        await client.aclose()
    assert t.choice(0).answer == answer
