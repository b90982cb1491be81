"""After a search: scroll to the matched message and highlight the matched words.

prompt    -> the prompt block, its text re-rendered with the words highlighted;
answer    -> the answer block (its alternative shown, focused), words highlighted in its
             Markdown; if none could be marked there, a highlighted snippet line is added;
reasoning -> the answer block focused and its reasoning in the reasoning pane, the words
             highlighted there and the pane scrolled to the first one;
note      -> the prompt or answer the note is on (its alternative shown), the note under it.
All text is sanitised; highlights are styled spans, never markup.
"""

from __future__ import annotations

import re

from textual.widget import Widget
from textual.widgets import Static

from tui.formats.md_plain import plain_text
from tui.store import HistoryStore, SearchHit
from tui.ui.highlight import highlighted, snippet_text, term_pattern
from tui.ui.panes import Panes
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.answer_block import AnswerBlock


async def jump_to_hit(panes: Panes, store: HistoryStore, hit: SearchHit, query: str) -> Widget | None:
    """Scroll to ``hit`` in the open conversation and highlight it; return the widget shown (None: not shown)."""
    pattern = term_pattern(query, hit.snippet)
    if hit.field == "note":
        widget = _noted_widget(panes, hit)
    elif hit.field == "prompt":
        widget = _prompt_widget(panes, store, hit, pattern)
    else:
        widget = await _answer_widget(panes, hit, pattern)
    if widget is None:
        return None
    answers = panes.answers
    answers.follow(False)
    answers.call_after_refresh(answers.scroll_to_widget, widget, animate=False, top=True)
    return widget


def _prompt_widget(panes: Panes, store: HistoryStore, hit: SearchHit, pattern: re.Pattern[str] | None) -> Widget | None:
    conversation = store.get_conversation(hit.conversation_id)
    if conversation is None:
        return None
    message = next((m for m in conversation.messages if m.id == hit.message_id and m.role == "user"), None)
    block = next((p for p in panes.answers.prompts() if message is not None and p.msg_id == message.id), None)
    if message is None or block is None:  # gone, or on a branch not shown
        return None
    block.show_text(highlighted(message.content, pattern))
    return block


async def _answer_widget(panes: Panes, hit: SearchHit, pattern: re.Pattern[str] | None) -> Widget | None:
    block = next((b for b in panes.answers.all_answers() if b.msg_id == hit.message_id), None)
    if block is None:
        return None
    group = block.parent
    if isinstance(group, AnswerGroup) and not block.display and block in group.blocks:
        group.show(group.blocks.index(block))
    panes.reasoning.show(block)
    if hit.field == "reasoning":
        panes.reasoning.highlight(pattern)
    elif highlight_markdown(block, pattern) == 0:
        await block.mount(Static(snippet_text(plain_text(hit.snippet_lines or hit.snippet)), classes="search-match", markup=False),
                          after=block.query_one(".answer-header"))
    return block


def _noted_widget(panes: Panes, hit: SearchHit) -> Widget | None:
    block = next((b for b in panes.answers.all_answers() if b.msg_id == hit.message_id), None)
    if block is None:
        return next((p for p in panes.answers.prompts() if p.msg_id == hit.message_id), None)
    group = block.parent
    if isinstance(group, AnswerGroup) and not block.display and block in group.blocks:
        group.show(group.blocks.index(block))
    panes.reasoning.show(block)
    return block


def highlight_markdown(block: AnswerBlock, pattern: re.Pattern[str] | None) -> int:
    """Highlight matches in the rendered Markdown of ``block``; return how many rows show one."""
    if pattern is None:
        return 0
    return block.highlight_matches(pattern)
