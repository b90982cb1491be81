"""Real recorded reasoning streams from public projects' test cassettes, replayed through the loopback server.

Each fixture in tests/fixtures/recorded/ is the unchanged response body of one recorded stream (its first
comment lines cite the source and licence). The expected result is computed here independently, from the
recorded chunks themselves, and compared with what the client, the think splitter and the transcript make of it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import collect, endpoint_for
from tests.loopback import RawStream
from tui.llm.events import Failed, Notice
from tui.llm.think import split_whole

FIXTURES = Path(__file__).parent / "fixtures" / "recorded"
RECORDED = sorted(p.name for p in FIXTURES.glob("*.sse"))


def expected(raw: str) -> dict:
    """What the recorded stream says, read plainly: joined fields, the last usage, the finish reason."""
    reasoning, content, usage, finish, model = [], [], None, None, None
    for line in raw.splitlines():
        if not line.startswith("data: ") or line == "data: [DONE]":
            continue
        chunk = json.loads(line[len("data: "):])
        model = model or chunk.get("model") or None
        usage = chunk.get("usage") or (chunk.get("x_groq") or {}).get("usage") or usage
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            reasoning.append(delta.get("reasoning_content") or delta.get("reasoning") or "")
            content.append(delta.get("content") or "")
            finish = choice.get("finish_reason") or finish
    field_reasoning, text = "".join(reasoning), "".join(content)
    tag_reasoning, answer = split_whole(text)
    return {"reasoning": field_reasoning or tag_reasoning, "answer": answer, "usage": usage, "finish": finish,
            "model": model, "tags": not field_reasoning}


def test_the_fixtures_cite_their_source_and_licence() -> None:
    assert len(RECORDED) >= 4
    for name in RECORDED:
        head = (FIXTURES / name).read_text(encoding="utf-8").splitlines()[:5]
        assert any(line.startswith(": source: https://github.com/") for line in head), name
        assert any(line.startswith(": licence: ") for line in head), name


@pytest.mark.parametrize("name", RECORDED)
async def test_recorded_stream_replays_faithfully(azure_server, name: str) -> None:
    raw = (FIXTURES / name).read_text(encoding="utf-8")
    want = expected(raw)
    azure_server.enqueue(RawStream(body=raw.encode("utf-8")))
    events, t = await collect(endpoint_for(azure_server.base_url))
    assert not [e for e in events if isinstance(e, (Failed, Notice))], [e for e in events if isinstance(e, (Failed, Notice))]
    choice = t.choice(0)
    assert want["reasoning"].strip() and want["answer"].strip()  # a real reasoning stream: both parts
    assert choice.reasoning.strip() == want["reasoning"].strip()
    assert choice.answer == want["answer"]
    assert choice.finish_reason == want["finish"] == "stop" and t.state == "complete"
    assert t.model == want["model"]
    u = t.usage
    assert u is not None and not u.estimated  # reported by the server (Groq: in x_groq.usage)
    assert (u.prompt_tokens, u.completion_tokens, u.total_tokens) == (
        want["usage"]["prompt_tokens"], want["usage"]["completion_tokens"], want["usage"]["total_tokens"])
    reported = (want["usage"].get("completion_tokens_details") or {}).get("reasoning_tokens")
    assert u.reasoning_tokens == reported if reported else u.reasoning_estimated
