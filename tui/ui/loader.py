"""Turn a conversation's active path into answer-pane widgets and token totals (no I/O).

Each prompt on the active path is followed by one :class:`AnswerGroup` of its
alternatives, showing the active one. The user's notes (read by the caller) go with their message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from tui.chat.tree import ConversationTree
from tui.sanitize import one_line
from tui.store import MessageRecord
from tui.metrics import Timing, Usage
from tui.trace.timeline import decode_stored
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.answer_block import AnswerBlock
from tui.ui.widgets.message_stats import Stats, format_cost, stats_of, with_timeline
from tui.ui.widgets.prompt_block import PromptBlock
from tui.ui.widgets.status import Tokens


@dataclass
class LoadedConversation:
    """Widgets to mount, the last answer, and the usage of the last answer and of all."""

    widgets: list[Widget] = field(default_factory=list)
    last_block: AnswerBlock | None = None
    last_tokens: Tokens | None = None
    totals: Tokens = field(default_factory=Tokens)
    damage: list[str] = field(default_factory=list)  # wrong-typed values found (a tampered or damaged file)


def finish_note(message: MessageRecord) -> str:
    """A note for the answer header from its finish reason."""
    if message.finish_reason == "length":
        return "cut at max_tokens (finish_reason: length)"
    return ""


def shown_state(state: str) -> str:
    """The state label of a stored answer ("streaming" left behind by a crash is "interrupted")."""
    if state == "complete":
        return ""
    return "interrupted" if state == "streaming" else state


def stats_from_record(usage: Usage, timing: Timing) -> Stats:
    """Stats of a stored answer from its usage and timing."""
    return stats_of(usage.completion_tokens, usage.reasoning_tokens, bool(usage.estimated),
                    timing.first_token_s, timing.reasoning_s, timing.total_s)


def tokens_of(usage: Usage) -> Tokens | None:
    """Tokens from a ``Usage``; None when nothing was recorded."""
    if usage.total_tokens is None and usage.completion_tokens is None:
        return None
    return Tokens(usage.prompt_tokens, usage.completion_tokens, usage.total_tokens, usage.reasoning_tokens, usage.estimated)


def answer_block(message: MessageRecord, currency: str = "", timeline: str | None = None) -> AnswerBlock:
    """The block of one stored answer (with its stats — from its ``timeline`` too when one was
    stored — and its cost when known, for the reasoning pane)."""
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
    stats = with_timeline(stats_from_record(message.usage, message.timing), decode_stored(timeline),
                          message.usage.completion_tokens, len(block.answer) + len(block.reasoning))
    block.stats = stats if message.cost is None else replace(stats, cost=format_cost(message.cost, currency))
    return block


Notes = Mapping[str, Sequence[str]]  # message id -> the bodies of its notes, oldest first


def load(tree: ConversationTree, currency: str = "", damage: Sequence[str] | None = None,
         notes: Notes | None = None, timelines: Mapping[str, str] | None = None) -> LoadedConversation:
    """Prompt blocks and answer groups (active alternative shown) along the active path, with token
    totals; ``notes`` and ``timelines``: those stored for its messages, by message id."""
    out = LoadedConversation()
    notes = notes or {}
    out.damage = list(damage) if damage is not None else [f"message {m.id}: {d}" for m in tree.messages() for d in m.damaged]
    if out.damage:
        out.widgets.append(damage_note(out.damage))
    for message in tree.active_path():
        if message.role != "user":
            continue
        out.widgets.append(PromptBlock(message.content, message.attachments, message.id, notes.get(message.id, ())))
        answers = tree.answers_to(message.id)
        if answers:
            active = tree.active_child(message.id)
            index = next((i for i, a in enumerate(answers) if active is not None and a.id == active.id), 0)
            _add_group(out, answers, index, message.id, message.content, currency, notes, timelines or {})
    return out


DAMAGE_SHOWN = 5


def damage_note(problems: list[str]) -> Static:
    """A note above a conversation whose rows hold wrong-typed values: what is damaged, shown as best it can be."""
    text = Text("Damaged rows in this conversation (a tampered or damaged history file): "
                "shown as best they can be; the rest of the history is unaffected.", style="bold")
    for problem in problems[:DAMAGE_SHOWN]:
        text.append("\n• " + one_line(problem, 160), style="")
    if len(problems) > DAMAGE_SHOWN:
        text.append(f"\n… and {len(problems) - DAMAGE_SHOWN} more", style="")
    return Static(text, id="damage-note", classes="damage-note", markup=False)


def _add_group(out: LoadedConversation, answers: list[MessageRecord], index: int, prompt_id: str | None,
               prompt: str, currency: str, notes: Notes, timelines: Mapping[str, str]) -> None:
    blocks = [answer_block(a, currency, timelines.get(a.id)) for a in answers]
    for block, answer in zip(blocks, answers):
        block.notes = list(notes.get(answer.id, ()))
    out.widgets.append(AnswerGroup(*blocks, prompt_id=prompt_id, prompt=prompt, index=index))
    out.last_block = blocks[index]
    for answer in answers:
        tokens = tokens_of(answer.usage)
        if tokens is not None:
            out.last_tokens = tokens
            out.totals.add(tokens)
