"""Text output of ``r1-tui history``: tables, the ``show`` transcript and search hits.

Pure functions (no I/O, no store): every untrusted string goes through tui.sanitize, and
JSON escapes C1 controls and line separators (still valid JSON, still lossless).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tui.formats.safe_json import dumps
from tui.sanitize import for_display, one_line

DIM, RESET = "\x1b[2m", "\x1b[0m"


def when(stamp: str) -> str:
    """An ISO timestamp as "YYYY-MM-DD HH:MM"."""
    return for_display(stamp[:16].replace("T", " "))


def indent(text: str, prefix: str) -> str:
    """``text`` with ``prefix`` before every line."""
    return "\n".join(prefix + line for line in text.split("\n"))


# How `history list` marks a conversation by the state of its newest answer (complete: no mark).
LAST_ANSWER_MARKS = {"failed": "✗ failed", "interrupted": "✗ cut off", "filtered": "✗ filtered",
                     "stopped": "■ stopped", "streaming": "… streaming"}


def summaries_json(rows: Sequence[Any], costs: Mapping[str, float] | None = None) -> str:
    """``history list --json`` (``cost``: the summed price of the answers, where a price table gave one;
    ``last_answer_state``: the newest answer's state, null with no answer)."""
    costs = costs or {}
    return dumps([{"id": r.id, "title": r.title, "created_at": r.created_at, "updated_at": r.updated_at,
                   "message_count": r.message_count, "archived": r.archived,
                   "cost": round(costs[r.id], 6) if r.id in costs else None,
                   "last_answer_state": getattr(r, "last_answer_state", None)} for r in rows])


def summaries_table(rows: Sequence[Any]) -> list[str]:
    """``history list``: one line per conversation under a header (``rows`` not empty).

    A conversation whose newest answer failed, was cut off or stopped is marked before its title.
    """
    width = max(2, max(len(for_display(r.id)) for r in rows))
    lines = [f"{'ID':<{width}}  {'UPDATED (UTC)':<16}  {'MSGS':>4}  TITLE"]
    for r in rows:
        mark = LAST_ANSWER_MARKS.get(getattr(r, "last_answer_state", None) or "")
        lines.append(f"{one_line(r.id, 40):<{width}}  {when(r.updated_at):<16}  {r.message_count:>4}  "
                     f"{'[' + mark + '] ' if mark else ''}{one_line(r.title, 80)}")
    return lines


def outcome_lines(m: dict[str, Any]) -> list[str]:
    """What went wrong with an exported answer that did not end well (nothing when it did)."""
    error = m.get("error") or {}
    message, hint = error.get("message"), error.get("hint")
    state = m["state"]
    if state == "stopped":
        lines = ["  ■ stopped before the end: what arrived is kept above"]
    elif state == "filtered":
        lines = ["  ✗ the content filter stopped this answer"]
    elif state in ("failed", "interrupted"):
        what = "failed" if state == "failed" else "cut off"
        detail = message or ("the stream ended before the answer was finished" if state == "interrupted"
                             else "no error text was saved (answers saved before r1-tui kept it)")
        lines = [f"  ✗ {what}: {one_line(detail, 400)}"]
    else:
        return []
    if hint:
        lines.append(f"    hint: {one_line(hint, 400)}")
    return lines


def assistant_header(m: dict[str, Any]) -> str:
    """"model · time · state · finish · tokens · seconds" of an exported assistant message."""
    parts = [one_line(m["model"] or m["deployment"] or "assistant", 60), when(m["created_at"]),
             one_line(m["state"], 20)]
    if m["finish_reason"] and m["finish_reason"] != "stop":
        parts.append(one_line(m["finish_reason"], 30))
    usage = m["usage"]
    if usage["total_tokens"] is not None:
        approx = "~" if usage["estimated"] else ""
        parts.append(f"{approx}{usage['total_tokens']} tokens")
    if m["timing"]["total_s"] is not None:
        parts.append(f"{m['timing']['total_s']:.1f}s")
    return " · ".join(parts)


def conversation_text(data: dict[str, Any], *, dim_reasoning: bool) -> list[str]:
    """``history show``: the exported conversation ``data`` as lines (reasoning dimmed on a terminal)."""
    flags = ", archived" if data["archived"] else ""
    lines = [one_line(data["title"], 200),
             f"id {for_display(data['id'])} · created {when(data['created_at'])} · "
             f"updated {when(data['updated_at'])}{flags}"]
    for m in data["messages"]:
        lines.append("")
        if m["role"] == "user":
            lines += [f"You · {when(m['created_at'])}", indent(for_display(m["content"]), "  ")] + note_lines(m)
            continue
        lines.append(assistant_header(m))
        if m["reasoning"]:
            body = indent(for_display(m["reasoning"]), "  │ ")
            lines += ["  Reasoning:", f"{DIM}{body}{RESET}" if dim_reasoning else body]
        lines.append(indent(for_display(m["content"]), "  ") if m["content"] else "  (no answer)")
        lines += outcome_lines(m) + note_lines(m)
    return lines


def note_lines(m: dict[str, Any]) -> list[str]:
    """The user's notes on a message, one line each (exports made before notes existed have none)."""
    return [f"  ✎ {one_line(n['body'], 500)}" for n in m.get("notes") or ()]


def hits_json(hits: Sequence[Any]) -> str:
    """``history search --json``."""
    return dumps([{"conversation_id": h.conversation_id, "message_id": h.message_id,
                   "title": h.title, "field": h.field, "snippet": h.snippet} for h in hits])


def hits_lines(hits: Sequence[Any]) -> list[str]:
    """``history search``: two lines per hit (id, field, title; then the snippet)."""
    lines: list[str] = []
    for h in hits:
        lines.append(f"{one_line(h.conversation_id, 40)}  {h.field:<9}  {one_line(h.title, 50)}")
        lines.append(f"    {one_line(h.snippet, 200)}")
    return lines
