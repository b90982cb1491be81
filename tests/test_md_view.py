"""The answer pane's Markdown view (tui/ui/markdown/): streamed rows equal stored rows, live blocks, cost."""

from __future__ import annotations

import random
import re

import pytest
from textual.app import App, ComposeResult
from textual.containers import Vertical

from tui.formats.md_code import code_blocks
from tui.ui.markdown import code as code_module
from tui.ui.markdown import growing
from tui.ui.markdown.code import CONTINUATION, WINDOW
from tui.ui.markdown.growing import GROW_LIMIT
from tui.ui.markdown.render import BlockRenderer
from tui.ui.markdown.view import MarkdownView

LONG_LINE = "    result = compute(" + ", ".join(f"argument_{i}" for i in range(30)) + ")  # the end"
SECTION = (
    "## Heading {k}\n\nA paragraph with **bold**, *emphasis*, `code` and a [link](http://x).\n"
    "Still the same paragraph.\n\n"
    "1. first\n1. second\n   ```sh\n   pip install x\n\n   echo done\n   ```\n1. third\n\n"
    "- a\n  - nested\n- b\n\n"
    "```python\ndef f(x):\n    \"\"\"Doc.\"\"\"\n" + LONG_LINE + "\n    return x\n```\n\n"
    "| name | value |\n|---|---:|\n| `a` | 1 |\n| *b* | 22 |\nafter the table\n\n"
    "> quoted\n> more\n\n---\n\n$$\nx^2\n$$\n\nSetext\n===\n\n    indented code\n\n"
)
TEXTS = {
    "mixed": "".join(SECTION.format(k=k) for k in range(3)) + "The end.",
    "crlf": SECTION.format(k=1).replace("\n", "\r\n") + "\x1b[31mred\x1b[0m",
    "giant_paragraph": " ".join(f"word{i} and *more* text." for i in range(900)),
    "giant_code": "Intro.\n\n```python\n" + "".join(f"def f_{i}():\n    \"\"\"Doc {i}\n    more\n    \"\"\"\n"
                                                for i in range(300)) + "```\n\nAfter.",
    "open_code": "```js\n" + "".join(f"let v{i} = `tpl ${{{i}}}`;\n" for i in range(600)),
    "giant_list_item": "- " + " ".join(f"item text {i}." for i in range(700)) + "\n- next\n",
}


