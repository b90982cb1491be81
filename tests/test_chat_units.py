"""The engine's pure parts as units: attachments, the tree's rules and the context plan's arithmetic."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.chat.attachments import MAX_PROMPT_CHARS, AttachmentError, check_size, compose, fence_for, read_attachment
from tui.chat.context import ContextPlan, estimate_tokens, fit_context, turns_along
from tui.chat.tree import ConversationTree, usable_answer
from tui.llm.request import Turn
from tui.store.models import Attachment

try:
    from tests.helpers import message as m
except ImportError:  # tests/ itself on sys.path
    from helpers import message as m  # type: ignore[no-redef]


# --- attachments -------------------------------------------------------------------------------

def test_a_text_file_is_read_under_the_name_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notes.md").write_text("héllo\n", encoding="utf-8")
    assert read_attachment(tmp_path / "notes.md") == Attachment(str(tmp_path / "notes.md"), "héllo\n")
    monkeypatch.chdir(tmp_path)  # restored after: a later test in this worker runs from the checkout
    assert read_attachment("notes.md") == Attachment("notes.md", "héllo\n")


def test_a_home_relative_path_is_expanded_but_shown_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    assert read_attachment("~/a.txt") == Attachment("~/a.txt", "x")


def refusal(path: str | Path) -> str:
    with pytest.raises(AttachmentError) as caught:
        read_attachment(path)
    return str(caught.value)


def test_what_cannot_be_attached_says_why(tmp_path: Path) -> None:
    assert refusal(tmp_path / "missing.txt") == f"{tmp_path / 'missing.txt'}: no such file"
    assert refusal(tmp_path) == f"{tmp_path}: not a file"
    (tmp_path / "bin").write_bytes(b"ab\x00cd")
    assert refusal(tmp_path / "bin") == f"{tmp_path / 'bin'}: a binary file cannot be attached (only text files)"
    (tmp_path / "latin").write_bytes(b"caf\xe9")
    assert refusal(tmp_path / "latin") == f"{tmp_path / 'latin'}: not UTF-8 text (byte 3); only text files can be attached"


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(MAX_PROMPT_CHARS * 4 + 1)
    assert refusal(big) == (f"{big}: too large to attach ({MAX_PROMPT_CHARS * 4 + 1:,} bytes; the limit is "
                            f"{MAX_PROMPT_CHARS:,} characters with the prompt)")
    exact = tmp_path / "exact.txt"
    exact.write_bytes(b"a" * (MAX_PROMPT_CHARS * 4))
    assert len(read_attachment(exact).content) == MAX_PROMPT_CHARS * 4


def test_an_unreadable_file_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("x")

    def refuse(self: Path) -> bytes:  # as chmod 0 would for anyone but root, who runs CI here
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert refusal(locked) == f"{locked}: cannot read it: Permission denied"
    monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(OSError("disk on fire")))
    assert refusal(locked) == f"{locked}: cannot read it: disk on fire"


@pytest.mark.parametrize(("text", "fence"), [("plain", "```"), ("``two``", "```"), ("a ``` b", "````"),
                                             ("`````x```", "``````"), ("", "```")])
def test_the_fence_is_longer_than_any_backtick_run(text: str, fence: str) -> None:
    assert fence_for(text) == fence


def test_attachments_go_before_the_prompt_as_fenced_blocks() -> None:
    assert compose("question") == "question"
    files = (Attachment("a.py", "print(1)\n"), Attachment("b.md", "has ``` inside"))
    assert compose("question", files) == "a.py\n```\nprint(1)\n```\n\nb.md\n````\nhas ``` inside\n````\n\nquestion"
    assert compose("", files[:1]) == "a.py\n```\nprint(1)\n```"
    assert compose("", files) == "a.py\n```\nprint(1)\n```\n\nb.md\n````\nhas ``` inside\n````"


def test_one_limit_covers_the_prompt_and_its_attachments() -> None:
    check_size("x" * MAX_PROMPT_CHARS)
    check_size("x" * (MAX_PROMPT_CHARS - 10), (Attachment("a", "y" * 10),))
    with pytest.raises(AttachmentError) as caught:
        check_size("x" * (MAX_PROMPT_CHARS - 10), (Attachment("a", "y" * 6), Attachment("b", "z" * 5)))
    assert str(caught.value) == (f"the prompt and its attachments are {MAX_PROMPT_CHARS + 1:,} characters; the limit "
                                 f"is {MAX_PROMPT_CHARS:,} — attach less, or split the question")


# --- the tree ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "state", "content", "usable"), [
    ("assistant", "complete", "yes", True), ("assistant", "stopped", "partial", True),
    ("assistant", "interrupted", "partial", True), ("assistant", "failed", "text", False),
    ("assistant", "streaming", "half", False), ("assistant", "complete", " \n", False), ("user", "complete", "q", False),
])
def test_usable_answer(role: str, state: str, content: str, usable: bool) -> None:
    assert usable_answer(m("x", role, content, "q" if role == "assistant" else None, state=state)) is usable


def test_reading_the_tree() -> None:
    tree = ConversationTree("c", "title", [m("q", "user", "q"), m("a", "assistant", "a", "q")])
    assert (tree.conversation_id, tree.title, len(tree)) == ("c", "title", 2)
    assert "q" in tree and "zz" not in tree
    assert tree.get("a").content == "a" and [x.id for x in tree.messages()] == ["q", "a"]
    with pytest.raises(KeyError):
        tree.get("zz")
    assert tree.children("nothing") == [] and tree.active_child("a") is None
    empty = ConversationTree("c", "t")
    assert empty.active_path() == [] and empty.leaf() is None and len(empty) == 0


def test_answers_are_ordered_by_choice_then_age_prompts_by_age() -> None:
    tree = ConversationTree("c", "t", [
        m("q", "user", "q"),
        m("late1", "assistant", "x", "q", choice_index=1, created_at="2026-01-01T00:00:03.000Z"),
        m("early1", "assistant", "x", "q", choice_index=1, created_at="2026-01-01T00:00:01.000Z"),
        m("c0", "assistant", "x", "q", choice_index=0, created_at="2026-01-01T00:00:02.000Z"),
        m("p2", "user", "x", "c0", created_at="2026-01-01T00:00:09.000Z"),
        m("p1", "user", "x", "c0", created_at="2026-01-01T00:00:05.000Z"),
    ])
    assert [x.id for x in tree.children("q")] == ["c0", "early1", "late1"]
    assert [x.id for x in tree.children("c0")] == ["p2", "p1"]  # prompts: in the order they were added
    assert tree.active_child("c0").id == "p2"  # the newest prompt
    assert [x.id for x in tree.siblings("early1")] == ["c0", "early1", "late1"]


def test_the_active_answer_is_the_selected_else_the_first_usable_else_the_first() -> None:
    tree = ConversationTree("c", "t", [
        m("q", "user", "q"), m("a0", "assistant", "", "q", state="failed"),
        m("a1", "assistant", "ok", "q", choice_index=1), m("a2", "assistant", "ok", "q", choice_index=2)])
    assert tree.active_child("q").id == "a1"
    tree.select("a2")
    assert tree.active_child("q").id == "a2" and tree.get("a2").selected and not tree.get("a1").selected
    failed = ConversationTree("c", "t", [m("q", "user", "q"), m("f0", "assistant", "", "q", state="failed"),
                                         m("f1", "assistant", "", "q", state="failed", choice_index=1)])
    assert failed.active_child("q").id == "f0"
    assert failed.chosen_answer("q") is None


def test_the_chosen_answer_is_the_active_one_when_usable() -> None:
    tree = ConversationTree("c", "t", [m("q", "user", "q"), m("a0", "assistant", "zero", "q"),
                                       m("a1", "assistant", "one", "q", choice_index=1)])
    tree.select("a1")
    assert tree.chosen_answer("q").id == "a1"
    tree.update("a1", state="failed")
    assert tree.chosen_answer("q").id == "a0"
    assert tree.chosen_answer("a0") is None  # an answer has no answers
    follow = ConversationTree("c", "t", [m("q", "user", "q"), m("a", "assistant", "", "q", state="failed"),
                                         m("q2", "user", "again", "q")])
    follow.select("q2")
    assert follow.chosen_answer("q") is None


def test_a_cycle_in_a_damaged_file_does_not_hang_the_walks() -> None:
    tree = ConversationTree("c", "t", [m("q", "user", "q"), m("a", "assistant", "a", "q"),
                                       m("q2", "user", "q2", "a"), m("a2", "assistant", "a2", "q2")])
    tree.add(m("q", "user", "q", "a2"))  # q now follows its own descendant: a loop with no first prompt
    assert tree.active_path() == [] and [x.id for x in tree.path_to("a2")] == ["q", "a", "q2", "a2"]
    looped = ConversationTree("c", "t", [m("r", "user", "r"), m("x", "assistant", "x", "r")])
    looped.add(m("y", "user", "y", "x"))
    looped.add(m("x", "assistant", "x", "y"))  # x moves under y, y is under x
    assert [n.id for n in looped.active_path()] == ["r"]


def test_adding_again_replaces_and_may_move_a_message() -> None:
    tree = ConversationTree("c", "t", [m("q", "user", "q"), m("a", "assistant", "one", "q"), m("q2", "user", "2")])
    tree.add(m("a", "assistant", "two", "q"))
    assert tree.get("a").content == "two" and [x.id for x in tree.children("q")] == ["a"]
    tree.add(m("a", "assistant", "moved", "q2"))
    assert tree.children("q") == [] and [x.id for x in tree.children("q2")] == ["a"]
    assert len(tree) == 3


def test_update_and_select_path() -> None:
    tree = ConversationTree("c", "t", [m("q", "user", "q"), m("a", "assistant", "a", "q"),
                                       m("b", "assistant", "b", "q", choice_index=1)])
    updated = tree.update("b", content="B", state="stopped")
    assert updated == tree.get("b") and (updated.content, updated.state) == ("B", "stopped")
    tree.select_path_to("b")
    assert tree.get("q").selected and tree.get("b").selected and not tree.get("a").selected
    assert [x.id for x in tree.active_path()] == ["q", "b"] and tree.leaf().id == "b"


# --- the context plan ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "tokens"), [("", 4), ("a", 4), ("ab", 5), ("abcd", 5), ("abcdef", 6), ("x" * 400, 104)])
def test_estimate_tokens(text: str, tokens: int) -> None:
    assert estimate_tokens(text) == tokens


def test_the_answer_the_path_continues_from_goes_with_its_prompt() -> None:
    tree = ConversationTree("c", "t", [m("q", "user", "q"), m("a0", "assistant", "zero", "q"),
                                       m("a1", "assistant", "one", "q", choice_index=1)])
    assert turns_along(tree, tree.path_to("a1")) == [Turn("user", "q"), Turn("assistant", "one")]
    assert turns_along(tree, [tree.get("q")]) == [Turn("user", "q"), Turn("assistant", "zero")]  # chosen answer
    other = ConversationTree("c", "t", [m("q", "user", "q"), m("a", "assistant", "a", "q"), m("x", "user", "x"),
                                        m("ax", "assistant", "ax", "x")])
    assert turns_along(other, [other.get("q"), other.get("ax")]) == [Turn("user", "q"), Turn("assistant", "a")]


def test_attachments_travel_with_their_prompt() -> None:
    prompt = m("q", "user", "why?")
    from dataclasses import replace
    tree = ConversationTree("c", "t", [replace(prompt, attachments=(Attachment("f", "x\n"),)), m("a", "assistant", "a", "q")])
    assert turns_along(tree, tree.active_path())[0] == Turn("user", "f\n```\nx\n```\n\nwhy?")


def test_the_plan_counts_the_system_prompt_and_says_how_many_were_left_out() -> None:
    earlier = [Turn("user", "u" * 40), Turn("assistant", "a" * 40)] * 2  # 28 tokens a pair
    plan = fit_context(earlier, "p" * 4, system="s" * 8, context_window=100, max_tokens=60)
    assert plan == ContextPlan((*earlier[2:], Turn("user", "pppp")), 1, 1, 5 + 6 + 28)
    assert plan.notice == "1 earlier turn not sent: context"
    fits = fit_context(earlier, "p" * 4, system="s" * 8, context_window=100, max_tokens=62)  # budget 38 < 11 + 28
    assert fits.turns_left_out == 2 and fits.notice == "2 earlier turns not sent: context"
    exact = fit_context(earlier[:2], "p" * 4, context_window=100, max_tokens=67)  # 5 + 28 = 33 = budget
    assert exact.turns_left_out == 0 and exact.estimated_tokens == 33
    assert fit_context(earlier[:2], "p" * 4, context_window=100, max_tokens=68).turns_left_out == 1
    assert fit_context([], "p", system="").estimated_tokens == 4


def test_an_unpaired_last_turn_is_not_sent() -> None:
    plan = fit_context([Turn("user", "a"), Turn("assistant", "b"), Turn("user", "dangling")], "p")
    assert plan.turns == (Turn("user", "a"), Turn("assistant", "b"), Turn("user", "p")) and plan.turns_sent == 1


def test_the_default_window_and_its_ninety_percent() -> None:
    pair = [Turn("user", "u" * 460_000), Turn("assistant", "")]  # 115,004 + 4 tokens, with the prompt's 5: 115,013
    assert fit_context(pair, "p" * 4).turns_left_out == 0  # 90 % of 128,000 is 115,200
    big = [Turn("user", "u" * 460_800), Turn("assistant", "")]  # 115,204 + 4 + 5 > 115,200
    assert fit_context(big, "p" * 4).turns_left_out == 1
    assert fit_context(big, "p" * 4, context_window=0).turns_left_out == 1  # 0: unknown, the default


# --- the transcript --------------------------------------------------------------------------------

from tui.chat.transcript import ChoiceText, Transcript  # noqa: E402
from tui.llm.events import (  # noqa: E402
    AnswerDelta, Failed, Finished, Notice, ReasoningDelta, Reclassified, Retrying, Started, Usage,
)


class Clock:
    """An injected clock: each reading is the time set last."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def at(clock: Clock, when: float, transcript: Transcript, *events: object) -> None:
    clock.now = when
    for event in events:
        transcript.apply(event)  # type: ignore[arg-type]


