"""The conversation tree and the context it sends (tui/chat/tree.py, tui/chat/context.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.chat.context import ContextPlan, estimate_tokens, fit_context, turns_along
from tui.chat.tree import ConversationTree
from tui.llm.request import Turn

try:
    from tests.helpers import message as m
except ImportError:  # tests/ itself on sys.path
    from helpers import message as m  # type: ignore[no-redef]


def branching() -> ConversationTree:
    """q1 answered twice (a1, a1b); after a1: q2 (failed answer), then an edited q2' (answered)."""
    return ConversationTree("c", "t", [
        m("q1", "user", "first question"),
        m("a1", "assistant", "first answer", "q1", reasoning="SECRET"),
        m("a1b", "assistant", "other answer", "q1", choice_index=1, created_at="2026-01-02T03:04:06.000Z"),
        m("q2", "user", "second question", "a1"),
        m("a2", "assistant", "", "q2", state="failed"),
        m("q2e", "user", "second question, edited", "a1", created_at="2026-01-02T03:04:07.000Z"),
        m("a2e", "assistant", "edited answer", "q2e"),
    ])


def test_active_path_follows_selection_newest_prompt_and_first_usable_answer() -> None:
    tree = branching()
    assert [x.id for x in tree.active_path()] == ["q1", "a1", "q2e", "a2e"]  # newest branch by default
    tree.select("q2")
    assert [x.id for x in tree.active_path()] == ["q1", "a1", "q2", "a2"]
    tree.select("a1b")
    assert [x.id for x in tree.active_path()] == ["q1", "a1b"]  # a1b has no follow-up yet
    assert [x.id for x in tree.siblings("q2")] == ["q2", "q2e"]
    assert [x.id for x in tree.answers_to("q1")] == ["a1", "a1b"]


def test_turns_never_carry_reasoning_and_skip_prompts_without_a_usable_answer() -> None:
    tree = branching()
    tree.select("q2")
    turns = turns_along(tree, tree.active_path())
    assert turns == [Turn("user", "first question"), Turn("assistant", "first answer")]  # q2 failed: dropped
    assert all(t.reasoning is None and "SECRET" not in t.content for t in turns)
    tree.select("q2e")
    assert turns_along(tree, tree.path_to("a2e"))[-2:] == [Turn("user", "second question, edited"),
                                                           Turn("assistant", "edited answer")]


def test_a_failed_active_answer_falls_back_to_the_first_usable_alternative() -> None:
    tree = ConversationTree("c", "t", [
        m("q", "user", "q"), m("bad", "assistant", "", "q", state="failed", selected=True),
        m("good", "assistant", "fine", "q", choice_index=1),
    ])
    assert turns_along(tree, tree.active_path()) == [Turn("user", "q"), Turn("assistant", "fine")]


def test_path_to_and_leaf() -> None:
    tree = branching()
    assert [x.id for x in tree.path_to("a2")] == ["q1", "a1", "q2", "a2"]
    assert tree.leaf() is not None and tree.leaf().id == "a2e"
    tree.select_path_to("a2")
    assert tree.leaf().id == "a2"


def test_fit_context_leaves_out_the_oldest_turns_never_the_prompt_or_system() -> None:
    earlier = [Turn("user", "u" * 400), Turn("assistant", "a" * 400)] * 5  # each pair ~ 208 tokens
    plan = fit_context(earlier, "now?", system="be brief", context_window=1000, max_tokens=400)
    assert plan.turns[-1] == Turn("user", "now?")
    assert plan.turns_left_out == 3 and plan.turns_sent == 2
    assert plan.estimated_tokens <= 600
    assert plan.notice == "3 earlier turns not sent: context"
    everything = fit_context(earlier, "now?", context_window=128_000)
    assert everything.turns_left_out == 0 and everything.notice is None and len(everything.turns) == 11


def test_fit_context_uses_90_percent_when_max_tokens_is_unset() -> None:
    earlier = [Turn("user", "x" * 3600), Turn("assistant", "y" * 3600)]  # ~1808 tokens
    assert fit_context(earlier, "p", context_window=2000).turns_left_out == 1
    assert fit_context(earlier, "p", context_window=2100).turns_left_out == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 3000), max_size=12), st.integers(100, 20_000), st.one_of(st.none(), st.integers(1, 99)))
def test_fit_context_keeps_a_suffix_of_whole_pairs_within_budget(sizes: list[int], window: int, share: int | None) -> None:
    earlier = [Turn("user" if i % 2 == 0 else "assistant", "w" * n) for i, n in enumerate(sizes[: len(sizes) // 2 * 2])]
    max_tokens = None if share is None else window * share // 100
    plan: ContextPlan = fit_context(earlier, "prompt", context_window=window, max_tokens=max_tokens)
    kept = list(plan.turns[:-1])
    assert kept == earlier[len(earlier) - len(kept):]  # a suffix
    assert len(kept) % 2 == 0 and plan.turns_sent * 2 == len(kept)
    assert plan.turns_sent + plan.turns_left_out == len(earlier) // 2
    budget = window - max_tokens if max_tokens else int(window * 0.9)
    if plan.turns_sent:
        assert plan.estimated_tokens <= budget
    assert plan.estimated_tokens == estimate_tokens("prompt") + sum(estimate_tokens(t.content) for t in kept)
