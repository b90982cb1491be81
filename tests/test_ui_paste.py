"""Pastes into the prompt: inserted exactly once, refused beyond 400k characters with a message,
control characters (escape sequences included) shown visibly, NUL and bad UTF-8 cleaned.

The terminal side (a bracketed paste in a real terminal, escape sequences inside it) is in
tests/test_tmux_journeys.py and tests/test_compat.py.
"""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult

from tui.sanitize import ESC_SYMBOL
from tui.ui.widgets.prompt import MAX_PROMPT_CHARS, PromptInput, clean_paste, clean_prompt


class PromptApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PromptInput(id="p")


async def paste(pilot, prompt: PromptInput, text: str) -> None:  # type: ignore[no-untyped-def]
    prompt.post_message(events.Paste(text))
    await pilot.pause()


async def test_one_megabyte_paste_is_refused_with_a_message() -> None:
    app = PromptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await paste(pilot, prompt, "x" * 1_000_000)
        assert prompt.text == ""
        assert any("Paste refused" in str(n.message) for n in app._notifications)
        await pilot.press("o", "k")  # still responsive
        assert prompt.text == "ok"


async def test_paste_is_inserted_once_at_the_cursor() -> None:
    app = PromptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await pilot.press("a", "b")
        await paste(pilot, prompt, "single line paste")
        assert prompt.text == "absingle line paste"
        await paste(pilot, prompt, "\nline two\r\nline three")
        assert prompt.text == "absingle line paste\nline two\nline three"
        await pilot.press("z")
        assert prompt.text.endswith("line threez")  # the cursor ends after the paste


async def test_paste_under_the_limit_is_accepted_and_cleaned() -> None:
    app = PromptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await paste(pilot, prompt, "a\x00b \udcff \x1b[31mred\x1b[0m \x9b2J")
        assert prompt.text == f"a\u2400b \ufffd {ESC_SYMBOL}[31mred{ESC_SYMBOL}[0m {ESC_SYMBOL}[2J"
        assert "\x1b" not in prompt.text and "\x9b" not in prompt.text and "\x00" not in prompt.text


async def test_paste_up_to_the_limit_is_accepted_one_more_character_refused() -> None:
    app = PromptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await pilot.press("a", "b")
        await paste(pilot, prompt, "y" * (MAX_PROMPT_CHARS - 2))  # the prompt reaches the limit exactly
        assert len(prompt.text) == MAX_PROMPT_CHARS
        assert not any("Paste refused" in str(n.message) for n in app._notifications)
        await paste(pilot, prompt, "z")  # one character over
        assert len(prompt.text) == MAX_PROMPT_CHARS and "z" not in prompt.text
        assert any("Paste refused" in str(n.message) for n in app._notifications)


def test_clean_prompt_and_paste() -> None:
    assert clean_prompt("plain") == "plain"
    assert clean_prompt("nul\x00") == "nul\u2400"
    assert clean_prompt("bad \udcff").encode("utf-8")
    assert clean_paste("a\r\nb\rc\td") == "a\nb\nc\td"
    assert "\x1b" not in clean_paste("\x1b]52;c;SGVsbG8=\x07") and "\x07" not in clean_paste("\x07")
