"""Units of the UI layer: reasoning block splitting, turns for follow-ups, titles, status text."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from tui.llm.request import Turn
from tui.chat.titles import title_for as make_title
from tui.ui.widgets.reasoning import HARD_LIMIT, ReasoningLog, split_tail
from tui.ui.widgets.status import StatusBar, Tokens


def _feed(chunks: list[str]) -> tuple[list[tuple[str, bool]], str]:
    tail, blocks = "", []
    for chunk in chunks:
        start = len(tail)
        tail += chunk
        new, tail = split_tail(tail, start)
        blocks.extend(new)
    return blocks, tail


def _squash(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab .\n", max_size=400), max_size=40))
def test_split_keeps_every_non_space_character(chunks: list[str]) -> None:
    blocks, tail = _feed(chunks)
    assert _squash("".join(b for b, _ in blocks) + tail) == _squash("".join(chunks))
    assert all(len(b) <= HARD_LIMIT for b, _ in blocks) and len(tail) < HARD_LIMIT + 400


def test_paragraph_breaks_cut_blocks() -> None:
    blocks, tail = _feed(["First para.\n", "\nSecond", " para.\n\nThird"])
    assert blocks == [("First para.", True), ("Second para.", True)]
    assert tail == "Third"


def test_no_blank_lines_cut_at_sentences_and_spaces() -> None:
    text = "This is a sentence. " * 2000  # 40k chars, no newline at all
    blocks, tail = _feed([text[i : i + 5] for i in range(0, len(text), 5)])
    assert len(blocks) > 20
    assert all(b.endswith(".") for b, _ in blocks)
    assert len(tail) < 1500
    nospace = "x" * 10_000
    blocks, tail = _feed([nospace[i : i + 7] for i in range(0, len(nospace), 7)])
    assert all(len(b) == HARD_LIMIT for b, _ in blocks) and len(blocks) == 3


def test_splitting_is_linear() -> None:
    def run(n: int) -> float:
        chunks = ["token "] * n
        start = time.perf_counter()
        _feed(chunks)
        return time.perf_counter() - start

    small, large = run(20_000), run(80_000)
    assert large < small * 8  # 4x the input, well under the 16x of a quadratic cost


class _LogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ReasoningLog(hz=15)


async def test_reasoning_log_20k_tokens_linear_and_flushed() -> None:
    app = _LogApp()
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.query_one(ReasoningLog)
        start = time.perf_counter()
        for i in range(20_000):
            log.append(f"tok{i} ")
            if i % 500 == 0:
                await log.flush()
        await log.flush()
        elapsed = time.perf_counter() - start
        await pilot.pause()
        assert log.block_count > 30 and len(log.tail_text) < 1500
        assert str(log.query_one(".reasoning-tail").render()).endswith("tok19999 ")
        assert elapsed < 30
        await log.set_text("short\n\nagain")
        await pilot.pause()
        assert log.block_count == 1 and log.tail_text == "again"
        assert len(log.query(".reasoning-block")) == 1


def test_make_title() -> None:
    assert make_title("  hello\n  world ") == "hello world"
    title = make_title("x" * 100)
    assert len(title) == 60 and title.endswith("\u2026")
    assert make_title("   ") == "untitled"


def test_tokens_format_marks_estimates() -> None:
    t = Tokens(10, 20, 30, 5, estimated=True, reasoning_estimated=True)
    assert t.format() == "~10 prompt · ~20 compl · ~30 total · ~5 reasoning"
    total = Tokens()
    total.add(Tokens(1, 2, 3, None))
    total.add(Tokens(1, 2, 3, 4))
    assert total.format() == "2 prompt · 4 compl · 6 total · 4 reasoning"


def test_status_retry_countdown_text() -> None:
    bar = StatusBar()
    bar.model.endpoint = "dep @ host · auth key"
    bar.model.retry_reason = "429 rate limited"
    bar.model.retry_attempt, bar.model.retry_max = 2, 6
    bar.model.retry_deadline = time.monotonic() + 3.45
    text = bar.build_text().plain
    assert "429 rate limited · retry 2/6 in 3.4 s" in text or "in 3.5 s" in text
