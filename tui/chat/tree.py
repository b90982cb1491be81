"""A conversation as a tree of messages, with one active path (no I/O, no Textual).

Every message has a parent: an answer's parent is its prompt; a prompt's parent is the
answer it follows (none for a first prompt). Siblings are the children of one parent:
a prompt's alternative answers (regenerations, n > 1 choices), or the prompts that branch
after an answer (an edited prompt starts a sibling branch). Among siblings the active one
is the one marked ``selected``; with none marked, it is the first usable answer (lowest
choice index, then oldest) or the newest prompt. The active path runs from the active
first prompt down through active children to a leaf.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from tui.store.models import MessageRecord


def usable_answer(message: MessageRecord) -> bool:
    """May this answer go back to the model as context (finished, not failed, not empty)?

    An answer still streaming (another r1-tui is writing it) is not: it may be half a sentence.
    """
    return (message.role == "assistant" and message.state not in ("failed", "streaming")
            and bool(message.content.strip()))


class ConversationTree:
    """The messages of one conversation, indexed by parent. Mutated only by the session."""

    def __init__(self, conversation_id: str, title: str, messages: Iterable[MessageRecord] = ()) -> None:
        self.conversation_id = conversation_id
        self.title = title
        self._nodes: dict[str, MessageRecord] = {}
        self._children: dict[str | None, list[str]] = defaultdict(list)
        for message in messages:
            self.add(message)

    # -- reading -----------------------------------------------------------------------

    def __contains__(self, msg_id: object) -> bool:
        return msg_id in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def get(self, msg_id: str) -> MessageRecord:
        """The message ``msg_id`` (KeyError if absent)."""
        return self._nodes[msg_id]

    def messages(self) -> list[MessageRecord]:
        """Every message of every branch, in the order they were added."""
        return list(self._nodes.values())

    def children(self, parent_id: str | None) -> list[MessageRecord]:
        """The children of ``parent_id`` (None: the first prompts), oldest first; answers by choice index."""
        kids = [self._nodes[i] for i in self._children.get(parent_id, ())]
        if kids and all(k.role == "assistant" for k in kids):
            kids.sort(key=lambda m: (m.choice_index, m.created_at))
        return kids

    def siblings(self, msg_id: str) -> list[MessageRecord]:
        """``msg_id`` and the other children of its parent, in :meth:`children` order."""
        return self.children(self._nodes[msg_id].parent_id)

    def active_child(self, parent_id: str | None) -> MessageRecord | None:
        """The child of ``parent_id`` on the active path (see the module docstring)."""
        kids = self.children(parent_id)
        if not kids:
            return None
        for kid in kids:
            if kid.selected:
                return kid
        if kids[0].role == "assistant":
            return next((k for k in kids if usable_answer(k)), kids[0])
        return max(kids, key=lambda m: m.created_at)

    def active_path(self) -> list[MessageRecord]:
        """The messages shown and sent: from the active first prompt down to a leaf."""
        path: list[MessageRecord] = []
        node = self.active_child(None)
        seen: set[str] = set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            path.append(node)
            node = self.active_child(node.id)
        return path

    def path_to(self, msg_id: str) -> list[MessageRecord]:
        """The ancestors of ``msg_id`` (first prompt first), ending with ``msg_id`` itself."""
        path: list[MessageRecord] = []
        node: MessageRecord | None = self._nodes[msg_id]
        seen: set[str] = set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            path.append(node)
            node = self._nodes.get(node.parent_id) if node.parent_id else None
        path.reverse()
        return path

    def leaf(self) -> MessageRecord | None:
        """The last message of the active path (what a new prompt follows)."""
        path = self.active_path()
        return path[-1] if path else None

    def answers_to(self, prompt_id: str) -> list[MessageRecord]:
        """The alternative answers to prompt ``prompt_id`` (choice order)."""
        return [m for m in self.children(prompt_id) if m.role == "assistant"]

    def chosen_answer(self, prompt_id: str) -> MessageRecord | None:
        """The answer a follow-up sends back for ``prompt_id``: the active one if usable, else the first usable."""
        active = self.active_child(prompt_id)
        if active is not None and active.role == "assistant" and usable_answer(active):
            return active
        return next((a for a in self.answers_to(prompt_id) if usable_answer(a)), None)

    # -- changing ----------------------------------------------------------------------

    def add(self, message: MessageRecord) -> None:
        """Add ``message`` (or replace the stored version of it)."""
        if message.id in self._nodes:
            old = self._nodes[message.id]
            if old.parent_id != message.parent_id:
                self._children[old.parent_id].remove(message.id)
                self._children[message.parent_id].append(message.id)
        else:
            self._children[message.parent_id].append(message.id)
        self._nodes[message.id] = message

    def update(self, msg_id: str, **changes: object) -> MessageRecord:
        """Replace fields of message ``msg_id``; returns the new record."""
        message = replace(self._nodes[msg_id], **changes)  # type: ignore[arg-type]
        self._nodes[msg_id] = message
        return message

    def select(self, msg_id: str) -> None:
        """Make ``msg_id`` the active one among its siblings (its parent's other children are unmarked)."""
        parent = self._nodes[msg_id].parent_id
        for sibling_id in self._children[parent]:
            self._nodes[sibling_id] = replace(self._nodes[sibling_id], selected=sibling_id == msg_id)

    def select_path_to(self, msg_id: str) -> None:
        """Make every message from the first prompt down to ``msg_id`` active."""
        for message in self.path_to(msg_id):
            self.select(message.id)
