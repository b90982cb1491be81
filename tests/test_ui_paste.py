"""Big and odd input in the prompt: a 1 MB paste is refused with a message; NUL and bad UTF-8 are cleaned."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult

from tui.ui.widgets.prompt import MAX_PROMPT_CHARS, PromptInput, clean_prompt


class PromptApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PromptInput(id="p")


async def test_one_megabyte_paste_is_refused_with_a_message() -> None:
    app = PromptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await prompt._on_paste(events.Paste("x" * 1_000_000))
        await pilot.pause()
        assert prompt.text == ""
        assert any("Paste refused" in str(n.message) for n in app._notifications)
        await pilot.press("o", "k")  # still responsive
        assert prompt.text == "ok"


async def test_paste_under_the_limit_is_accepted_and_cleaned() -> None:
    app = PromptApp()
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.query_one(PromptInput)
        prompt.focus()
        await prompt._on_paste(events.Paste("a\x00b \udcff"))
        await pilot.pause()
        assert prompt.text == "a\u2400b \ufffd"
        assert len("y" * (MAX_PROMPT_CHARS - 10)) < MAX_PROMPT_CHARS


def test_clean_prompt() -> None:
    assert clean_prompt("plain") == "plain"
    assert clean_prompt("nul\x00") == "nul\u2400"
    assert clean_prompt("bad \udcff").encode("utf-8")
