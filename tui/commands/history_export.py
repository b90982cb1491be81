"""``history export --format jsonl|html``: the records and the page, from the store.

jsonl: one object per assistant message on the active path (each prompt's selected
answer), or every assistant message with ``--tree``. The context of each is what a
follow-up sends (tui/chat/context.py: earlier prompts and their chosen answers, no
reasoning). Until the conversation tree lands, "every branch" means every stored
alternative answer of every prompt.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui.chat.context import answers_for, build_turns, selected_index
from tui.config import configured_pivots
from tui.formats.html_export import html_document
from tui.formats.jsonl import jsonl, record
from tui.store import HistoryStore, MessageRecord


def chosen_answers(messages: Sequence[MessageRecord], tree: bool) -> list[tuple[MessageRecord, MessageRecord]]:
    """(prompt, answer) pairs to export: every answer with ``tree``, else each prompt's selected one."""
    pairs = []
    for prompt in (m for m in messages if m.role == "user"):
        group = answers_for(messages, prompt.id)
        if not group:
            continue
        pairs += [(prompt, a) for a in group] if tree else [(prompt, group[selected_index(group)])]
    return pairs


def export_jsonl(store: HistoryStore, conv_ids: Sequence[str], *, tree: bool, think_tags: bool) -> str:
    """The jsonl text for the conversations ``conv_ids``."""
    records = []
    for conv_id in conv_ids:
        conv = store.get_conversation(conv_id)
        if conv is None:
            continue
        exported = {m["id"]: m for m in store.export_conversation(conv_id)["messages"]}
        for prompt, answer in chosen_answers(conv.messages, tree):
            context = [(t.role, t.content) for t in build_turns(conv.messages, before=prompt.id)]
            records.append(record(conv_id, exported[answer.id], context, prompt.content, think_tags=think_tags))
    return jsonl(records)


def export_html(store: HistoryStore, conv_ids: Sequence[str]) -> str:
    """One self-contained HTML page with the conversations ``conv_ids``."""
    pivots = configured_pivots()
    return html_document([store.export_conversation(i) for i in conv_ids], pivots)
