"""Turning transcripts into OpenAI/Azure chat-completion wire objects (no I/O here).

Two models: ``demo-r1`` always reasons (as DeepSeek-R1 does); ``demo-v3`` is hybrid, like
DeepSeek-V3.1 and later: it reasons (in ``reasoning_content``) only when the request says
``"thinking": {"type": "enabled"}`` — DeepSeek's own switch, r1-tui's ``thinking_param =
"deepseek"`` — and answers straight away otherwise.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from tui.demo import chunks
from tui.demo.transcripts import Transcript, pick

MODEL = "demo-r1"
HYBRID = "demo-v3"
MODELS = (MODEL, HYBRID)
THINKING_TYPES = {"enabled": True, "disabled": False}
_TOKEN = re.compile(r"\s*\S{1,4}|\s+")


def tokens(text: str) -> list[str]:
    """Split text into token-ish pieces of about four characters (the concatenation is ``text``)."""
    return _TOKEN.findall(text)


def error_body(message: str, code: str | None = None, param: str | None = None) -> dict:
    """An OpenAI-style error body."""
    return {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}


RATE_LIMIT_BODY = {"error": {"code": "429", "message": (
    "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have "
    "exceeded token rate limit of your current AIServices S0 pricing tier. Please retry after 2 seconds. "
    "Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the "
    "default rate limit. (This is the r1-tui demo showing how rate limits are handled.)")}}
RATE_LIMIT_HEADERS = {"retry-after-ms": "2000", "retry-after": "2", "x-ratelimit-remaining-requests": "0",
                      "x-ratelimit-remaining-tokens": "0", "x-ratelimit-limit-tokens": "60000"}


@dataclass
class Choice:
    """The planned output of one choice: ``(field, token)`` pieces and how it ends."""

    index: int
    pieces: list[tuple[str, str]]
    reasoning_tokens: int
    finish_reason: str
    pos: int = field(default=0)

    @property
    def done(self) -> bool:
        return self.pos >= len(self.pieces)

    def text(self, name: str) -> str:
        return "".join(t for f, t in self.pieces if f == name)


def _cut_at_stop(text: str, stops: list[str]) -> str:
    hits = [i for i in (text.find(s) for s in stops if s) if i >= 0]
    return text[: min(hits)] if hits else text


def plan(t: Transcript, index: int, stops: list[str], max_tokens: int | None) -> Choice:
    """Tokenise a transcript, applying ``stop`` (on ``content``) and ``max_tokens``."""
    if t.form == "think":
        head = f"<think>\n{t.reasoning}\n</think>\n\n" if t.reasoning else "<think>\n\n</think>\n\n"
        content = _cut_at_stop(head + t.answer, stops)
        toks = tokens(content)
        n_reason = min(len(tokens(head)), len(toks))
        pieces = [("content", x) for x in toks]
    else:
        answer = _cut_at_stop(t.answer, stops)
        r = [("reasoning_content", x) for x in tokens(t.reasoning)]
        pieces, n_reason = r + [("content", x) for x in tokens(answer)], len(r)
    finish = "stop"
    if max_tokens is not None and len(pieces) > max_tokens:
        pieces, finish = pieces[: max(max_tokens, 0)], "length"
        n_reason = min(n_reason, len(pieces))
    return Choice(index, pieces, n_reason, finish)


def thinking_switch(req: dict) -> bool | None:
    """The hybrid model's switch in a request: True, False, None (not given). Raises ValueError if malformed."""
    if "thinking" not in req:
        return None
    value = req["thinking"]
    kind = value.get("type") if isinstance(value, dict) else None
    if kind not in THINKING_TYPES:
        raise ValueError('thinking must be {"type": "enabled"} or {"type": "disabled"}')
    return THINKING_TYPES[kind]


def for_model(t: Transcript, model: str, thinking: bool | None) -> Transcript:
    """The transcript as ``model`` answers it: the hybrid model thinks only when switched on."""
    if model != HYBRID:
        return t
    return Transcript(t.name, t.reasoning if thinking else "", t.answer, "reasoning_content")


def plan_all(messages: list, n: int, stops: list[str], max_tokens: int | None, model: str = MODEL,
             thinking: bool | None = None, first_variant: int = 0) -> list[Choice]:
    """Plan ``n`` slightly different choices answering the last user message (variants from
    ``first_variant``: a prompt asked again gets other wordings, so compare has differences to show)."""
    prompt = last_user_text(messages)
    return [plan(for_model(pick(prompt, first_variant + i), model, thinking), i, stops, max_tokens)
            for i in range(n)]


def last_user_text(messages: list) -> str:
    """The text of the last user message (string or content-part list)."""
    for m in reversed(messages):
        if isinstance(m, dict) and m.get("role") == "user":
            c = m.get("content")
            if isinstance(c, list):
                return " ".join(p.get("text", "") for p in c if isinstance(p, dict))
            return str(c or "")
    return ""


def prompt_tokens(messages: list) -> int:
    """A rough prompt-token estimate (about four characters a token, plus per-message overhead)."""
    total = 0
    for m in messages:
        if isinstance(m, dict):
            total += 4 + len(tokens(str(m.get("content") or "")))
    return total + 2


def usage(choices: list[Choice], n_prompt: int) -> dict:
    """The ``usage`` object for everything sent so far."""
    done = sum(c.pos for c in choices)
    reasoning = sum(min(c.pos, c.reasoning_tokens) for c in choices)
    return chunks.usage(n_prompt, done, reasoning)


class ChunkMaker:
    """Builds ``chat.completion.chunk`` objects sharing one id, timestamp and model."""

    def __init__(self, cid: str, model: str = MODEL) -> None:
        self.cid, self.created, self.model = cid, int(time.time()), model

    def make(self, choices: list[dict], **extra: Any) -> dict:
        return chunks.chunk(self.cid, self.model, choices, self.created, system_fingerprint="fp_demo", **extra)

    def delta(self, index: int, delta: dict, finish: str | None = None) -> dict:
        annotations = {"content_filter_results": chunks.filter_results()} \
            if delta.get("content") or delta.get("reasoning_content") else {}
        return self.make([chunks.choice(index, delta, finish, logprobs=None, **annotations)])


def completion(choices: list[Choice], n_prompt: int, cid: str, model: str = MODEL) -> dict:
    """The non-streaming ``chat.completion`` answer."""
    out = []
    for c in choices:
        c.pos = len(c.pieces)
        msg: dict[str, Any] = {"role": "assistant", "content": c.text("content")}
        if any(f == "reasoning_content" for f, _ in c.pieces):
            msg["reasoning_content"] = c.text("reasoning_content")
        out.append(chunks.message_choice(c.index, msg, c.finish_reason, content_filter_results=chunks.filter_results()))
    return chunks.completion(cid, model, out, int(time.time()), usage=usage(choices, n_prompt),
                             prompt_filter_results=[{"prompt_index": 0, "content_filter_results": chunks.filter_results()}])
