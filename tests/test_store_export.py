"""Lossless export/import and validation of imported data."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tui.store import HistoryStore, StoreError
from tui.metrics import Timing, Usage


def populate(store: HistoryStore) -> str:
    cid = store.create_conversation("Export \x1b[31m me")
    uid = store.add_user_message(cid, "prompt with NUL \x00 and émoji 🙂")
    for choice in range(2):
        aid = store.begin_answer(cid, uid, model="DeepSeek-R1", deployment="dep",
                                 endpoint_host="h.example", choice_index=choice)
        store.append_to_answer(aid, reasoning="thinking " * 50)
        store.append_to_answer(aid, answer=f"answer {choice}")
        store.update_answer(aid, state="complete" if choice == 0 else "stopped",
                            finish_reason="stop" if choice == 0 else None,
                            usage=Usage(1, 2, 3, None, choice == 1), timing=Timing(0.1, None, 1.0 / 3))
    store.add_user_message(cid, "follow-up")
    store.set_archived(cid, True)
    return cid


def test_export_shape(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "h.db") as store:
        data = store.export_conversation(populate(store))
    assert data["format"] == "r1-tui/1"
    assert {"id", "title", "created_at", "updated_at", "archived", "messages"} <= data.keys()
    user, answer = data["messages"][:2]
    assert user["reasoning"] is None and user["role"] == "user"
    assert answer["usage"] == {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3,
                               "reasoning_tokens": None, "estimated": False,
                               "reasoning_estimated": False}
    assert set(answer["timing"]) == {"first_token_s", "reasoning_s", "total_s"}
    assert {"id", "role", "content", "reasoning", "state", "finish_reason", "model", "deployment",
            "created_at", "reply_to", "choice_index", "endpoint_host", "updated_at"} <= answer.keys()
    json.dumps(data)  # JSON-ready


def test_export_import_export_is_identical(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "a.db") as a:
        first = a.export_conversation(populate(a))
    text = json.dumps(first)
    with HistoryStore.open(tmp_path / "b.db") as b:
        assert b.import_conversation(json.loads(text)) == first["id"]
        second = b.export_conversation(first["id"])
        assert b.list_conversations(archived=True)[0].message_count == 4
        assert b.search("thinking")
    assert second == first
    assert json.dumps(second) == text


def test_import_refuses_existing_ids(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "a.db") as a:
        data = a.export_conversation(populate(a))
        with pytest.raises(StoreError, match="already exists"):
            a.import_conversation(data)
        other = copy.deepcopy(data)
        other["id"] = "brand-new-id"
        with pytest.raises(StoreError, match="already exists"):  # its message ids collide
            a.import_conversation(other)
        assert a.get_conversation("brand-new-id") is None


def _base() -> dict:
    return {"id": "c", "title": "t", "created_at": "2026-01-01T00:00:00.000Z",
            "updated_at": "2026-01-01T00:00:00.000Z", "archived": False,
            "messages": [{"id": "m", "role": "user", "content": "x", "reasoning": None,
                          "state": "complete", "created_at": "2026-01-01T00:00:00.000Z"}]}


def _mutate(path: str, value) -> dict:
    data = _base()
    target = data
    keys = path.split(".")
    for k in keys[:-1]:
        target = target[int(k)] if k.isdigit() else target[k]
    last = int(keys[-1]) if keys[-1].isdigit() else keys[-1]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return data


@pytest.mark.parametrize("path,value,message", [
    ("id", KeyError, "id is missing"),
    ("id", 5, "must be a string"),
    ("id", "", "must not be empty"),
    ("title", None, "must be a string"),
    ("created_at", "yesterday", "timestamp"),
    ("archived", "yes", "true or false"),
    ("messages", {}, "must be a list"),
    ("messages.0", "hello", "must be an object"),
    ("messages.0.role", "system", "role"),
    ("messages.0.content", KeyError, "content is missing"),
    ("messages.0.reasoning", "hidden", "null for a user"),
    ("messages.0.state", "weird", "state"),
    ("messages.0.usage", {"prompt_tokens": 2**63}, "integer from -2"),
    ("messages.0.usage", {"total_tokens": True}, "integer from -2"),
    ("messages.0.usage", [], "must be an object"),
    ("messages.0.timing", {"total_s": float("nan")}, "finite"),
    ("messages.0.choice_index", "0", "choice_index"),
    ("format", "r1-tui/99", "not supported"),
])
def test_import_validation_errors(tmp_path: Path, path: str, value, message: str) -> None:
    with HistoryStore.open(tmp_path / "h.db") as store:
        with pytest.raises(StoreError, match=message):
            store.import_conversation(_mutate(path, value))
        assert store.list_conversations() == []


@pytest.mark.parametrize("data", [None, [], "x", 3, {"messages": []}])
def test_import_rejects_non_conversations(tmp_path: Path, data) -> None:
    with HistoryStore.open(tmp_path / "h.db") as store, pytest.raises(StoreError):
        store.import_conversation(data)


def test_import_minimal_and_huge(tmp_path: Path) -> None:
    data = _base()
    data["messages"][0]["content"] = "\x00" + "z" * 3_000_000
    with HistoryStore.open(tmp_path / "h.db") as store:
        store.import_conversation(data)
        assert store.get_conversation("c").messages[0].content == data["messages"][0]["content"]


EXACT_REFUSALS = [
    ('id', KeyError, 'conversation.id is missing'),
    ('id', 5, 'conversation.id must be a string, not int'),
    ('id', '', 'conversation.id must not be empty'),
    ('id', 'a/b', "conversation.id is not a valid id (1 to 64 ASCII letters, digits, '-' or '_', starting with a letter or digit)"),
    ('title', None, 'conversation.title must be a string, not NoneType'),
    ('created_at', 'yesterday', "conversation.created_at is not an ISO 8601 timestamp: 'yesterday'"),
    ('updated_at', 5, 'conversation.updated_at must be a string, not int'),
    ('archived', 'yes', 'conversation.archived must be true or false, not str'),
    ('archived', 2, 'conversation.archived must be true or false, not int'),
    ('messages', {}, 'conversation.messages must be a list'),
    ('messages', KeyError, 'conversation.messages is missing'),
    ('messages.0', 'hello', 'messages[0] must be an object, not str'),
    ('messages.0.role', 'system', 'messages[0].role must be one of user, assistant'),
    ('messages.0.role', 3, 'messages[0].role must be a string, not int'),
    ('messages.0.content', KeyError, 'messages[0].content is missing'),
    ('messages.0.content', 'a\ud83db', 'messages[0].content holds an unpaired UTF-16 surrogate (\\ud83d at position 2), which is not text'),
    ('messages.0.reasoning', 'hidden', 'messages[0].reasoning must be null for a user message'),
    ('messages.0.state', 'weird', 'messages[0].state must be one of streaming, complete, stopped, interrupted, filtered, failed'),
    ('messages.0.usage', {'prompt_tokens': 9223372036854775808}, 'messages[0].usage.prompt_tokens must be an integer from -2^63 to 2^63-1 or null, not int'),
    ('messages.0.usage', {'completion_tokens': -9223372036854775809}, 'messages[0].usage.completion_tokens must be an integer from -2^63 to 2^63-1 or null, not int'),
    ('messages.0.usage', {'total_tokens': True}, 'messages[0].usage.total_tokens must be an integer from -2^63 to 2^63-1 or null, not bool'),
    ('messages.0.usage', {'reasoning_tokens': 1.5}, 'messages[0].usage.reasoning_tokens must be an integer from -2^63 to 2^63-1 or null, not float'),
    ('messages.0.usage', {'estimated': 2}, 'messages[0].usage.estimated must be true or false, not int'),
    ('messages.0.usage', {'reasoning_estimated': 'no'}, 'messages[0].usage.reasoning_estimated must be true or false, not str'),
    ('messages.0.usage', [], 'messages[0].usage must be an object, not list'),
    ('messages.0.timing', {'total_s': float("nan")}, 'messages[0].timing.total_s must be a finite number or null'),
    ('messages.0.timing', {'first_token_s': True}, 'messages[0].timing.first_token_s must be a finite number or null'),
    ('messages.0.timing', {'reasoning_s': '1'}, 'messages[0].timing.reasoning_s must be a finite number or null'),
    ('messages.0.timing', 'x', 'messages[0].timing must be an object, not str'),
    ('messages.0.choice_index', '0', 'messages[0].choice_index must be an integer from -2^63 to 2^63-1 or null, not str'),
    ('messages.0.choice_index', None, 'messages[0].choice_index must be an integer, not null'),
    ('messages.0.selected', 'yes', 'messages[0].selected must be true or false, not str'),
    ('messages.0.parent_id', 'zz', 'messages[0].parent_id names no message of this conversation'),
    ('messages.0.parent_id', 'a b', "messages[0].parent_id is not a valid id (1 to 64 ASCII letters, digits, '-' or '_', starting with a letter or digit)"),
    ('messages.0.reply_to', '', 'messages[0].reply_to must not be empty'),
    ('messages.0.cost', -1, 'messages[0].cost must be a non-negative number or null'),
    ('messages.0.cost', True, 'messages[0].cost must be a non-negative number or null'),
    ('messages.0.cost', float("inf"), 'messages[0].cost must be a non-negative number or null'),
    ('messages.0.error', 'boom', 'messages[0].error must be an object, not str'),
    ('messages.0.error', {'kind': ''}, 'messages[0].error.kind must not be empty'),
    ('messages.0.error', {'kind': 'server', 'message': 5}, 'messages[0].error.message must be a string, not int'),
    ('messages.0.finish_reason', 7, 'messages[0].finish_reason must be a string or null, not int'),
    ('messages.0.model', [], 'messages[0].model must be a string or null, not list'),
    ('messages.0.deployment', 1, 'messages[0].deployment must be a string or null, not int'),
    ('messages.0.endpoint_host', 2, 'messages[0].endpoint_host must be a string or null, not int'),
    ('messages.0.created_at', '2026-13', "messages[0].created_at is not an ISO 8601 timestamp: '2026-13'"),
    ('messages.0.attachments', 'x', 'messages[0].attachments must be a list, on a user message'),
    ('messages.0.attachments', [5], 'messages[0].attachments[0] must be an object, not int'),
    ('messages.0.attachments', [{'name': 'n'}], 'messages[0].attachments[0].content is missing'),
    ('messages.0.attachments', [{'name': 1, 'content': 'c'}], 'messages[0].attachments[0].name must be a string, not int'),
    ('format', 'r1-tui/99', "format 'r1-tui/99' is not supported (expected 'r1-tui/1')"),
    ('format', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', "format 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' is not supported (expected 'r1-tui/1')"),
    ('messages.0.timeline', 't', "messages[0].timeline must be null or an answer's timeline text"),
    ('messages.0.notes', 'x', 'messages[0].notes must be a list'),
    ('messages.0.notes', [5], 'messages[0].notes[0] must be an object, not int'),
    ('messages.0.notes', [{'id': 'a b', 'body': 'b', 'created_at': '2026-01-01T00:00:00.000Z'}], "messages[0].notes[0].id is not a valid id (1 to 64 ASCII letters, digits, '-' or '_', starting with a letter or digit)"),
    ('messages.0.notes', [{'id': 'n1', 'body': '', 'created_at': '2026-01-01T00:00:00.000Z'}], 'messages[0].notes[0].body must not be empty'),
    ('messages.0.notes', [{'id': 'n1', 'body': 'b', 'created_at': 'then'}], "messages[0].notes[0].created_at is not an ISO 8601 timestamp: 'then'"),
    ('messages.0.notes', [{'id': 'n1', 'body': 'b', 'created_at': '2026-01-01T00:00:00.000Z', 'updated_at': 3}], 'messages[0].notes[0].updated_at must be a string, not int'),
    ('messages.0.notes', [{'id': 'n1', 'body': 'b', 'created_at': '2026-01-01T00:00:00.000Z'}, {'id': 'n1', 'body': 'b', 'created_at': '2026-01-01T00:00:00.000Z'}], 'notes contain a duplicate id'),
    ('messages.0.error', {'kind': 'x', 'hint': 5}, 'messages[0].error.hint must be a string or null, not int'),
    ('messages.0.error', {'message': 'm'}, 'messages[0].error.kind is missing'),
]


@pytest.mark.parametrize(("path", "value", "message"), EXACT_REFUSALS)
def test_import_refusals_say_exactly_which_field_and_why(tmp_path: Path, path: str, value, message: str) -> None:
    with HistoryStore.open(tmp_path / "h.db") as store:
        with pytest.raises(StoreError) as caught:
            store.import_conversation(_mutate(path, value))
        assert str(caught.value) == "invalid conversation data: " + message
        assert store.list_conversations() == []


def test_import_takes_the_edges_of_what_it_accepts(tmp_path: Path) -> None:
    data = _mutate("messages.0.usage", {"prompt_tokens": 2**63 - 1, "completion_tokens": -2**63, "estimated": 1,
                                        "reasoning_estimated": 0})
    data["archived"] = 1
    data["messages"][0].update(selected=0, cost=0, timing={"total_s": 3, "first_token_s": 0.5}, finish_reason=None,
                               attachments=[], error=None)
    with HistoryStore.open(tmp_path / "h.db") as store:
        conv_id = store.import_conversation(data)
        [message] = store.get_conversation(conv_id).messages
        assert store.list_conversations(archived=True)[0].id == conv_id and store.list_conversations() == []
    assert message.usage.prompt_tokens == 2**63 - 1 and message.usage.completion_tokens == -2**63
    assert message.usage.estimated and not message.usage.reasoning_estimated and message.cost == 0.0
    assert message.timing.total_s == 3.0 and message.updated_at == message.created_at


def test_an_export_holds_every_field_of_a_message(tmp_path: Path) -> None:
    from tui.store import ErrorRecord
    from tui.store.models import Attachment

    with HistoryStore.open(tmp_path / "h.db") as store:
        cid = store.create_conversation("shape", conv_id="conv")
        uid = store.add_user_message(cid, "q", msg_id="prompt", attachments=(Attachment("f.txt", "héllo"),))
        aid = store.begin_answer(cid, uid, model="m", deployment="d", endpoint_host="h", choice_index=1, msg_id="answer")
        store.update_answer(aid, answer="A", reasoning="R", state="failed", finish_reason="length", cost=0.5,
                            usage=Usage(1, 2, 3, 4, True, True), timing=Timing(0.12345, 1.00049, 2.0),
                            error=ErrorRecord("server", "boom", "later"))
        store.save_timeline(aid, "tl")
        note = store.add_note(aid, "my note")
        data = store.export_conversation(cid)
        conv = store.get_conversation(cid)
    answer = data["messages"][1]
    stored = conv.messages[1]
    [exported_note] = answer["notes"]
    assert answer == {
        "id": "answer", "role": "assistant", "content": "A", "reasoning": "R", "state": "failed",
        "finish_reason": "length", "model": "m", "deployment": "d",
        "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3, "reasoning_tokens": 4,
                  "estimated": True, "reasoning_estimated": True},
        "timing": {"first_token_s": 0.123, "reasoning_s": 1.0, "total_s": 2.0},
        "created_at": stored.created_at, "updated_at": stored.updated_at, "endpoint_host": "h", "reply_to": "prompt",
        "choice_index": 1, "selected": False, "parent_id": "prompt", "attachments": [], "cost": 0.5,
        "notes": [exported_note], "timeline": "tl", "error": {"kind": "server", "message": "boom", "hint": "later"},
    }
    assert exported_note["id"] == note and exported_note["body"] == "my note"
    assert set(exported_note) == {"id", "body", "created_at", "updated_at"}
    assert data["messages"][0]["attachments"] == [{"name": "f.txt", "chars": 5, "content": "héllo"}]
    assert data["messages"][0]["error"] is None and data["messages"][0]["timeline"] is None
    assert (data["format"], data["id"], data["title"], data["archived"]) == ("r1-tui/1", "conv", "shape", False)
    with HistoryStore.open(tmp_path / "other.db") as other:
        again = other.import_conversation(data)
        assert other.export_conversation(again) == data  # notes, timeline, error and attachments come back
        with pytest.raises(StoreError) as caught:
            other.import_conversation({**data, "id": "conv2"})
        assert str(caught.value) == "message prompt (conversation conv2) already exists in this history"
        with pytest.raises(StoreError) as caught:
            other.import_conversation(data)
        assert str(caught.value) == "conversation conv already exists in this history"
        renamed = json.loads(json.dumps(data).replace('"prompt"', '"prompt2"').replace('"answer"', '"answer2"'))
        with pytest.raises(StoreError) as caught:
            other.import_conversation({**renamed, "id": "conv3"})
        assert str(caught.value) == f"note {note} (conversation conv3) already exists in this history"
