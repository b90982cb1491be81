"""Lossless JSON export/import of one conversation (format "r1-tui/1").

The export dict is the ``history show --json`` shape plus ``format``, and per message
``updated_at``, ``endpoint_host``, ``reply_to``, ``choice_index``, ``selected``, ``parent_id`` (the
conversation tree: every branch is exported), ``notes`` (``[{"id", "body", "created_at",
"updated_at"}]``), ``timeline`` (the stored ``tl1:`` text, or null: none was recorded) and ``error``
(``{"kind", "message", "hint"}`` or null; timings are rounded to milliseconds, as in ``ask --json``).
An export made before the tree has no ``parent_id``: import links its messages as the migration
did. Import keeps the ids, which must match ``IMPORTED_ID`` (a safe subset, see ``ID_RULE``); a conversation (or message) id that already exists is refused with StoreError
(the CLI reports it and skips that conversation), so export -> import into an empty
history -> export is identical.
"""

from __future__ import annotations

import math
import re
import sqlite3
from typing import Any

from .errors import StoreError
from .attachments import insert as insert_attachments
from .models import ROLES, STATES, Attachment, Conversation, ErrorRecord, MessageRecord, Note
from .tree_backfill import backfill_parents

FORMAT = "r1-tui/1"
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
_USAGE_INTS = ("prompt_tokens", "completion_tokens", "total_tokens", "reasoning_tokens")
_TIMINGS = ("first_token_s", "reasoning_s", "total_s")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Ids accepted from an imported file: a safe subset that every id r1-tui generates (12 base32
# characters, see ids.py) belongs to. No "/", "." or "..": an id can never name another path.
IMPORTED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
ID_RULE = "1 to 64 ASCII letters, digits, '-' or '_', starting with a letter or digit"
MAX_TIMELINE_CHARS = 16 * 1024 * 1024


def export_note(n: Note) -> dict[str, Any]:
    """One note in the export shape."""
    return {"id": n.id, "body": n.body, "created_at": n.created_at, "updated_at": n.updated_at}


def export_message(m: MessageRecord, notes: list[Note] | None = None, timeline: str | None = None) -> dict[str, Any]:
    """One message in the export/show shape."""
    return {
        "id": m.id,
        "role": m.role,
        "content": m.content,
        "reasoning": m.reasoning,
        "state": m.state,
        "finish_reason": m.finish_reason,
        "model": m.model,
        "deployment": m.deployment,
        "usage": {
            "prompt_tokens": m.usage.prompt_tokens,
            "completion_tokens": m.usage.completion_tokens,
            "total_tokens": m.usage.total_tokens,
            "reasoning_tokens": m.usage.reasoning_tokens,
            "estimated": m.usage.estimated,
            "reasoning_estimated": m.usage.reasoning_estimated,
        },
        "timing": {  # rounded as `ask --json` rounds them
            "first_token_s": _ms(m.timing.first_token_s),
            "reasoning_s": _ms(m.timing.reasoning_s),
            "total_s": _ms(m.timing.total_s),
        },
        "created_at": m.created_at,
        "updated_at": m.updated_at,
        "endpoint_host": m.endpoint_host,
        "reply_to": m.reply_to,
        "choice_index": m.choice_index,
        "selected": m.selected,
        "parent_id": m.parent_id,
        "attachments": [{"name": a.name, "chars": len(a.content), "content": a.content} for a in m.attachments],
        "cost": m.cost,
        "notes": [export_note(n) for n in notes or ()],
        "timeline": timeline,
        "error": _error_dict(m.error),
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)


def _error_dict(error: ErrorRecord | None) -> dict[str, Any] | None:
    return None if error is None else {"kind": error.kind, "message": error.message, "hint": error.hint}


def export_conversation(conv: Conversation, notes: dict[str, list[Note]] | None = None,
                        timelines: dict[str, str] | None = None) -> dict[str, Any]:
    """The conversation in the export/show shape (with each message's notes and timeline)."""
    notes, timelines = notes or {}, timelines or {}
    return {
        "format": FORMAT,
        "id": conv.id,
        "title": conv.title,
        "created_at": conv.created_at,
        "updated_at": conv.updated_at,
        "archived": conv.archived,
        "messages": [export_message(m, notes.get(m.id), timelines.get(m.id)) for m in conv.messages],
    }


# ------------------------------------------------------------------ validation
def _fail(where: str, problem: str) -> StoreError:
    return StoreError(f"invalid conversation data: {where} {problem}")


def _get(obj: dict[str, Any], key: str, where: str, *, default: Any = ..., ) -> Any:
    if key in obj:
        return obj[key]
    if default is ...:
        raise _fail(f"{where}.{key}", "is missing")
    return default


def _str(obj: dict[str, Any], key: str, where: str, *, nullable: bool = False,
         default: Any = ..., nonempty: bool = False) -> str | None:
    value = _get(obj, key, where, default=default)
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise _fail(f"{where}.{key}", f"must be a string{' or null' if nullable else ''}, "
                    f"not {_kind(value)}")
    if nonempty and not value:
        raise _fail(f"{where}.{key}", "must not be empty")
    lone = _SURROGATE.search(value)
    if lone:
        raise _fail(f"{where}.{key}", f"holds an unpaired UTF-16 surrogate (\\u{ord(lone.group()):04x} at "
                    f"position {lone.start() + 1}), which is not text")
    return value


def _kind(value: Any) -> str:
    """What a value is, for a message (a number too long to read says how long)."""
    digits = getattr(value, "digits", None)
    return f"a {digits}-digit number" if digits else type(value).__name__


def _ident(obj: dict[str, Any], key: str, where: str) -> str:
    value = _str(obj, key, where, nonempty=True)
    assert value is not None
    if not IMPORTED_ID.fullmatch(value):
        raise _fail(f"{where}.{key}", f"is not a valid id ({ID_RULE})")
    return value


def _stamp(obj: dict[str, Any], key: str, where: str, default: Any = ...) -> str:
    value = _str(obj, key, where, default=default)
    assert value is not None
    if not _TIMESTAMP.match(value):
        raise _fail(f"{where}.{key}", f"is not an ISO 8601 timestamp: {value[:40]!r}")
    return value


def _bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise _fail(where, f"must be true or false, not {_kind(value)}")


def _count(value: Any, where: str) -> int | None:
    """An integer SQLite can hold, or None. Negative values are kept: exports carry what servers sent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not -2**63 <= value < 2**63:
        raise _fail(where, f"must be an integer from -2^63 to 2^63-1 or null, not {_kind(value)}")
    return value


def _seconds(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(where, "must be a finite number or null")
    return float(value)


def _dict(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, f"must be an object, not {_kind(value)}")
    return value


def _message_row(m: Any, where: str, conv_id: str) -> tuple[Any, ...]:
    m = _dict(m, where)
    role = _str(m, "role", where)
    if role not in ROLES:
        raise _fail(f"{where}.role", f"must be one of {', '.join(ROLES)}")
    reasoning = _str(m, "reasoning", where, nullable=True, default=None)
    if role == "user" and reasoning is not None:
        raise _fail(f"{where}.reasoning", "must be null for a user message")
    state = _str(m, "state", where, default="complete")
    if state not in STATES:
        raise _fail(f"{where}.state", f"must be one of {', '.join(STATES)}")
    usage = _dict(m.get("usage") if m.get("usage") is not None else {}, f"{where}.usage")
    timing = _dict(m.get("timing") if m.get("timing") is not None else {}, f"{where}.timing")
    created = _stamp(m, "created_at", where)
    choice = _count(m.get("choice_index", 0), f"{where}.choice_index")
    if choice is None:
        raise _fail(f"{where}.choice_index", "must be an integer, not null")
    return (
        _ident(m, "id", where), conv_id, role, _str(m, "content", where), reasoning, state,
        _str(m, "finish_reason", where, nullable=True, default=None),
        _str(m, "model", where, nullable=True, default=None),
        _str(m, "deployment", where, nullable=True, default=None),
        _str(m, "endpoint_host", where, nullable=True, default=None),
        *(_count(usage.get(k), f"{where}.usage.{k}") for k in _USAGE_INTS),
        1 if _bool(usage.get("estimated", False), f"{where}.usage.estimated") else 0,
        *(_seconds(timing.get(k), f"{where}.timing.{k}") for k in _TIMINGS),
        created, _stamp(m, "updated_at", where, default=created),
        _ident(m, "reply_to", where) if m.get("reply_to") is not None else None, choice,
        1 if _bool(m.get("selected", False), f"{where}.selected") else 0,
        _optional_ident(m, "parent_id", where),
        1 if _bool(usage.get("reasoning_estimated", False), f"{where}.usage.reasoning_estimated") else 0,
        _cost(m.get("cost"), f"{where}.cost"),
        *_error_columns(m.get("error"), f"{where}.error"),
    )


def _cost(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise _fail(where, "must be a non-negative number or null")
    return float(value)


def attachments_of(m: dict[str, Any], where: str) -> tuple[Attachment, ...]:
    """The attachments of an exported prompt (none for answers, and in exports made before them)."""
    raw = m.get("attachments")
    if raw is None or raw == []:
        return ()
    if not isinstance(raw, list) or m.get("role") != "user":
        raise _fail(f"{where}.attachments", "must be a list, on a user message")
    out = []
    for i, item in enumerate(raw):
        item = _dict(item, f"{where}.attachments[{i}]")
        name = _str(item, "name", f"{where}.attachments[{i}]")
        content = _str(item, "content", f"{where}.attachments[{i}]")
        assert name is not None and content is not None
        out.append(Attachment(name, content))
    return tuple(out)


def _optional_ident(obj: dict[str, Any], key: str, where: str) -> str | None:
    if obj.get(key) is None:
        return None
    return _ident(obj, key, where)


def _error_columns(value: Any, where: str) -> tuple[str | None, str | None, str | None]:
    """(kind, message, hint) of an exported ``error`` (absent or null: no error)."""
    if value is None:
        return None, None, None
    error = _dict(value, where)
    kind = _str(error, "kind", where, nonempty=True)
    return kind, _str(error, "message", where, default=""), _str(error, "hint", where, nullable=True, default=None)


def validate(data: Any) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """Check ``data`` and return (conversation row, message rows); StoreError if invalid."""
    conv = _dict(data, "conversation")
    fmt = conv.get("format", FORMAT)
    if fmt != FORMAT:
        raise _fail("format", f"{str(fmt)[:40]!r} is not supported (expected {FORMAT!r})")
    conv_id = _ident(conv, "id", "conversation")
    created = _stamp(conv, "created_at", "conversation")
    row = (conv_id, _str(conv, "title", "conversation"), created,
           _stamp(conv, "updated_at", "conversation", default=created),
           1 if _bool(conv.get("archived", False), "conversation.archived") else 0)
    messages = _get(conv, "messages", "conversation")
    if not isinstance(messages, list):
        raise _fail("conversation.messages", "must be a list")
    rows = [_message_row(m, f"messages[{i}]", conv_id) for i, m in enumerate(messages)]
    for i, m in enumerate(messages):
        attachments_of(m, f"messages[{i}]")
    ids = [r[0] for r in rows]
    if len(set(ids)) != len(ids):
        raise _fail("messages", "contain a duplicate id")
    known = set(ids)
    for i, r in enumerate(rows):
        if r[23] is not None and r[23] not in known:
            raise _fail(f"messages[{i}].parent_id", "names no message of this conversation")
    annotation_rows(messages, rows)
    return row, rows


def annotation_rows(messages: list[Any], rows: list[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], list[tuple[str, str]]]:
    """Note rows and timeline rows of validated ``messages`` (``rows`` from :func:`_message_row`)."""
    notes: list[tuple[Any, ...]] = []
    timelines: list[tuple[str, str]] = []
    for i, (m, row) in enumerate(zip(messages, rows)):
        where, msg_id, role = f"messages[{i}]", row[0], row[2]
        timeline = m.get("timeline")
        if timeline is not None:
            if not isinstance(timeline, str) or len(timeline) > MAX_TIMELINE_CHARS or role != "assistant":
                raise _fail(f"{where}.timeline", "must be null or an answer's timeline text")
            timelines.append((msg_id, timeline))
        raw = m.get("notes") if m.get("notes") is not None else []
        if not isinstance(raw, list):
            raise _fail(f"{where}.notes", "must be a list")
        for j, n in enumerate(raw):
            at = f"{where}.notes[{j}]"
            n = _dict(n, at)
            created = _stamp(n, "created_at", at)
            notes.append((_ident(n, "id", at), msg_id, _str(n, "body", at, nonempty=True), created,
                          _stamp(n, "updated_at", at, default=created)))
    note_ids = [n[0] for n in notes]
    if len(set(note_ids)) != len(note_ids):
        raise _fail("notes", "contain a duplicate id")
    return notes, timelines


def has_tree(data: Any) -> bool:
    """Was ``data`` exported with the conversation tree (``parent_id`` on its messages)?"""
    messages = data.get("messages") if isinstance(data, dict) else None
    return isinstance(messages, list) and any(isinstance(m, dict) and "parent_id" in m for m in messages)


def import_into(conn: sqlite3.Connection, data: Any) -> str:
    """Insert validated data inside the caller's transaction; returns the conversation id."""
    conv_row, rows = validate(data)
    conv_id = conv_row[0]
    if conn.execute("SELECT 1 FROM conversations WHERE id = ?", (conv_id,)).fetchone():
        raise StoreError(f"conversation {conv_id} already exists in this history")
    for r in rows:
        if conn.execute("SELECT 1 FROM messages WHERE id = ?", (r[0],)).fetchone():
            raise StoreError(f"message {r[0]} (conversation {conv_id}) already exists in this history")
    conn.execute("INSERT INTO conversations(id, title, created_at, updated_at, archived) "
                 "VALUES (?, ?, ?, ?, ?)", conv_row)
    conn.executemany(
        "INSERT INTO messages(id, conversation_id, role, content, reasoning, state, finish_reason, "
        "model, deployment, endpoint_host, prompt_tokens, completion_tokens, total_tokens, "
        "reasoning_tokens, usage_estimated, first_token_s, reasoning_s, total_s, created_at, "
        "updated_at, reply_to, choice_index, selected, parent_id, reasoning_estimated, cost, error_kind, "
        "error_message, error_hint) VALUES (" + ", ".join("?" * 29) + ")",
        rows,
    )
    for i, m in enumerate(data["messages"]):
        files = attachments_of(m, f"messages[{i}]")
        if files:
            insert_attachments(conn, m["id"], files)
    notes, timelines = annotation_rows(data["messages"], rows)
    for n in notes:
        if conn.execute("SELECT 1 FROM message_notes WHERE id = ?", (n[0],)).fetchone():
            raise StoreError(f"note {n[0]} (conversation {conv_id}) already exists in this history")
    conn.executemany("INSERT INTO message_notes(id, message_id, body, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?)", notes)
    conn.executemany("INSERT INTO answer_timelines(message_id, data) VALUES (?, ?)", timelines)
    if not has_tree(data):
        backfill_parents(conn, conv_id)
    return conv_id