class Views(App[None]):
    """Two views of equal width: one streamed, one opened whole."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.full = text
        self.fed: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield MarkdownView(lambda: "".join(self.fed), classes="streamed")
            yield MarkdownView(lambda: self.full, classes="stored")

    @property
    def streamed(self) -> MarkdownView:
        return self.query_one(".streamed", MarkdownView)

    @property
    def stored(self) -> MarkdownView:
        return self.query_one(".stored", MarkdownView)


async def stream(app: Views, pilot, chunks: list[str], step: int = 10) -> None:
    view = app.streamed
    view.begin()
    await pilot.pause()
    for chunk in chunks:
        app.fed.append(chunk)
        view.add(chunk)
        view.flush(step)


def chunked(text: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    out, at = [], 0
    while at < len(text):
        size = rng.choice((1, 2, 3, 4, 4, 4, 7, 20, 200))
        out.append(text[at : at + size])
        at += size
    return out


@pytest.mark.parametrize("name", sorted(TEXTS))
async def test_streamed_rows_equal_stored_rows(name: str) -> None:
    text = TEXTS[name]
    app = Views(text)
    async with app.run_test(size=(70, 40)) as pilot:
        for seed in (1, 2):
            app.fed.clear()
            await stream(app, pilot, chunked(text, seed))
            app.streamed.close()
            await pilot.pause()
            assert app.streamed.rows == app.stored.rows, name
            assert app.streamed.text == app.stored.text


async def test_fences_render_live_and_never_show_raw() -> None:
    app = Views("")
    async with app.run_test(size=(60, 30)) as pilot:
        view = app.streamed
        await stream(app, pilot, ["Intro text.\n\n``", "`pyth", "on\nx = 1\n", "y = 2"])
        assert "```" not in view.text and "x = 1" in view.text and "y = 2" in view.text
        (span,) = view.code_spans()  # an open fence is a code block from its first line
        code_bg = view.rows[span[0]][-1].style.bgcolor
        assert code_bg is not None and "x = 1" in "".join(seg.text for seg in view.rows[span[0]])
        for chunk in ["\n``", "`\n\nAfter the code, *emphasis", "*.\n\n- item\n"]:
            app.fed.append(chunk)
            view.add(chunk)
            view.flush(10)
            assert "```" not in view.text and "``" not in view.text
        assert "emphasis." in view.text and "*" not in view.text  # rendered, markup gone
        assert view.settled_rows > span[1]  # the fence completed: it will not change again
        view.close()
        assert app.fed and code_blocks("".join(app.fed)) == ["x = 1\ny = 2\n"]


async def test_finishing_changes_only_the_last_block() -> None:
    text = TEXTS["mixed"] + "\n\nLast paragraph, long enough to be shown plain: " + "**bold** words " * 300
    app = Views(text)
    async with app.run_test(size=(70, 40)) as pilot:
        await stream(app, pilot, chunked(text, 3))
        before, settled = list(app.streamed.rows), app.streamed.settled_rows
        assert "**bold**" in app.streamed.text  # the long last paragraph streams as plain rows
        app.streamed.close(keep_height=True)
        after = app.streamed.rows
        assert settled > 50 and after[:settled] == before[:settled]
        assert "**" not in app.streamed.text  # ... and is rendered once it is complete


async def test_text_still_queued_at_the_end_keeps_the_reserved_rows() -> None:
    """The last text of a stream often arrives between two frames: close(keep_height=True) shows it
    without dropping the reserve (the transcript followed it; dropping it moved the text at the end)."""
    app = Views("")
    async with app.run_test(size=(70, 40)) as pilot:
        view = app.streamed
        await stream(app, pilot, ["First paragraph.\n\n", "Second one, still growing"], step=30)
        await pilot.pause()
        reserved = view.outer_size.height
        assert reserved > view.row_count  # rows kept in steps while it streams
        app.fed.append(" and its last words.")
        view.add(" and its last words.")  # queued: no frame flushed it yet
        view.close(keep_height=True)
        await pilot.pause()
        assert "last words" in view.text and view.outer_size.height == reserved


async def test_a_long_code_line_wraps_with_a_mark_and_is_never_cut() -> None:
    text = "```python\n" + LONG_LINE + "\n```\n"
    app = Views(text)
    async with app.run_test(size=(50, 20)) as pilot:
        await pilot.pause()
        rows = ["".join(seg.text for seg in row) for row in app.stored.rows]
        assert len(rows) >= 4 and all(len(row) == 50 for row in rows)
        assert all(row.startswith(CONTINUATION) for row in rows[1:])
        joined = "".join(row[1:-1] for row in rows).rstrip()
        assert joined == LONG_LINE.expandtabs(4)
        assert code_blocks(text) == [LONG_LINE + "\n"]  # what the copy-code key copies


async def test_growing_blocks_cost_the_same_per_token_at_any_length(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the limits, a frame re-makes a bounded tail, never the whole block (work is linear)."""
    lexed: list[int] = []
    rendered: list[int] = []
    wrapped: list[int] = []
    real_highlight, real_render, real_wrap = code_module.highlight, BlockRenderer.render, growing.wrap_line

    def count_highlight(lines, lexer, style_of):  # type: ignore[no-untyped-def]
        lexed.append(sum(len(line) + 1 for line in lines))
        return real_highlight(lines, lexer, style_of)

    def count_render(self, kind, source, *, number=None, final=True):  # type: ignore[no-untyped-def]
        if not final:
            rendered.append(len(source))
        return real_render(self, kind, source, number=number, final=final)

    def count_wrap(line: str, width: int) -> list[str]:
        wrapped.append(len(line))
        return real_wrap(line, width)

    monkeypatch.setattr(code_module, "highlight", count_highlight)
    monkeypatch.setattr("tui.ui.markdown.render.highlight", count_highlight)
    monkeypatch.setattr(BlockRenderer, "render", count_render)
    monkeypatch.setattr(growing, "wrap_line", count_wrap)
    app = Views("")
    async with app.run_test(size=(70, 40)) as pilot:
        view = app.streamed
        await stream(app, pilot, chunked(TEXTS["open_code"], 4))
        assert len("".join(app.fed)) > 10 * WINDOW
        assert max(lexed) < WINDOW + 250  # one window plus a chunk, whatever the block's length
        app.fed.clear()
        chunks = chunked(TEXTS["giant_paragraph"], 5)
        await stream(app, pilot, chunks)
        assert len("".join(app.fed)) > 5 * GROW_LIMIT
        assert max(rendered) <= GROW_LIMIT  # rendered whole only while short ...
        assert sum(wrapped) < len("".join(app.fed)) + 80 * len(chunks)  # ... then each character wrapped ~once
        assert view._doc is not None and view._doc._grow is not None and view._doc._grow.mode == "plain"


async def test_display_transform_applies_to_completed_prose_only() -> None:
    text = "Angle \\alpha here.\n\n```\n\\alpha in code\n```\n\nGrowing \\alpha"
    app = Views(text)

    async with app.run_test(size=(60, 20)) as pilot:
        view = MarkdownView(lambda: "".join(app.fed), transform=lambda s: s.replace("\\alpha", "α"))
        await app.query_one(Vertical).mount(view)
        view.begin()
        await pilot.pause()
        app.fed.append(text)
        view.add(text)
        view.flush(0)
        assert "Angle α here." in view.text and "\\alpha in code" in view.text
        assert "Growing \\alpha" in view.text  # not complete yet: shown as written
        view.close()
        assert "Growing α" in view.text


