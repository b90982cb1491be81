"""Regenerate and alternatives, mixed into R1App.

``action_regenerate`` (Ctrl+G anywhere, ``r`` on an answer, and the command palette)
asks the engine to ask again from the same prompt with the same earlier context (prompts
and selected final answers, never reasoning); the new answer is another alternative of the
same prompt and is displayed and selected. Flipping between alternatives (``<`` / ``>`` on
an answer) selects it in the engine's session, so follow-ups send the alternative on screen.
"""

from __future__ import annotations

from typing import Any

from tui.chat.session import SessionError
from tui.sanitize import one_line
from tui.ui.generation import Generation
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
        if group is None or group.prompt_id is None or app.conv_id is None:
            app.notify("There is no answer to ask again yet.", severity="warning", timeout=3)
            return
        try:
            exchange = app.chat_session().regenerate(group.prompt_id)
        except (SessionError, KeyError) as exc:
            app.notify(one_line(f"Cannot ask again: {exc}", 200), severity="warning", markup=False)
            return
        groups = list(app.transcript.query(AnswerGroup))
        app.transcript.follow(groups[-1] is group)  # follow the stream only at the end of the transcript
        self.start_generation(Generation(app, exchange, group, regenerate=True))

    # -- flipping between alternatives -----------------------------------------------

    async def on_answer_group_switched(self, event: AnswerGroup.Switched) -> None:
        """Persist the alternative now displayed and show its reasoning."""
        app: Any = self
        block: AnswerBlock = event.block
        if block.msg_id and not app.read_only:
            try:
                app.chat_session().select(block.msg_id)
            except (SessionError, KeyError) as exc:
                app.notify(one_line(f"could not select that answer: {exc}", 200), severity="error", markup=False)
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
