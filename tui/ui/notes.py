"""Notes on messages in the app (issue 14, key id ``note``): add, edit or delete the user's note.

The note goes on the focused answer (else the prompt marked by a prompt jump, else the last
answer); the dialog (tui/ui/screens/note.py) can put it on that answer's prompt instead. One
note per message is edited here (a message imported with several keeps the others); empty
text deletes it. Notes are stored (tui/store/annotations.py), searched with the messages and
exported with them; they show on a line under their message. Read-only history says why not.
"""

from __future__ import annotations


from tui.formats.md_plain import plain_text
from tui.sanitize import one_line
from tui.ui.availability import streaming_now, why_not
from tui.ui.context import STORE_ERRORS
from tui.ui.navigation import answer_after, target_group
from tui.ui.review_host import ReviewHost
from tui.ui.screens.note import NoteEdit, NoteScreen, NoteTarget
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.answer_block import AnswerBlock
from tui.ui.widgets.prompt_block import PromptBlock


class Notes:
    """Opens the note dialog on the selected message and applies what it returns."""

    def __init__(self, review: ReviewHost) -> None:
        self.screen, self.context, self.panes, self.keymap = review.screen, review.context, review.panes, review.keymap
        review.register({"note": self.open})

    def why_not(self, action: str) -> str | None:
        return why_not(action, self.context, self.panes, conv_id=self.context.conversation_id,
                       streaming=streaming_now(self.screen))

    def _blocks(self) -> tuple[AnswerBlock | None, PromptBlock | None, bool]:
        """The answer and the prompt a note could go on, and whether the prompt comes first."""
        screen = self.screen
        answers = self.panes.answers
        focused = screen.focused
        if isinstance(focused, AnswerBlock):
            return focused, _prompt_of(focused, answers.prompts()), False
        current = next((p for p in answers.prompts() if p.has_class("-prompt-current")), None)
        if current is not None:
            return answer_after(current, answers), current, True
        group = target_group(self.panes, focused)
        block = group.shown_block if group is not None else None
        if block is not None:
            return block, _prompt_of(block, answers.prompts()), False
        prompts = answers.prompts()
        return None, prompts[-1] if prompts else None, True

    def targets(self) -> list[NoteTarget]:
        """What the dialog offers, the default first (messages not saved yet are left out)."""
        answer, prompt, prompt_first = self._blocks()
        store = self.context.store
        found: list[NoteTarget] = []
        for what, msg_id, preview in (("answer", answer.msg_id if answer else None, answer.answer if answer else ""),
                                      ("prompt", prompt.msg_id if prompt else None, prompt.text if prompt else "")):
            if msg_id is None:
                continue
            notes = store.get_notes(msg_id)
            first = notes[0] if notes else None
            found.append(NoteTarget(msg_id, what, plain_text(preview) or "(empty)", first.body if first else "",
                                    first.id if first else None))
        return found[::-1] if prompt_first else found

    async def open(self) -> None:
        """The ``note`` key: the dialog, or why not."""
        screen = self.screen
        why = self.why_not("trace('note')")
        if why is not None:
            screen.notify(f"Cannot add a note: {why}.", severity="warning", markup=False)
            return
        await self.context.saved()  # a message just sent is on disk before a note refers to it
        try:
            targets = self.targets()
        except STORE_ERRORS as exc:
            screen.notify(one_line(f"Cannot read the notes: {exc}", 200), severity="error", markup=False)
            return
        if not targets:
            screen.notify("There is no saved message to put a note on here.", severity="warning")
            return
        screen.app.push_screen(NoteScreen(targets), self.apply)

    def apply(self, edit: NoteEdit | None) -> None:
        """Store what the dialog returned and show the message's notes again."""
        if edit is None:
            return
        store, target, screen = self.context.store, edit.target, self.screen
        try:
            if target.note_id is None and edit.text:
                store.add_note(target.msg_id, edit.text)
                said = "Note added."
            elif target.note_id is not None and edit.text:
                store.edit_note(target.note_id, edit.text)
                said = "Note saved."
            elif target.note_id is not None:
                store.delete_note(target.note_id)
                said = "Note deleted."
            else:
                return
            bodies = [n.body for n in store.get_notes(target.msg_id)]
        except STORE_ERRORS as exc:
            screen.notify(one_line(f"Could not save the note: {exc}", 200), severity="error", markup=False)
            return
        answers = self.panes.answers
        widgets: list[AnswerBlock | PromptBlock] = [*answers.all_answers(), *answers.prompts()]
        for widget in widgets:
            if widget.msg_id == target.msg_id:
                widget.set_notes(bodies)
        screen.notify(said, timeout=2)


def _prompt_of(block: AnswerBlock, prompts: list[PromptBlock]) -> PromptBlock | None:
    group = block.parent
    prompt_id = group.prompt_id if isinstance(group, AnswerGroup) else None
    return next((p for p in prompts if prompt_id is not None and p.msg_id == prompt_id), None)