async def test_code_block_marker_and_search_highlight() -> None:
    app = Views(TEXTS["mixed"])
    async with app.run_test(size=(70, 40)) as pilot:
        await pilot.pause()
        view = app.stored
        spans = view.code_spans()
        assert len(spans) == len(code_blocks(TEXTS["mixed"])) == 9
        assert view.show_code(1) == spans[1]
        marked = view.render_line(spans[1][0])
        assert marked.text.startswith("┃")
        rows = view.highlight(re.compile("nested"))
        assert len(rows) == 3 and all("nested" in view.text.split("\n")[y] for y in rows)


def to_greek(text: str) -> str:
    return text.replace("\\alpha", "α")


async def test_app_wide_display_transform_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MarkdownView, "display_transform", to_greek)  # a plain function, as the app sets it
    app = Views("Angle \\alpha.\n\n    \\alpha stays in code\n")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert "Angle α." in app.stored.text and "\\alpha stays in code" in app.stored.text


async def test_width_and_theme_changes_render_again_from_the_source() -> None:
    text = TEXTS["mixed"]
    app = Views(text)
    async with app.run_test(size=(70, 40)) as pilot:
        chunks = chunked(text, 7)
        await stream(app, pilot, chunks[: len(chunks) // 2])
        await pilot.resize_terminal(50, 40)  # mid-stream: everything so far is laid out again
        await pilot.pause()
        view = app.streamed
        for chunk in chunks[len(chunks) // 2 :]:
            app.fed.append(chunk)
            view.add(chunk)
            view.flush(10)
        view.close()
        await pilot.pause()
        assert view.size.width == 50 and view.rows == app.stored.rows
        before = view.rows
        app.theme = "textual-light"
        await pilot.pause()
        assert view.rows != before and view.rows == app.stored.rows  # new colours, same text
        assert view.text == app.stored.text


async def test_mouse_selection_copies_the_text_shown() -> None:
    from textual.geometry import Offset
    from textual.selection import Selection

    app = Views("A **bold** word.\n\n- item one\n- item two\n")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        view = app.stored
        app.screen.selections = {view: Selection(Offset(2, 0), Offset(6, 2))}
        assert app.screen.get_selected_text() == "bold word.\n\n• item"
        line = list(view.render_line(0))
        plain_bg = line[0].style.bgcolor  # "A " is not selected
        assert [seg.text for seg in line][:2] == ["A ", "bold"] and line[2].text.startswith(" word.")
        assert line[1].style.bgcolor != plain_bg and line[2].style.bgcolor == line[1].style.bgcolor  # to the end


async def test_no_control_character_reaches_a_row_in_any_block_or_stage() -> None:
    evil = "\x1b]0;pwned\x07\x1b[2J\x9b31m\r"
    text = (f"# Head {evil}\n\npara {evil}\n\n- item {evil}\n\n| a {evil} | b |\n|---|---|\n| {evil} | 2 |\n\n"
            f"> quote {evil}\n\n```sh\necho {evil}\n```\n\n$$\nx {evil}\n$$\n\n    indented {evil}\n\n"
            + f"long {evil} " * 400 + "\n\n```\nopen code " + evil)
    app = Views(text)
    async with app.run_test(size=(70, 40)) as pilot:
        checked = 0
        view = app.streamed
        view.begin()
        await pilot.pause()
        for chunk in chunked(text, 9):  # every stage: rendered, plain and code growing rows, completed rows
            app.fed.append(chunk)
            view.add(chunk)
            view.flush(10)
            shown = view.text
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", shown), shown[-200:]
            checked += 1
        view.close()
        for shown in (view.text, app.stored.text):
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", shown)
            assert shown.count("␛") >= 30 and "pwned" in shown
        assert checked > 300


async def test_an_open_code_span_or_strong_shows_styled_not_as_raw_markers() -> None:
    app = Views("")
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.streamed
        await stream(app, pilot, ["Some **bol", "d text"])
        assert "*" not in view.text and "Some bold text" in view.text
        row = view.rows[0]
        assert [seg.text for seg in row if seg.style and seg.style.bold] == ["bold text"]
        for chunk in ["** and `co", "de"]:
            app.fed.append(chunk)
            view.add(chunk)
            view.flush(0)
        assert "`" not in view.text and "code" in view.text and "2 ** 3" not in view.text
        app.fed.append(" then 2 ** 3")  # not an opener: shown as written
        view.add(" then 2 ** 3")
        view.flush(0)
        assert view.text.endswith("then 2 ** 3")


async def test_math_as_unicode_through_the_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    from functools import partial

    from tui.trace.mathtext import to_unicode_math

    monkeypatch.setattr(MarkdownView, "display_transform", partial(to_unicode_math, markdown=True))
    text = "So $\\alpha_1 * \\beta$ holds.\n\n$$\n\\frac{a}{b} \\le x^2\n$$\n\n`$\\alpha$` stays.\n"
    app = Views(text)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        shown = app.stored.text
        assert "α" in shown and "β" in shown and "$" in shown.split("\n")[-1]  # code span untouched
        assert "\\frac" not in shown and "$$" not in shown and "≤" in shown

