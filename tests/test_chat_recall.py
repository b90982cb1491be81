"""The composer's walk through earlier prompts: back (older), forward (newer, then the draft), read
a page at a time, afresh after a reset."""

from __future__ import annotations

from tui.chat.recall import PAGE, PromptRecall


class Source:
    def __init__(self, prompts: list[str]) -> None:
        self.prompts = prompts
        self.calls: list[tuple[int, int]] = []

    def __call__(self, limit: int, offset: int) -> list[str]:
        self.calls.append((limit, offset))
        return self.prompts[offset:offset + limit]


def test_back_then_forward_returns_to_the_draft() -> None:
    source = Source(["newest", "older", "oldest"])
    recall = PromptRecall(source)
    assert recall.forward() is None and not recall.walking and recall.index == -1
    assert recall.back("my draft") == "newest" and recall.walking and recall.shown == "newest"
    assert recall.draft == "my draft" and recall.index == 0
    assert recall.back("ignored while walking") == "older" and recall.draft == "my draft"
    assert recall.back("") == "oldest"
    assert recall.back("") is None and recall.shown == "oldest" and recall.index == 2  # nothing older: stays
    assert source.calls == [(PAGE, 0)]  # one short page: the end is known, no more reads
    assert recall.forward() == "older" and recall.shown == "older"
    assert recall.forward() == "newest"
    assert recall.forward() == "my draft" and not recall.walking and recall.shown is None
    assert recall.forward() is None


def test_a_new_walk_reads_afresh_with_a_new_draft() -> None:
    source = Source(["one"])
    recall = PromptRecall(source)
    assert recall.back("first draft") == "one"
    assert recall.forward() == "first draft"
    source.prompts = ["two", "one"]
    assert recall.back("second draft") == "two" and recall.draft == "second draft"
    assert source.calls == [(PAGE, 0), (PAGE, 0)]
    recall.reset()
    assert (recall.index, recall.draft, recall.shown, recall.walking) == (-1, "", None, False)


def test_pages_are_read_as_the_walk_goes_back() -> None:
    source = Source([f"p{i}" for i in range(PAGE)])  # exactly one full page
    recall = PromptRecall(source)
    walked = [recall.back("d") for _ in range(PAGE)]
    assert walked == source.prompts and source.calls == [(PAGE, 0)]
    assert recall.back("d") is None  # a full page may have more: one more read says there is none
    assert source.calls == [(PAGE, 0), (PAGE, PAGE)]
    assert recall.back("d") is None and len(source.calls) == 2  # known now: no further reads


def test_no_earlier_prompts() -> None:
    recall = PromptRecall(Source([]))
    assert recall.back("draft") is None and not recall.walking
    assert recall.forward() is None
