"""``history export --format jsonl|html``: the records and the page, from the store.

jsonl: one object per answer on the active path (each prompt's answer along it), or, with
``--tree``, every answer of every branch. The context of each is what a follow-up along
its path sends (tui/chat/context.py ``turns_along``: earlier prompts and their answers, no
reasoning).
"""

from __future__ import annotations

from collections.abc import Sequence

from tui.chat.context import turns_along
from tui.chat.tree import ConversationTree
from tui.config import configured_pivots
from tui.formats.html_export import html_document
from tui.formats.jsonl import jsonl, record
from tui.store import HistoryStore, MessageRecord


def answer_paths(tree: ConversationTree, every_branch: bool) -> list[list[MessageRecord]]:
    """Paths ending (prompt, answer): along the active path, or to every answer of every branch."""
    if every_branch:
        return [tree.path_to(m.id) for m in tree.messages() if m.role == "assistant"]
    path = tree.active_path()
    return [path[:i + 2] for i, m in enumerate(path[:-1]) if m.role == "user" and path[i + 1].role == "assistant"]


def export_jsonl(store: HistoryStore, conv_ids: Sequence[str], *, tree: bool, think_tags: bool) -> str:
    """The jsonl text for the conversations ``conv_ids``."""
    records = []
    for conv_id in conv_ids:
        conv = store.get_conversation(conv_id)
        if conv is None:
            continue
        exported = {m["id"]: m for m in store.export_conversation(conv_id)["messages"]}
        conversation = ConversationTree(conv.id, conv.title, conv.messages)
        for path in answer_paths(conversation, tree):
            if len(path) < 2 or path[-2].role != "user":
                continue  # an answer without its prompt (damaged import): nothing to pair it with
            *before, prompt, answer = path
            context = [(t.role, t.content) for t in turns_along(conversation, before)]
            records.append(record(conv_id, exported[answer.id], context, prompt.content, think_tags=think_tags))
    return jsonl(records)


def export_html(store: HistoryStore, conv_ids: Sequence[str]) -> str:
    """One self-contained HTML page with the conversations ``conv_ids``."""
    pivots = configured_pivots()
    return html_document([store.export_conversation(i) for i in conv_ids], pivots)
