"""``history export --format jsonl``: one JSON object per assistant message (pure).

Each line::

    {"conversation_id", "message_id", "model", "usage", "finish_reason", "state", "notes",
     "messages": [{"role": "user"|"assistant", "content"}, ...,
                  {"role": "assistant", "content", "reasoning_content"}]}

``messages`` is the context the model answered (earlier prompts and the answers sent back,
never their reasoning), the prompt, then this answer with its ``reasoning_content``. With
``think_tags`` the reasoning goes into ``content`` instead, as ``<think>\\n…\\n</think>\\n\\n``
+ answer (the layout of R1 distillation sets), and there is no ``reasoning_content``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tui.formats.safe_json import dumps


def with_think_tags(reasoning: str | None, answer: str) -> str:
    """``<think>\\nREASONING\\n</think>\\n\\nANSWER``."""
    return f"<think>\n{reasoning or ''}\n</think>\n\n{answer}"


def record(conversation_id: str, answer: dict[str, Any], context: Sequence[tuple[str, str]], prompt: str,
           *, think_tags: bool = False) -> dict[str, Any]:
    """One line's object; ``answer`` is a message of the export shape, ``context`` (role, content) pairs."""
    last: dict[str, Any] = {"role": "assistant"}
    if think_tags:
        last["content"] = with_think_tags(answer["reasoning"], answer["content"])
    else:
        last["content"] = answer["content"]
        last["reasoning_content"] = answer["reasoning"] or ""
    messages = [{"role": role, "content": content} for role, content in context]
    messages += [{"role": "user", "content": prompt}, last]
    return {
        "conversation_id": conversation_id,
        "message_id": answer["id"],
        "model": answer["model"],
        "usage": answer["usage"],
        "finish_reason": answer["finish_reason"],
        "state": answer["state"],
        "notes": [n["body"] for n in answer.get("notes", [])],
        "messages": messages,
    }


def jsonl(records: Sequence[dict[str, Any]]) -> str:
    """One JSON object per line, safe on a terminal (C1 controls, U+2028/2029 escaped) and lossless."""
    return "".join(dumps(r, indent=None) + "\n" for r in records)
