"""Session: the open conversation, the endpoint client and the history, driven as one.

The app and ``r1-tui ask`` both drive a session: :meth:`send`, :meth:`regenerate` and
:meth:`edit` change the conversation tree (and queue the matching writes), plan the
request's context, and return an :class:`Exchange` to run. When an exchange ends, its answers
join the tree with their final text, so the session is the one place to ask for a message's
text (:meth:`text_of`), live or stored. Nothing here imports Textual.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from tui.chat.attachments import check_size, compose
from tui.chat.context import DEFAULT_CONTEXT_WINDOW, estimate_tokens, fit_context, turns_along
from tui.chat.exchange import Exchange
from tui.chat.records import answer_record, prompt_record
from tui.chat.recorder import Recorder
from tui.chat.titles import title_for
from tui.chat.tree import ConversationTree
from tui.llm.request import RequestDefaults, Turn
from tui.store.ids import new_id
from tui.metrics import Prices
from tui.store.models import Attachment, MessageRecord

if TYPE_CHECKING:
    from tui.llm.client import ChatClient
    from tui.store.background import BackgroundWriter
    from tui.store.repo import HistoryStore


def _store_copy(store: HistoryStore, *, message: MessageRecord) -> None:
    """Store a copied message (a fork) with its final text and figures."""
    if message.role == "user":
        store.add_user_message(message.conversation_id, message.content, parent_id=message.parent_id,
                               msg_id=message.id, attachments=message.attachments)
        return
    assert message.reply_to is not None
    store.begin_answer(message.conversation_id, message.reply_to, model=message.model, deployment=message.deployment,
                       endpoint_host=message.endpoint_host, choice_index=message.choice_index, msg_id=message.id)
    store.update_answer(message.id, answer=message.content, reasoning=message.reasoning or "",
                        state=message.state if message.state != "streaming" else "interrupted",
                        finish_reason=message.finish_reason, usage=message.usage, timing=message.timing,
                        cost=message.cost)


class SessionError(Exception):
    """The session cannot do that now; the message says why."""


class Session:
    """One open conversation (or none yet) and the means to continue it."""

    def __init__(self, *, client: ChatClient | None, defaults: RequestDefaults | None = None,
                 store: HistoryStore | None = None, writer: BackgroundWriter | None = None,
                 context_window: int | None = None, prices: Prices | None = None) -> None:
        self.client = client
        self.defaults = defaults or RequestDefaults()
        self.store = store  # reads (opening conversations)
        self.writer = writer  # every write; None: nothing is saved
        self.context_window = context_window or DEFAULT_CONTEXT_WINDOW
        self.prices = prices  # the profile's price table: answers get a cost when it is set
        self.tree: ConversationTree | None = None
        self.damage: list[str] = []  # wrong-typed values of the open conversation's rows (a tampered file)
        self.exchange: Exchange | None = None  # the running (or last) exchange

    # -- state -------------------------------------------------------------------------

    @property
    def conversation_id(self) -> str | None:
        """The open conversation's id (None before the first prompt of a new one)."""
        return self.tree.conversation_id if self.tree is not None else None

    @property
    def title(self) -> str:
        """The open conversation's title ("" before the first prompt of a new one)."""
        return self.tree.title if self.tree is not None else ""

    @property
    def busy(self) -> bool:
        """True while an exchange streams."""
        return self.exchange is not None and not self.exchange.ended

    def text_of(self, msg_id: str) -> tuple[str, str]:
        """``(reasoning, answer)`` of message ``msg_id``: live from the streaming exchange, else stored."""
        exchange = self.exchange
        if exchange is not None and not exchange.ended:
            for choice, live_id in exchange.message_ids.items():
                if live_id == msg_id:
                    text = exchange.transcript.choice(choice)
                    return text.reasoning, text.answer
        if self.tree is not None and msg_id in self.tree:
            message = self.tree.get(msg_id)
            return message.reasoning or "", message.content
        return "", ""

    def recent_prompts(self, limit: int = 100, offset: int = 0) -> list[str]:
        """Earlier prompts of every conversation, newest first, each text once (for recall)."""
        return self.store.recent_prompts(limit, offset) if self.store is not None else []

    def matching_prompts(self, query: str, limit: int = 20) -> list[str]:
        """Earlier prompts holding the words of ``query`` (the last one as a prefix), newest first."""
        return self.store.matching_prompts(query, limit) if self.store is not None else []

    # -- opening -----------------------------------------------------------------------

    def open(self, conv_id: str) -> ConversationTree:
        """Open stored conversation ``conv_id`` (a unique id prefix is enough)."""
        self._require_idle("open another conversation")
        if self.store is None:
            raise SessionError("no history to open conversations from")
        conversation = self.store.get_conversation(self.store.resolve_id(conv_id))
        if conversation is None:
            raise SessionError(f"no conversation with id {conv_id!r}")
        self.tree = ConversationTree(conversation.id, conversation.title, conversation.messages)
        self.damage = conversation.damage
        return self.tree

    def open_latest(self) -> ConversationTree:
        """Open the most recently updated conversation."""
        if self.store is None:
            raise SessionError("no history to open conversations from")
        latest = self.store.list_conversations(limit=1)  # pragma: no mutate (the first is taken: any limit)
        if not latest:
            raise SessionError("there is no conversation to continue yet")
        return self.open(latest[0].id)

    def start_new(self) -> None:
        """Forget the open conversation; the next prompt starts a new one."""
        self._require_idle("start a new conversation")
        self.tree = None

    # -- asking ------------------------------------------------------------------------

    def next_context_tokens(self) -> int:
        """How full the next request's context is, estimated: the last answer's ``prompt_tokens``
        (what the server counted) plus an estimate of what the path added since."""
        if self.tree is None:
            return estimate_tokens(self.defaults.system) if self.defaults.system else 0
        path = self.tree.active_path()
        for i in range(len(path) - 1, -1, -1):
            counted = path[i].usage.prompt_tokens  # only answers carry usage
            if counted is not None:
                added = path[i:]
                return counted + sum(estimate_tokens(compose(m.content, m.attachments)) for m in added)
        earlier = turns_along(self.tree, path)
        system = estimate_tokens(self.defaults.system) if self.defaults.system else 0
        return system + sum(estimate_tokens(t.content) for t in earlier)

    def send(self, text: str, attachments: tuple[Attachment, ...] = ()) -> Exchange:
        """Add prompt ``text`` (and its attachments) after the end of the active path; returns the exchange."""
        client = self._require_client("send a prompt")
        check_size(text, attachments)
        tree = self.tree
        if tree is None:
            named = text if text.strip() or not attachments else ", ".join(a.name for a in attachments)
            tree = self.tree = ConversationTree(new_id(), title_for(named))
            if self.writer is not None:
                self.writer.create_conversation(tree.conversation_id, tree.title)
        leaf = tree.leaf()
        prompt = prompt_record(tree.conversation_id, text, parent_id=leaf.id if leaf else None, attachments=attachments)
        self._add_prompt(tree, prompt)
        earlier = turns_along(tree, tree.path_to(leaf.id)) if leaf is not None else []
        return self._exchange(client, tree, prompt, earlier, regenerate=False)

    def regenerate(self, prompt_id: str) -> Exchange:
        """Ask prompt ``prompt_id`` again with the context it had; the new answer is selected."""
        client = self._require_client("ask again")
        tree = self._require_tree()
        prompt = tree.get(prompt_id)
        if prompt.role != "user":
            raise SessionError("only a prompt can be asked again")
        earlier = turns_along(tree, tree.path_to(prompt.parent_id)) if prompt.parent_id else []
        return self._exchange(client, tree, prompt, earlier, regenerate=True)

    def edit(self, prompt_id: str, text: str, attachments: tuple[Attachment, ...] | None = None) -> Exchange:
        """Send ``text`` as a new branch beside prompt ``prompt_id`` (same context); it becomes active.

        The original's attachments go with it unless ``attachments`` replaces them.
        """
        client = self._require_client("send an edited prompt")
        tree = self._require_tree()
        original = tree.get(prompt_id)
        if original.role != "user":
            raise SessionError("only a prompt can be edited")
        files = original.attachments if attachments is None else attachments
        check_size(text, files)
        prompt = prompt_record(tree.conversation_id, text, parent_id=original.parent_id, attachments=files)
        self._add_prompt(tree, prompt)
        self.select(prompt.id)
        earlier = turns_along(tree, tree.path_to(original.parent_id)) if original.parent_id else []
        return self._exchange(client, tree, prompt, earlier, regenerate=False)

    def select(self, msg_id: str) -> None:
        """Put ``msg_id`` on the active path (an alternative answer, or a branch)."""
        tree = self._require_tree()
        tree.select(msg_id)
        if self.writer is not None:
            self.writer.submit(lambda store: store.select(msg_id))

    def branch_position(self, msg_id: str) -> tuple[int, int]:
        """``(n, of)``: ``msg_id`` is the n-th (from 1) of ``of`` siblings — a fork shows ``‹ n/of ›``."""
        siblings = self._require_tree().siblings(msg_id)
        return next(i for i, m in enumerate(siblings, 1) if m.id == msg_id), len(siblings)

    def fork(self) -> ConversationTree:
        """Copy the active path into a new conversation (new ids, same text) and open it."""
        self._require_idle("fork the conversation")
        tree = self._require_tree()
        forked = ConversationTree(new_id(), f"{tree.title} (fork)")
        if self.writer is not None:
            self.writer.create_conversation(forked.conversation_id, forked.title)
        ids: dict[str | None, str] = {}  # old id -> new id (None, no parent, is never a key)
        for message in tree.active_path():
            copy = replace(message, id=new_id(), conversation_id=forked.conversation_id, selected=False,
                           parent_id=ids.get(message.parent_id), reply_to=ids.get(message.reply_to))
            ids[message.id] = copy.id
            forked.add(copy)
            if self.writer is not None:
                self.writer.submit(partial(_store_copy, message=copy))
        self.tree = forked
        return forked

    # -- internals ---------------------------------------------------------------------

    def _add_prompt(self, tree: ConversationTree, prompt: MessageRecord) -> None:
        tree.add(prompt)
        if self.writer is not None:
            self.writer.add_prompt(tree.conversation_id, prompt.id, prompt.content, prompt.parent_id,
                                   prompt.attachments)

    def _exchange(self, client: ChatClient, tree: ConversationTree, prompt: MessageRecord,
                  earlier: list[Turn], *, regenerate: bool) -> Exchange:
        self._require_idle("ask")
        defaults = self.defaults
        prompt_id = prompt.id
        plan = fit_context(earlier, compose(prompt.content, prompt.attachments), system=defaults.system,
                           context_window=self.context_window, max_tokens=defaults.max_tokens)
        base = max((a.choice_index for a in tree.answers_to(prompt_id)), default=-1) + 1
        recorder = None
        if self.writer is not None:
            recorder = Recorder(self.writer, tree.conversation_id, prompt_id, client.endpoint, choice_base=base,
                                prices=self.prices)

        def fold(exchange: Exchange) -> None:
            self._fold(tree, exchange, select_first=regenerate)

        exchange = Exchange(client, defaults.request(plan.turns), prompt_id=prompt_id, recorder=recorder,
                            choice_base=base, plan=plan, on_end=fold)
        self.exchange = exchange
        return exchange

    def _fold(self, tree: ConversationTree, exchange: Exchange, *, select_first: bool) -> None:
        """The exchange ended: its answers join the tree with their final text and state."""
        transcript = exchange.transcript
        first = min(exchange.message_ids, default=0)  # pragma: no mutate (no answers: nothing below uses it)
        cost = self.prices.cost(transcript.usage) if self.prices is not None else None
        for choice, msg_id in sorted(exchange.message_ids.items()):
            tree.add(answer_record(tree.conversation_id, msg_id, exchange.prompt_id, transcript, choice,
                                   choice_index=exchange.choice_base + choice,
                                   deployment=exchange.client.endpoint.deployment,
                                   endpoint_host=exchange.client.endpoint.label, with_usage=choice == first,
                                   cost=cost if choice == first else None))
        if select_first and exchange.message_ids:
            self.select(exchange.message_ids[first])

    def _require_client(self, what: str) -> ChatClient:
        if self.client is None:
            raise SessionError(f"cannot {what}: no endpoint (read-only history)")
        return self.client

    def _require_tree(self) -> ConversationTree:
        if self.tree is None:
            raise SessionError("no conversation is open")
        return self.tree

    def _require_idle(self, what: str) -> None:
        if self.busy:
            raise SessionError(f"an answer is streaming: stop it before you {what}")
