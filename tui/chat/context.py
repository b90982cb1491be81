"""Pure helpers between stored messages and requests/display (no Textual).

Follow-up requests carry prior prompts and FINAL ANSWERS only: for each prompt the
selected alternative is sent (the one the user flipped to, stored as ``selected``),
else the first usable one (lowest choice index, then oldest); reasoning never.
Failed or empty answers are skipped, and a prompt left with no usable answer is
dropped so roles keep alternating.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tui.llm.request import Turn

def usable_answer(message: Any) -> bool:
    """May this assistant message go back to the model as context?"""
    return message.state != "failed" and bool((message.content or "").strip())


def answers_for(messages: Sequence[Any], user_id: str) -> list[Any]:
    """The assistant messages replying to ``user_id``, selected-first order."""
    found = [m for m in messages if m.role == "assistant" and m.reply_to == user_id]
    return sorted(found, key=lambda m: (m.choice_index, m.created_at))


def selected_index(answers: Sequence[Any]) -> int:
    """Which of a prompt's ``answers`` (in :func:`answers_for` order) is shown and sent."""
    for i, answer in enumerate(answers):
        if getattr(answer, "selected", False):
            return i
    return next((i for i, a in enumerate(answers) if usable_answer(a)), 0)


def chosen_answer(answers: Sequence[Any]) -> Any | None:
    """The answer to send back: the selected one if usable, else the first usable one."""
    if not answers:
        return None
    picked = answers[selected_index(answers)]
    if usable_answer(picked):
        return picked
    return next((a for a in answers if usable_answer(a)), None)


def build_turns(messages: Sequence[Any], *, before: str | None = None) -> list[Turn]:
    """Turns for a follow-up from stored messages (no reasoning, no failed/empty answers).

    ``before``: stop at that user message (regenerate asks again with the earlier context).
    """
    turns: list[Turn] = []
    for message in messages:
        if message.role != "user":
            continue
        if message.id == before:
            break
        chosen = chosen_answer(answers_for(messages, message.id))
        if chosen is None:
            continue
        turns.append(Turn("user", message.content))
        turns.append(Turn("assistant", chosen.content))
    return turns
