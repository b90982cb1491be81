"""What a request sends: the turns of a path through the tree, fitted to the context window.

Follow-ups carry earlier prompts (with their attachments) and FINAL ANSWERS only, never reasoning. Along a path,
each prompt goes with the answer the path continues from (when it is usable), else with the
prompt's chosen answer (the active one if usable, else the first usable alternative); a
prompt left with no usable answer is dropped so roles keep alternating. When the turns
would not fit ``context_window - max_tokens`` (90 % of the window when max_tokens is unset),
the oldest turns are left out — never the system prompt, never the new prompt — and the
plan says how many.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui.chat.attachments import compose
from tui.chat.tree import ConversationTree, usable_answer
from tui.llm.request import Turn
from tui.store.models import MessageRecord

CHARS_PER_TOKEN = 4.0
TOKENS_PER_MESSAGE = 4  # role and framing overhead per message, as the chat formats add
DEFAULT_CONTEXT_WINDOW = 128_000
UNSET_MAX_TOKENS_SHARE = 0.9


def estimate_tokens(text: str) -> int:
    """A rough token count: about four characters per token, plus the per-message framing."""
    return int(len(text) / CHARS_PER_TOKEN + 0.5) + TOKENS_PER_MESSAGE


def turn_pairs(tree: ConversationTree, path: Sequence[MessageRecord]) -> list[tuple[MessageRecord, MessageRecord]]:
    """The (prompt, answer) messages that make the turns of ``path``, oldest first."""
    pairs: list[tuple[MessageRecord, MessageRecord]] = []
    for i, message in enumerate(path):
        if message.role != "user":
            continue
        following = path[i + 1] if i + 1 < len(path) else None
        if following is not None and usable_answer(following) and following.parent_id == message.id:
            answer: MessageRecord | None = following
        else:
            answer = tree.chosen_answer(message.id)
        if answer is not None:
            pairs.append((message, answer))
    return pairs


def turns_along(tree: ConversationTree, path: Sequence[MessageRecord]) -> list[Turn]:
    """(prompt, answer) turns for the prompts on ``path`` (no reasoning, no failed/empty answers)."""
    turns: list[Turn] = []
    for prompt, answer in turn_pairs(tree, path):
        turns.append(Turn("user", compose(prompt.content, prompt.attachments)))
        turns.append(Turn("assistant", answer.content))
    return turns


@dataclass(frozen=True, slots=True)
class ContextPlan:
    """The turns a request sends (the new prompt last) and how many earlier turns were left out."""

    turns: tuple[Turn, ...]
    turns_sent: int  # earlier (prompt, answer) pairs sent
    turns_left_out: int  # earlier pairs left out to fit the window
    estimated_tokens: int  # of everything sent, system prompt included

    @property
    def notice(self) -> str | None:
        """"2 earlier turns not sent: context" when some were left out."""
        if not self.turns_left_out:
            return None
        s = "" if self.turns_left_out == 1 else "s"
        return f"{self.turns_left_out} earlier turn{s} not sent: context"


def fit_context(earlier: Sequence[Turn], prompt: str, *, system: str | None = None,
                context_window: int | None = None, max_tokens: int | None = None) -> ContextPlan:
    """Plan a request: ``earlier`` turns (oldest first, in pairs) then ``prompt``, within the window."""
    window = context_window or DEFAULT_CONTEXT_WINDOW
    budget = window - max_tokens if max_tokens else int(window * UNSET_MAX_TOKENS_SHARE)
    fixed = estimate_tokens(prompt) + (estimate_tokens(system) if system else 0)
    pairs = [tuple(earlier[i:i + 2]) for i in range(0, len(earlier) - 1, 2)]
    costs = [sum(estimate_tokens(t.content) for t in pair) for pair in pairs]
    total = fixed + sum(costs)
    dropped = 0
    while dropped < len(pairs) and total > budget:
        total -= costs[dropped]
        dropped += 1
    kept = [turn for pair in pairs[dropped:] for turn in pair]
    return ContextPlan((*kept, Turn("user", prompt)), len(pairs) - dropped, dropped, total)