def test_the_transcript_times_each_part_from_the_request() -> None:
    clock = Clock(100.0)
    t = Transcript(clock=clock)
    assert t.started_at == 100.0 and t.state == "streaming" and t.first_token_s is None and t.reasoning_s is None
    at(clock, 101.0, t, Started("m"), Started(None), ReasoningDelta("think", 0))
    at(clock, 102.5, t, ReasoningDelta(" more", 0))
    assert t.reasoning_s == 1.5  # still reasoning: up to now
    at(clock, 104.0, t, AnswerDelta("Hi", 0))
    at(clock, 105.0, t, AnswerDelta("!", 0), Usage(1, 8, 9, 3), Finished("stop", 0))
    clock.now = 200.0  # later readings change nothing once it ended
    assert t.model == "m" and t.choice(0).reasoning == "think more" and t.choice(0).answer == "Hi!"
    assert (t.first_token_s, t.reasoning_s, t.total_s) == (1.0, 3.0, 5.0)
    assert t.timing(0) == t.timing() and (t.timing().first_token_s, t.timing().reasoning_s, t.timing().total_s) == (1.0, 3.0, 5.0)
    assert t.tokens_per_s() == 2.0  # 8 reported tokens over 4 s since the first token
    assert t.state == "complete" == t.final_state() and t.finish_reason == "stop"
    assert (t.reasoning_chars, t.answer_chars) == (10, 3)
    timeline = t.choice_timeline(0)
    assert timeline.first_token_s == 1.0 and timeline.first_answer_s == 4.0


