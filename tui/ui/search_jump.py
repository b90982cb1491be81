"""After a search: scroll to the matched message and highlight the matched words.

prompt    -> the prompt block, its text re-rendered with the words highlighted;
answer    -> the answer block (its alternative shown, focused), words highlighted in its
             Markdown; if none could be marked there, a highlighted snippet line is added;
reasoning -> the answer block focused and its reasoning in the reasoning pane, the words
             highlighted there and the pane scrolled to the first one.
All text is sanitised; highlights are styled spans, never markup.
"""

from __future__ import annotations

import re
from typing import Any

from textual.widget import Widget
from textual.widgets import Static

from tui.ui.highlight import highlighted, snippet_text, term_pattern
from tui.ui.widgets.transcript import AnswerBlock, PromptBlock


async def jump_to_hit(app: Any, hit: Any, query: str) -> Widget | None:
    """Scroll to ``hit`` in the open conversation and highlight it; return the widget shown."""
    pattern = term_pattern(query, hit.snippet)
    if hit.field == "prompt":
        widget = _prompt_widget(app, hit, pattern)
    else:
        widget = await _answer_widget(app, hit, pattern)
    if widget is None:
        app.notify("The matched message is not shown in this conversation.", severity="warning")
        return None
    transcript = app.transcript
    transcript.follow(False)
    app.call_after_refresh(transcript.scroll_to_widget, widget, animate=False, top=True)
    return widget


def _prompt_widget(app: Any, hit: Any, pattern: re.Pattern[str] | None) -> Widget | None:
    conversation = app.store.get_conversation(hit.conversation_id)
    if conversation is None:
        return None
    users = [m for m in conversation.messages if m.role == "user"]
    index = next((i for i, m in enumerate(users) if m.id == hit.message_id), None)
    prompts = list(app.transcript.query(PromptBlock))
    if index is None or index >= len(prompts):
        return None
    block = prompts[index]
    block.update(highlighted(users[index].content, pattern))
    return block


async def _answer_widget(app: Any, hit: Any, pattern: re.Pattern[str] | None) -> Widget | None:
    block = next((b for b in app.transcript.answers() if b.msg_id == hit.message_id), None)
    if block is None:
        return None
    _show_alternative(block)
    await app.show_reasoning(block)
    block.focus(scroll_visible=False)
    if hit.field == "reasoning":
        highlight_reasoning(app, block, pattern)
    elif highlight_markdown(block, pattern) == 0:
        await block.mount(Static(snippet_text(hit.snippet), classes="search-match", markup=False),
                          after=block.query_one(".answer-header"))
    return block


def _show_alternative(block: AnswerBlock) -> None:
    """If ``block`` is a hidden alternative in an answer group, display it."""
    group = block.parent
    blocks = getattr(group, "blocks", None)
    if blocks and hasattr(group, "show") and block in blocks and not block.display:
        group.show(blocks.index(block))


def highlight_markdown(block: AnswerBlock, pattern: re.Pattern[str] | None) -> int:
    """Highlight matches in the rendered Markdown of ``block``; return how many rows show one."""
    if pattern is None:
        return 0
    return block.highlight_matches(pattern)


def highlight_reasoning(app: Any, source: object, pattern: re.Pattern[str] | None) -> None:
    """Highlight ``pattern`` in the reasoning pane's rows and scroll to the first match.

    The highlight is dropped once the pane shows another answer.
    """
    if pattern is None:
        return
    log = app.reasoning_pane.log_widget
    first: tuple[Widget, int] | None = None
    for widget in log.children:
        rows = getattr(widget, "rows", None)
        if rows is not None:  # pre-wrapped rows (tui/ui/widgets/lines.py)
            widget.highlight = pattern
            widget.refresh()
            if first is None:
                first = next(((widget, y) for y, row in enumerate(rows) if pattern.search(row)), None)
        elif isinstance(widget, Static):  # plain text blocks
            plain = str(widget.render())
            if pattern.search(plain):
                widget.update(highlighted(plain, pattern))
                first = first or (widget, 0)
    if first is not None:
        widget, row = first
        app.call_after_refresh(lambda: log.scroll_to(y=max(0, widget.virtual_region.y + row - 1), animate=False))

    def drop_when_changed() -> None:
        if app.reasoning_pane.source is source:
            return
        for child in log.children:
            if getattr(child, "highlight", None) is not None:
                child.highlight = None
                child.refresh()
        timer.stop()

    timer = app.set_interval(0.5, drop_when_changed)

