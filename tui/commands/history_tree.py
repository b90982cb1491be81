"""``history show``'s view of a conversation tree: the active path, or every branch with ``--tree``.

The JSON contract (fields added over time, none renamed): ``messages`` is the active path,
each message with its ``parent_id``; a prompt's ``attachments`` are ``[{"name", "chars"}]``.
With ``--tree``, ``messages`` holds every message of every branch, each with ``active``
(on the active path or not), and attachments carry their ``content`` too.
"""

from __future__ import annotations

from typing import Any

from tui.chat.tree import ConversationTree
from tui.store import HistoryStore, StoreError


def shown_conversation(store: HistoryStore, conv_id: str, *, tree: bool) -> dict[str, Any]:
    """The export dict of ``conv_id`` restricted (or, with ``tree``, annotated) by its active path."""
    conversation = store.get_conversation(conv_id)
    if conversation is None:
        raise StoreError(f"no conversation with id {conv_id!r}")
    data = store.export_conversation(conv_id)
    active = {m.id for m in ConversationTree(conv_id, conversation.title, conversation.messages).active_path()}
    messages = data["messages"]
    if tree:
        for m in messages:
            m["active"] = m["id"] in active
    else:
        data["messages"] = [m for m in messages if m["id"] in active]
        for m in data["messages"]:
            m["attachments"] = [{"name": a["name"], "chars": a["chars"]} for a in m["attachments"]]
    return data