def test_tokens_per_second_is_estimated_without_usage_and_unknown_without_time() -> None:
    clock = Clock(0.0)
    t = Transcript(clock=clock)
    assert t.tokens_per_s() is None
    at(clock, 1.0, t, AnswerDelta("a" * 40, 0))
    assert t.tokens_per_s() is None  # no time has passed since the first token
    clock.now = 3.0
    assert t.tokens_per_s() == 5.0  # 40 characters ~ 10 tokens over 2 s
    at(clock, 3.0, t, Usage(0, 0, 0, 0))
    assert t.tokens_per_s() == 0.0


def test_each_choice_keeps_its_own_times_and_state() -> None:
    clock = Clock(10.0)
    t = Transcript(clock=clock)
    at(clock, 11.0, t, AnswerDelta("zero", 0))
    at(clock, 12.0, t, ReasoningDelta("r", 1))
    at(clock, 13.0, t, AnswerDelta("one", 1), Finished("length", 1))
    assert t.choice_first_token_s(0) == 1.0 and t.choice_first_token_s(1) == 2.0 and t.choice_first_token_s(7) is None
    assert t.choice_reasoning_s(0) is None and t.choice_reasoning_s(1) == 1.0 and t.choice_reasoning_s(5) is None
    assert t.choice_state(1) == "complete" and t.choice_state(0) == "streaming"  # no finish_reason for 0
    assert t.final_state(1) == "complete" and t.final_state(0) == "interrupted"
    t.stop()
    assert t.choice_state(0) == "stopped" and t.choice_state(1) == "complete" and t.state == "stopped"
    assert t.ended_at == 13.0  # stopping after the end keeps the end


