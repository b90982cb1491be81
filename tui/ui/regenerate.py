"""Regenerate and alternatives, mixed into R1App.

``action_regenerate`` (Ctrl+G anywhere, ``r`` on an answer, and the command palette)
asks again from the same prompt with the same earlier context (prompts and selected
final answers, never reasoning); the new answer is stored as another assistant message
replying to the same user message and is displayed and selected. Flipping between
alternatives (``<`` / ``>`` on an answer) persists the choice with
``store.select_alternative`` so follow-ups send the alternative on screen.
"""

from __future__ import annotations

from typing import Any

from tui.llm.request import ChatRequest, Turn
from tui.sanitize import one_line
from tui.ui.generation import Generation
from tui.chat.context import answers_for, build_turns
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.transcript import AnswerBlock


class RegenerateMixin:
    """Actions and handlers for alternatives; R1App provides store, client, transcript, status..."""

    # -- starting a generation -------------------------------------------------------

    async def add_answer_group(self, prompt_id: str, prompt: str) -> AnswerGroup:
        """Mount an empty group for the answers to a prompt just sent."""
        app: Any = self
        group = AnswerGroup(prompt_id=prompt_id, prompt=prompt)
        await app.transcript.mount(group)
        return group

    def start_generation(self, generation: Generation) -> None:
        """Reset the per-answer status fields and run ``generation`` in the exclusive worker."""
        app: Any = self
        status = app.status.model
        status.error = ""
        status.ttft_s = None
        status.rate = ""
        status.stream_start = None
        app.status.changed()
        app.generation = generation
        app._worker = app.run_worker(generation.run(), exclusive=True, group="generate")

    # -- regenerate ------------------------------------------------------------------

    def target_group(self) -> AnswerGroup | None:
        """The group of the focused answer, else the last group of the transcript."""
        app: Any = self
        focused = app.focused
        if focused is not None:
            for node in (focused, *focused.ancestors):
                if isinstance(node, AnswerGroup):
                    return node
        groups = [g for g in app.transcript.query(AnswerGroup) if g.prompt_id is not None]
        return groups[-1] if groups else None

    async def action_regenerate(self) -> None:
        """Ask again from the prompt of the focused (or last) answer; the earlier answers stay as alternatives."""
        app: Any = self
        if app.offline or app.client is None:
            app.notify(one_line(app.setup_hint, 200), severity="warning", markup=False)
            return
        if app._busy("ask again"):
            return
        group = self.target_group()
        conversation = app.store.get_conversation(app.conv_id) if app.conv_id else None
        if group is None or group.prompt_id is None or conversation is None:
            app.notify("There is no answer to ask again yet.", severity="warning", timeout=3)
            return
        request = self.regenerate_request(conversation.messages, group.prompt_id)
        if request is None:
            app.notify("That prompt is no longer stored.", severity="warning")
            return
        existing = answers_for(conversation.messages, group.prompt_id)
        base = max((a.choice_index for a in existing), default=-1) + 1
        groups = list(app.transcript.query(AnswerGroup))
        app.transcript.follow(groups[-1] is group)  # follow the stream only at the end of the transcript
        self.start_generation(
            Generation(app, app.conv_id, group.prompt_id, request, group, choice_base=base, regenerate=True)
        )

    def regenerate_request(self, messages: list[Any], prompt_id: str) -> ChatRequest | None:
        """The request that asked ``prompt_id``: earlier prompts and selected answers, then the prompt."""
        app: Any = self
        prompt = next((m for m in messages if m.id == prompt_id and m.role == "user"), None)
        if prompt is None:
            return None
        turns = build_turns(messages, before=prompt_id)
        return app.defaults.request([*turns, Turn("user", prompt.content)])

    # -- flipping between alternatives -----------------------------------------------

    async def on_answer_group_switched(self, event: AnswerGroup.Switched) -> None:
        """Persist the alternative now displayed and show its reasoning."""
        app: Any = self
        block: AnswerBlock = event.block
        if block.msg_id and not app.read_only:
            try:
                app.store.select_alternative(block.msg_id)
            except Exception as exc:  # the store failing must not break browsing
                app.notify(one_line(f"could not save the choice: {exc}", 200), severity="error", markup=False)
        if block is not app.reasoning_pane.source:
            await app.show_reasoning(block)

    def action_next_alternative(self) -> None:
        """Show the next alternative of the focused (or last) answer."""
        group = self.target_group()
        if group is not None:
            group.cycle(1)

    def action_prev_alternative(self) -> None:
        """Show the previous alternative of the focused (or last) answer."""
        group = self.target_group()
        if group is not None:
            group.cycle(-1)
