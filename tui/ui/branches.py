"""The conversation as a tree, on screen: editing a prompt into a new branch, flipping branches,
fork markers, and the turns the last request left out.

The answer pane shows the active path. Every prompt that is one of several branches gets
a ``‹ 2/3 ›`` header; ``prev_branch`` / ``next_branch`` flip the fork nearest above the
focused answer (or the prompt jumped to, or the end): a prompt fork selects a sibling
prompt, an answer fork flips the alternatives. Whenever the active path changed, the pane is
redrawn from the first prompt that differs (:meth:`Branches.sync`), so it always shows the
path the next request continues.

Editing (``edit_prompt``): the prompt of the focused answer (else the prompt jumped to, else
the last one) goes into the composer; sending sends it as a sibling (a new branch);
cancelling puts back what the composer held, as does sending.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widget import Widget

from tui.chat.context import turn_pairs
from tui.chat.exchange import Exchange
from tui.chat.tree import ConversationTree
from tui.store.models import Attachment
from tui.ui.context import AppContext
from tui.ui.keymap import Keymap
from tui.ui.loader import load
from tui.ui.navigation import answer_after, focus_now
from tui.ui.panes import Panes
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.answer_block import AnswerBlock
from tui.ui.widgets.message_stats import format_cost
from tui.ui.widgets.prompt_block import PromptBlock

Notify = Callable[[str], None]


def short_count(tokens: int) -> str:
    """A token count for the status bar: ``812``, ``12.4k``, ``128k``."""
    if tokens < 1000:
        return str(tokens)
    if tokens >= 99_950 or tokens % 1000 == 0:
        return f"{tokens / 1000:.0f}k"
    return f"{tokens / 1000:.1f}k"


def group_of(focused: Widget | None) -> AnswerGroup | None:
    """The answer group holding ``focused`` (None when the focus is elsewhere)."""
    for node in (focused, *focused.ancestors) if focused is not None else ():
        if isinstance(node, AnswerGroup):
            return node
    return None


class Branches:
    """Keeps the answer pane on the active path; edits prompts and flips branches."""

    def __init__(self, context: AppContext, panes: Panes, keymap: Keymap, notify: Notify) -> None:
        self.context = context
        self.panes = panes
        self.keymap = keymap
        self.notify = notify
        self.editing: str | None = None  # the prompt being edited
        self._draft = ""  # what the composer held before the edit ...
        self._draft_files: list[tuple[Attachment, bool]] = []  # ... and its attachment chips (pasted or not)
        self.left_out: set[str] = set()  # prompts of the turns the last request left out

    @property
    def tree(self) -> ConversationTree | None:
        return self.context.session.tree

    # -- markers -----------------------------------------------------------------------

    async def shown(self) -> None:
        """Another conversation (or none) is on screen: its forks and figures; an edit of another one ends."""
        self.left_out = set()
        if self.editing is not None and (self.tree is None or self.editing not in self.tree):
            await self.cancel_edit()
        self.mark()

    def refresh_status(self) -> None:
        """The status bar's context gauge (``ctx 12.4k/128k``); the conversation's cost in the title bar."""
        session = self.context.chat_session()  # the window of the profile in use now
        tree = self.tree
        model = self.panes.status.model
        model.context = "" if tree is None else (
            f"ctx {short_count(session.next_context_tokens())}/{short_count(session.context_window)}")
        costs = [m.cost for m in tree.messages() if m.cost is not None] if tree is not None else []
        self.panes.title.set_note(f"cost {format_cost(sum(costs), self.context.currency)}" if costs else "")
        self.panes.status.changed()

    def mark(self) -> None:
        """Headers on the prompts: forks (``‹ 2/3 ›``), left out of the last request, being edited."""
        self.refresh_status()
        tree = self.tree
        switch = f"{self.keymap.describe('prev_branch')} {self.keymap.describe('next_branch')} switch"
        for block in self.panes.answers.prompts():
            parts: list[str] = []
            msg_id = block.msg_id
            if tree is not None and msg_id is not None and msg_id in tree:
                siblings = tree.siblings(msg_id)
                if len(siblings) > 1:
                    n = next(i for i, m in enumerate(siblings, 1) if m.id == msg_id)
                    parts.append(f"‹ {n}/{len(siblings)} › branch · {switch}")
            if msg_id in self.left_out:
                parts.append("not sent with the last request: context")
            if msg_id is not None and msg_id == self.editing:
                parts.append(f"editing: {self.keymap.describe('send')} sends a new branch · Esc cancels")
            block.set_class(msg_id in self.left_out, "-left-out")
            block.set_header(" · ".join(parts))

    async def sent(self, exchange: Exchange | None) -> None:
        """A prompt was sent: an edit ends (the composer gets back what it held); remember (and say)
        which earlier turns the request left out to fit the context."""
        await self.cancel_edit()
        plan = exchange.plan if exchange is not None else None
        tree = self.tree
        self.left_out = set()
        if exchange is not None and plan is not None and plan.turns_left_out and tree is not None:
            prompt = tree.get(exchange.prompt_id)
            earlier = tree.path_to(prompt.parent_id) if prompt.parent_id else []
            pairs = turn_pairs(tree, earlier)
            self.left_out = {p.id for p, _ in pairs[: plan.turns_left_out]}
            if plan.notice:
                self.notify(plan.notice)
        self.mark()

    # -- keeping the pane on the active path ---------------------------------------------

    async def sync(self) -> None:
        """Redraw the pane from the first prompt that is not on the active path any more."""
        tree = self.tree
        answers = self.panes.answers
        if tree is None:
            return
        path = [m.id for m in tree.active_path() if m.role == "user"]
        shown = [p.msg_id for p in answers.prompts()]
        first = next((i for i, (a, b) in enumerate(zip(path, shown)) if a != b), min(len(path), len(shown)))
        if first < len(path) or first < len(shown):
            await self._redraw_from(tree, first)
        if self.editing is not None and self.editing not in path:  # its branch is not shown any more
            await self.cancel_edit()
        self.mark()

    async def _redraw_from(self, tree: ConversationTree, index: int) -> None:
        answers = self.panes.answers
        prompts = answers.prompts()
        if index < len(prompts):
            await answers.cut_from(prompts[index])
        conv_id = tree.conversation_id
        widgets = load(tree, self.context.currency, notes=self.context.notes_of(conv_id),
                       timelines=self.context.timelines_of(conv_id)).widgets
        new_prompts = [w for w in widgets if isinstance(w, PromptBlock)]
        if index < len(new_prompts):
            await answers.mount_all(widgets[widgets.index(new_prompts[index]):])
        reasoning = self.panes.reasoning
        if reasoning.source is not None and not reasoning.source.is_attached:  # its answer left the screen
            shown = answers.answers()
            reasoning.show(shown[-1] if shown else None)

    # -- flipping ------------------------------------------------------------------------

    def _start_id(self, focused: Widget | None, tree: ConversationTree) -> str | None:
        if isinstance(focused, AnswerBlock) and focused.msg_id in tree:
            return focused.msg_id
        current = next((p for p in self.panes.answers.prompts() if p.has_class("-prompt-current")), None)
        if current is not None and current.msg_id in tree:
            return current.msg_id
        leaf = tree.leaf()
        return leaf.id if leaf is not None else None

    async def flip(self, focused: Widget | None, delta: int) -> str | None:
        """Show the next (``delta`` 1) or previous branch at the nearest fork; None, or why not."""
        tree = self.tree
        start = self._start_id(focused, tree) if tree is not None else None
        if tree is None or start is None:
            return "There is no conversation to switch branches in."
        fork = next((m for m in reversed(tree.path_to(start)) if len(tree.siblings(m.id)) > 1), None)
        if fork is None:
            return f"No branches here yet: {self.keymap.describe('edit_prompt')} on an answer edits its prompt into one."
        if fork.role == "assistant":
            group = next((g for g in self.panes.answers.query(AnswerGroup) if g.prompt_id == fork.parent_id), None)
            if group is None:
                return "That fork is not on screen."
            group.cycle(delta)  # AnswerGroup.Switched: selected, then synced
            return None
        siblings = tree.siblings(fork.id)
        target = siblings[(next(i for i, m in enumerate(siblings) if m.id == fork.id) + delta) % len(siblings)]
        self.context.chat_session().select(target.id)
        if not self.panes.prompt.has_focus:  # the pane keeps the focus (the focused answer may go)
            focus_now(self.panes.answers, scroll_visible=False)
        await self.sync()
        block = next((p for p in self.panes.answers.prompts() if p.msg_id == target.id), None)
        if block is not None:
            self.show_prompt(block)  # the fork the next flip acts on
            answer = answer_after(block, self.panes.answers)
            if answer is not None:
                self.panes.reasoning.show(answer)
        return None

    def show_prompt(self, block: PromptBlock) -> None:
        """Mark ``block`` as the prompt jumped to and scroll to it."""
        answers = self.panes.answers
        for p in answers.prompts():
            p.set_class(p is block, "-prompt-current")
        answers.follow(False)
        answers.scroll_to_widget(block, animate=False, top=True)

    # -- editing -------------------------------------------------------------------------

    def target_prompt(self, focused: Widget | None) -> PromptBlock | None:
        """The prompt of the focused answer, else the prompt jumped to, else the last prompt."""
        prompts = [p for p in self.panes.answers.prompts() if p.msg_id is not None]
        group = group_of(focused)
        if group is not None and group.prompt_id is not None:
            return next((p for p in prompts if p.msg_id == group.prompt_id), None)
        current = next((p for p in prompts if p.has_class("-prompt-current")), None)
        return current or (prompts[-1] if prompts else None)

    async def edit(self, focused: Widget | None) -> str | None:
        """Edit the prompt of ``focused`` (see :meth:`target_prompt`); None, or why not."""
        block = self.target_prompt(focused)
        if block is None:
            return "There is no prompt to edit here."
        await self.start_edit(block)
        return None

    async def start_edit(self, block: PromptBlock) -> None:
        """Put ``block``'s prompt and its attachments into the composer; the next send makes it a new branch."""
        composer, chips = self.panes.prompt, self.panes.chips
        if self.editing is None:
            self._draft = composer.text
            self._draft_files = [(chip.attachment, chip.pasted) for chip in chips.chips()]
        tree = self.tree
        self.editing = block.msg_id
        self._fill(block.text)
        msg_id = block.msg_id
        files = tree.get(msg_id).attachments if tree is not None and msg_id is not None and msg_id in tree else ()
        await self._set_chips([(a, False) for a in files])
        self.show_prompt(block)
        self.mark()
        focus_now(composer)

    async def cancel_edit(self) -> bool:
        """Stop editing and give the composer back what it held (False: no edit was going on)."""
        if self.editing is None:
            return False
        self.editing = None
        self._fill(self._draft)
        await self._set_chips(self._draft_files)
        self.mark()
        return True

    async def _set_chips(self, files: list[tuple[Attachment, bool]]) -> None:
        chips = self.panes.chips
        await chips.clear()
        for attachment, pasted in files:
            await chips.add(attachment, pasted=pasted)

    def edit_target(self) -> str | None:
        """The prompt the next send edits (None: a plain send or an edit of a prompt not shown)."""
        tree = self.tree
        return self.editing if tree is not None and self.editing in tree else None

    def _fill(self, text: str) -> None:
        composer = self.panes.prompt
        composer.text = text
        composer.move_cursor(composer.document.end)
