"""Compare (#14): two alternatives side by side, the vote at the fork, and when there is one answer."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from tui.llm.request import RequestDefaults
from tui.metrics import Timing, Usage
from tui.store import HistoryStore
from tui.trace.timeline import Sample, Timeline, encode
from tui.ui.commands import palette_entries
from tui.ui.factory import build_app
from tui.ui.screens.compare import DELETED, INSERTED, CompareScreen
from tui.ui.widgets.alternatives import AnswerGroup
from tui.ui.widgets.reasoning_log import ReasoningLog

try:
    from tests.loopback import Stream
    from tests.test_keyboard_first import run_command
    from tests.uihelpers import make_app, send_and_wait, wait_for
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream  # type: ignore
    from test_keyboard_first import run_command  # type: ignore[no-redef]
    from uihelpers import make_app, send_and_wait, wait_for  # type: ignore[no-redef]

ANSWERS = [
    ("Okay, so 17 × 23.\n\nWait, let me check.", "The answer is **391**.\n\nSo \\boxed{391}"),
    ("Hmm.\n\nBut then.\n\nActually, fine.", "I think the answer is **392**, roughly.\n\nSo \\boxed{392}"),
    ("Well.", "It is \\boxed{391}\x1b[31m"),
]


def seed_alternatives(db: Path, answers: list[tuple[str, str]] = ANSWERS, *,
                      usage_once: bool = False) -> tuple[str, list[str]]:
    """A conversation with one prompt and an alternative per (reasoning, answer); the first has a timeline.

    ``usage_once``: as an n > 1 request stores them, only the first alternative has usage.
    """
    store = HistoryStore.open(db)
    conv = store.create_conversation("mult")
    user = store.add_user_message(conv, "What is 17 × 23?")
    ids = []
    for i, (reasoning, answer) in enumerate(answers):
        msg = store.begin_answer(conv, user, model="m", deployment="dep", endpoint_host="h")
        store.update_answer(msg, answer=answer, reasoning=reasoning, state="stopped" if i == 2 else "complete",
                            finish_reason="stop", usage=None if usage_once and i else Usage(5, 40, 45, 30 + i, False),
                            timing=Timing(0.1, 1.5 + i, 2.0 + i))
        ids.append(msg)
    store.save_timeline(ids[0], encode(Timeline((Sample(0.2, 0, 0), Sample(3.0, len(answers[0][0]), 0),
                                                 Sample(7.5, len(answers[0][0]), len(answers[0][1]))))))
    store.close()
    return conv, ids


def notes(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def styled(text: Text, style: str) -> list[str]:
    return [text.plain[s.start:s.end] for s in text.spans if str(s.style) == style]


async def open_seeded(pilot, app, conv: str) -> AnswerGroup:
    await app.main_screen.history.open(conv)
    await pilot.pause()
    group = app.query_one(AnswerGroup)
    group.show(0)
    app.main_screen.set_focus(group.shown_block)
    await pilot.pause()
    return group


async def test_compare_shows_two_alternatives_side_by_side_and_keys_pick_them(tmp_path: Path) -> None:
    conv, _ = seed_alternatives(tmp_path / "h.db")
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store, defaults=RequestDefaults())
    async with app.run_test(size=(120, 40)) as pilot:
        group = await open_seeded(pilot, app, conv)
        assert group.marker_text.startswith("‹ 1/3 › answer · vote 391 ×2 · 392 ×1 ·")
        await pilot.press("equals_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert isinstance(screen, CompareScreen) and (screen.left, screen.right) == (0, 1)
        text = screen.plain_text()
        assert "Compare answers 1 and 2 of 3 · vote 391 ×2 · 392 ×1" in text
        assert "time      7.5 s (timeline)\nthought   4.5 s" in text  # the stored timeline of the first
        assert "time      3.0 s (stored timing)\nthought   2.5 s" in text  # none for the second
        assert "reasoning 38 chars · 30 tok" in text and "steps     2 · 1 pivot\n" in text
        assert "steps     3 · 3 pivots" in text and "final     392" in text
        _, left_text, right_text = screen.texts()
        assert styled(left_text, DELETED) == ["The", "**391**.", "\\boxed{391}"]
        assert styled(right_text, INSERTED) == ["I think the", "**392**, roughly.", "\\boxed{392}"]
        left, right = screen.query_one("#compare-left", Static), screen.query_one("#compare-right", Static)
        assert left.region.y == right.region.y and left.region.right <= right.region.x  # side by side

        await pilot.press("right_square_bracket")  # left: the next one the right does not show
        await pilot.pause()
        assert (screen.left, screen.right) == (2, 1)
        text = screen.plain_text()
        assert "finish    stopped" in text and "\x1b" not in text and "␛[31m" in text  # sanitised
        await pilot.press("less_than_sign")  # right: previous (skipping the left's)
        await pilot.pause()
        assert (screen.left, screen.right) == (2, 0)
        await pilot.press("s")
        await pilot.pause()
        assert (screen.left, screen.right) == (0, 2)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.main_screen)
    store.close()


async def test_at_80x24_the_columns_stay_readable_and_scroll_together(tmp_path: Path) -> None:
    long_answer = "\n\n".join(f"Paragraph {i} of the answer, with enough words to wrap." for i in range(30))
    conv, _ = seed_alternatives(tmp_path / "h.db", [("r", long_answer), ("r", long_answer + " Extra.")])
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store, defaults=RequestDefaults())
    async with app.run_test(size=(80, 24)) as pilot:
        group = await open_seeded(pilot, app, conv)
        assert group.marker_text.startswith("‹ 1/2 › answer · < >")  # no final answer in either: no vote
        await pilot.press("equals_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        left, right = screen.query_one("#compare-left"), screen.query_one("#compare-right")
        assert left.region.y == right.region.y and min(left.region.width, right.region.width) >= 38
        assert left.content_size.width >= 36  # about 36 characters of text per column
        body = screen.query_one("#compare-body")
        assert body.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0 and left.region.y == right.region.y  # one scroll area: both moved
        await pilot.press("escape")
        await pilot.resize_terminal(60, 24)
        await pilot.pause()
        await pilot.press("equals_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        left, right = screen.query_one("#compare-left"), screen.query_one("#compare-right")
        assert screen.has_class("-stacked") and right.region.y > left.region.y  # narrow: stacked
        assert right.region.width >= 56
    store.close()


async def test_one_answer_says_why_not(tmp_path: Path) -> None:
    conv, _ = seed_alternatives(tmp_path / "h.db", [("r", "Only \\boxed{1}")])
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store, defaults=RequestDefaults())
    async with app.run_test(size=(80, 24)) as pilot:
        group = await open_seeded(pilot, app, conv)
        assert group.marker_text == ""  # no fork, no vote
        await pilot.press("equals_sign")
        await pilot.pause()
        assert app.screen is app.main_screen
        assert "Compare: this prompt has one answer: ask again to get another to compare (Ctrl+G)." in notes(app)
        entry = next(e for e in palette_entries(app.main_screen) if e.name == "Compare alternatives")
        assert entry.why_not is not None and "one answer" in entry.why_not and "(=)" in entry.help
    store.close()


async def test_palette_compare_opens_the_screen(tmp_path: Path) -> None:
    conv, _ = seed_alternatives(tmp_path / "h.db")
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store, defaults=RequestDefaults())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_seeded(pilot, app, conv)
        entry = next(e for e in palette_entries(app.main_screen) if e.name == "Compare alternatives")
        assert entry.why_not is None and "(=)" in entry.help
        await run_command(pilot, app, "Compare alternatives", "compare alt")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
    store.close()


async def test_vote_updates_when_a_regeneration_finishes(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(Stream(reasoning_chunks=["r"], content_chunks=["The answer is 391."]),
                         Stream(reasoning_chunks=["r"], content_chunks=["So ", "\\boxed{392}"]),
                         Stream(reasoning_chunks=["r"], content_chunks=["No idea."]))
    app, store, client = make_app(azure_server.base_url, tmp_path / "h.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await send_and_wait(pilot, app, "17 × 23?")
        group = app.query_one(AnswerGroup)
        assert group.vote_text == ""  # one answer: no vote
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: len(group.blocks) == 2 and not app.main_screen.exchanges.running)
        await wait_for(pilot, lambda: "392" in group.marker_text)
        assert group.marker_text.startswith("‹ 2/2 › answer · vote 391 ×1 · 392 ×1 ·")
        assert "vote 391 ×1 · 392 ×1" in str(group.query_one(".alt-marker", Static).render())
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: len(group.blocks) == 3 and not app.main_screen.exchanges.running)
        await pilot.pause()
        assert group.vote_text == "391 ×1 · 392 ×1"  # nothing extracted from the third
    store.close()
    await client.aclose()


async def test_the_first_choice_of_an_n_request_does_not_claim_the_requests_tokens(tmp_path: Path) -> None:
    conv, _ = seed_alternatives(tmp_path / "h.db", [("x" * 400, "A \\boxed{1}"), ("y" * 80, "B \\boxed{2}")],
                                usage_once=True)
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store, defaults=RequestDefaults())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_seeded(pilot, app, conv)
        await pilot.press("equals_sign")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
        text = app.screen.plain_text()
        assert "reasoning 400 chars · ~100 tok" in text and "reasoning 80 chars · ~20 tok" in text
        assert "30 tok" not in text  # the request's count, stored on its first choice
    store.close()


async def test_compare_key_works_from_the_list_and_the_reasoning_pane(tmp_path: Path) -> None:
    conv, _ = seed_alternatives(tmp_path / "h.db")
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store, defaults=RequestDefaults())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_seeded(pilot, app, conv)
        screen = app.main_screen
        for target in (screen.panes.listing, screen.query_one(ReasoningLog)):
            screen.set_focus(target)
            await pilot.pause()
            await pilot.press("equals_sign")
            await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen))
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is screen)
    store.close()