def test_a_stream_still_open_is_streaming_and_ends_interrupted() -> None:
    clock = Clock(0.0)
    t = Transcript(clock=clock)
    at(clock, 1.0, t, ReasoningDelta("r", 0))
    assert t.choice_state(0) == "streaming" and t.final_state(0) == "interrupted" and t.final_state(3) == "interrupted"
    clock.now = 4.0
    assert t.choice_reasoning_s(0) == 3.0 and t.total_s == 4.0
    t.stop()
    assert t.ended_at == 4.0 and t.state == "stopped" and t.choice_state(0) == "stopped"


def test_failures_with_and_without_output() -> None:
    t = Transcript(clock=Clock())
    t.apply(Failed("auth", "401"))
    assert t.state == "failed" and t.choice_state(0) == "failed" and t.ended_at == 100.0
    cut = Transcript(clock=Clock())
    cut.apply(AnswerDelta("part", 0))
    cut.apply(Failed("server", "500"))
    assert cut.state == "interrupted" and cut.choice_state(0) == "interrupted"
    broken = Transcript(clock=Clock())
    broken.apply(Failed("interrupted", "cut"))
    assert broken.state == "interrupted" and broken.choice_state(0) == "interrupted"
    filtered = Transcript(clock=Clock())
    filtered.apply(AnswerDelta("x", 0))
    filtered.apply(Finished("content_filter", 0))
    assert filtered.state == "filtered" == filtered.choice_state(0)


