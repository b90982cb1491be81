"""Turn a stored conversation into transcript widgets and token totals (no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from textual.widget import Widget

from tui.sanitize import one_line
from tui.ui.history import display_order
from tui.ui.widgets.status import Tokens
from tui.ui.widgets.transcript import AnswerBlock, PromptBlock


@dataclass
class LoadedConversation:
    """Widgets to mount, the last answer, and the usage of the last answer and of all."""

    widgets: list[Widget] = field(default_factory=list)
    last_block: AnswerBlock | None = None
    last_tokens: Tokens | None = None
    totals: Tokens = field(default_factory=Tokens)


def finish_note(message: Any) -> str:
    """A note for the answer header from its finish reason."""
    if message.finish_reason == "length":
        return "cut at max_tokens (finish_reason: length)"
    return ""


def shown_state(state: str) -> str:
    """The state label of a stored answer ("streaming" left behind by a crash is "interrupted")."""
    if state == "complete":
        return ""
    return "interrupted" if state == "streaming" else state


def tokens_of(usage: Any) -> Tokens | None:
    """Tokens from a ``UsageRecord``; None when nothing was recorded."""
    if usage.total_tokens is None and usage.completion_tokens is None:
        return None
    return Tokens(usage.prompt_tokens, usage.completion_tokens, usage.total_tokens, usage.reasoning_tokens, usage.estimated)


def load(messages: Sequence[Any]) -> LoadedConversation:
    """Prompt and answer blocks in transcript order, with token totals."""
    out = LoadedConversation()
    for message in display_order(messages):
        if message.role == "user":
            out.widgets.append(PromptBlock(message.content))
            continue
        block = AnswerBlock(
            msg_id=message.id,
            choice=message.choice_index,
            answer=message.content or "",
            reasoning=message.reasoning or "",
            state=shown_state(message.state),
            thought_s=message.timing.reasoning_s,
            label=one_line(message.deployment or "assistant", 40),
            note=finish_note(message),
        )
        out.widgets.append(block)
        out.last_block = block
        tokens = tokens_of(message.usage)
        if tokens is not None:
            out.last_tokens = tokens
            out.totals.add(tokens)
    return out
