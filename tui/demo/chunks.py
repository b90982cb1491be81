"""The server side of the wire, shared by every fake endpoint: chat-completion objects and their framing.

The demo endpoint (``tui/demo/server.py``), the tests' loopback server (``tests/loopback.py``)
and the benchmarks' paced server (``bench/stream_server.py``) build their answers here, so the
three speak one format. Nothing in the client uses this module: the tests read what it writes
through the real openai client and their own SSE reader, so the format is never checked by the
code that produces it. Stdlib only, no I/O.
"""

from __future__ import annotations

import json
from typing import Any

DONE = "[DONE]"
CHUNKED_END = b"0\r\n\r\n"  # the last chunk of a chunked HTTP body
FILTER_CATEGORIES = ("hate", "self_harm", "sexual", "violence")


def filter_results(filtered: str | None = None, severity: str = "medium") -> dict[str, Any]:
    """Azure's content-filter annotations: every category safe, or ``filtered`` hit at ``severity``."""
    return {c: {"filtered": c == filtered, "severity": severity if c == filtered else "safe"}
            for c in FILTER_CATEGORIES}


def usage(prompt: int, completion: int, reasoning: int | None = None) -> dict[str, Any]:
    """An OpenAI ``usage`` object (with ``completion_tokens_details.reasoning_tokens`` when given)."""
    u: dict[str, Any] = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
    if reasoning is not None:
        u["completion_tokens_details"] = {"reasoning_tokens": reasoning}
    return u


def choice(index: int, delta: dict[str, Any] | None, finish: str | None = None, **extra: Any) -> dict[str, Any]:
    """One entry of a chunk's ``choices``; ``extra`` adds fields such as ``logprobs`` or filter results."""
    c: dict[str, Any] = {"index": index, "delta": delta, "finish_reason": finish}
    c.update(extra)
    return c


def chunk(cid: str, model: str, choices: list[dict[str, Any]], created: int = 0, **extra: Any) -> dict[str, Any]:
    """A ``chat.completion.chunk``; ``extra`` adds top-level fields (``usage``, ``system_fingerprint``...)."""
    d: dict[str, Any] = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                         "choices": choices}
    d.update(extra)
    return d


def prompt_filter_chunk() -> dict[str, Any]:
    """Azure's opening chunk: no choices, only the prompt's filter results."""
    return {"choices": [], "created": 0, "id": "", "model": "", "object": "",
            "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": filter_results()}]}


def message_choice(index: int, message: dict[str, Any], finish: str | None, **extra: Any) -> dict[str, Any]:
    """One entry of a non-streamed completion's ``choices``."""
    c: dict[str, Any] = {"index": index, "message": message, "logprobs": None, "finish_reason": finish}
    c.update(extra)
    return c


def completion(cid: str, model: str, choices: list[dict[str, Any]], created: int = 0, **extra: Any) -> dict[str, Any]:
    """A non-streamed ``chat.completion`` body."""
    d: dict[str, Any] = {"id": cid, "object": "chat.completion", "created": created, "model": model, "choices": choices}
    d.update(extra)
    return d


def sse(obj: dict[str, Any] | str, event: str | None = None, *, compact: bool = False) -> bytes:
    """One server-sent event: an optional ``event:`` line, one ``data:`` line (JSON or text such as ``[DONE]``)."""
    if isinstance(obj, str):
        text = obj
    else:
        text = json.dumps(obj, separators=(",", ":")) if compact else json.dumps(obj)
    return ((f"event: {event}\n" if event else "") + f"data: {text}\n\n").encode()


def http_chunk(data: bytes) -> bytes:
    """``data`` framed as one chunk of a chunked HTTP body."""
    return b"%x\r\n%s\r\n" % (len(data), data)


def sse_chunk(obj: dict[str, Any] | str, event: str | None = None, *, compact: bool = False) -> bytes:
    """One server-sent event framed as one HTTP chunk (how Azure streams)."""
    return http_chunk(sse(obj, event, compact=compact))