def test_reclassified_text_replaces_what_came_and_moves_the_answer_time() -> None:
    clock = Clock(0.0)
    t = Transcript(clock=clock)
    at(clock, 2.0, t, ReasoningDelta("Hello", 0, True))
    at(clock, 3.0, t, ReasoningDelta(" there", 0, True))
    at(clock, 5.0, t, Reclassified("", "Hello there", 0), Finished("stop", 0))
    assert t.choice(0).reasoning == "" and t.choice(0).answer == "Hello there"
    assert t.first_answer_at == 2.0 and t.choice(0).first_answer_at == 2.0
    assert t.choice_reasoning_s(0) is None
    back = Transcript(clock=clock)
    at(clock, 6.0, back, AnswerDelta("so", 0))
    at(clock, 7.0, back, Reclassified("so", "", 0))
    assert back.choice(0).reasoning == "so" and back.choice(0).answer == ""
    assert back.first_answer_at == 6.0  # an answer time once set stays


def test_retries_notices_and_usage_are_kept() -> None:
    t = Transcript(clock=Clock())
    t.apply(Retrying(2, 6, 1.0, 429, "429 rate limited"))
    t.apply(Retrying(3, 6, 1.0, 429, "429 rate limited"))
    t.apply(Notice("dropped n"))
    t.apply(Usage(1, 2, 3, 0))
    assert t.retries == 2 and t.notices == ["dropped n"] and t.usage == Usage(1, 2, 3, 0)
    assert t.finish_reason is None


def test_choice_text_joins_its_parts_once() -> None:
    text = ChoiceText()
    assert text.reasoning == "" and text.answer == ""
    text.reasoning_parts += ["a", "b"]
    text.answer_parts += ["c"]
    assert text.reasoning == "ab" and text.reasoning_parts == ["ab"] and text.answer == "c"


def test_an_explicit_start_time_is_kept() -> None:
    assert Transcript(clock=Clock(50.0), started_at=20.0).total_s == 30.0


def test_a_reclassification_into_nothing_leaves_no_output() -> None:
    t = Transcript(clock=Clock())
    t.apply(ReasoningDelta("x", 0, True))
    t.apply(Reclassified("", "", 0))
    t.apply(Failed("server", "500"))
    assert t.state == "failed" and t.choice_state(0) == "failed"


def test_reasoning_taken_back_as_reasoning_sets_no_answer_time() -> None:
    clock = Clock(0.0)
    t = Transcript(clock=clock)
    at(clock, 1.0, t, ReasoningDelta("r", 0, True))
    at(clock, 2.0, t, Reclassified("r", "", 0))
    assert t.first_answer_at is None and t.choice(0).first_answer_at is None


def test_short_spans_are_measured_exactly() -> None:
    clock = Clock(0.0)
    t = Transcript(clock=clock)
    at(clock, 1.0, t, ReasoningDelta("r" * 8, 0))
    at(clock, 1.25, t, AnswerDelta("a" * 4, 0))
    clock.now = 1.5
    assert t.choice_reasoning_s(0) == 0.25 and t.reasoning_s == 0.25
    assert t.tokens_per_s() == 6.0  # 12 characters ~ 3 tokens in half a second


def test_the_default_choice_is_the_first() -> None:
    clock = Clock(0.0)
    t = Transcript(clock=clock)
    at(clock, 1.0, t, ReasoningDelta("r", 0))
    at(clock, 2.0, t, AnswerDelta("a", 0), Finished("stop", 0))
    at(clock, 3.0, t, ReasoningDelta("x", 1))
    assert t.choice() is t.choice(0) and t.choice_state() == "complete"
    assert t.choice_first_token_s() == 1.0 and t.choice_reasoning_s() == 1.0
    assert t.choice_timeline().first_answer_s == 2.0 and t.final_state() == "complete"


def test_the_path_decides_which_answer_goes_with_each_prompt() -> None:
    tree = ConversationTree("c", "t", [
        m("q1", "user", "q1"), m("a1", "assistant", "first", "q1"),
        m("a1b", "assistant", "second", "q1", choice_index=1), m("q2", "user", "q2", "a1b"),
        m("a2", "assistant", "a2", "q2")])
    assert turns_along(tree, tree.path_to("a2")) == [Turn("user", "q1"), Turn("assistant", "second"),
                                                     Turn("user", "q2"), Turn("assistant", "a2")]


def test_a_prompt_without_a_usable_answer_is_skipped_not_the_rest() -> None:
    tree = ConversationTree("c", "t", [
        m("q1", "user", "q1"), m("a1", "assistant", "", "q1", state="failed"), m("q2", "user", "q2", "a1"),
        m("a2", "assistant", "a2", "q2")])
    assert turns_along(tree, tree.path_to("a2")) == [Turn("user", "q2"), Turn("assistant", "a2")]


def test_a_prompt_larger_than_the_window_drops_every_earlier_turn() -> None:
    plan = fit_context([Turn("user", "u"), Turn("assistant", "a")], "p" * 4000, context_window=100, max_tokens=10)
    assert plan.turns == (Turn("user", "p" * 4000),) and plan.turns_left_out == 1 and plan.turns_sent == 0
