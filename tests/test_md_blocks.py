"""The streaming Markdown block splitter (tui/formats/md_blocks.py): chunking never changes the blocks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.formats.md_blocks import (
    CODE, FENCE, HEADING, LIST, MATH, PARAGRAPH, QUOTE, RULE, TABLE, BlockSplitter, split_blocks)
from tui.formats.md_code import code_blocks, fence_parts

# Lines that exercise every rule of the splitter (and CR LF, tabs, lazy text, nesting).
LINES = ["", " ", "text", "more text", "```", "```python", "~~~", "````", "  ```", "# Heading", "## Two",
         "#nope", "- item", "* star", "+ plus", "1. one", "2) two", "10. ten", "  - nested", "   code in item",
         "    indented", "\tTabbed", "| a | b |", "|---|---|", "| 1 | 2 |", "a | b", "---", "***", "===",
         "> quote", ">", "$$", "\\[", "\\]", "x = 1\r", "-", "1.", "  ```sh", "   ```", "<div>"]


def feed_chunks(text: str, cuts: list[int]) -> list:
    splitter = BlockSplitter()
    blocks = []
    at = 0
    for cut in sorted(set(cuts)):
        blocks += splitter.feed(text[at:cut])
        at = cut
    blocks += splitter.feed(text[at:])
    return blocks + splitter.close()


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=30), st.booleans(), st.data())
def test_any_chunking_gives_the_blocks_of_the_whole_text(lines: list[str], final_newline: bool, data) -> None:
    text = "\n".join(lines) + ("\n" if final_newline else "")
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=12))
    whole = split_blocks(text)
    assert feed_chunks(text, cuts) == whole
    assert feed_chunks(text, list(range(len(text)))) == whole  # one character at a time
    previous_end = 0
    for block in whole:  # in order, exact slices, and nothing but blank lines between them
        assert block.start >= previous_end
        assert text[block.start : block.end] == block.text
        assert not text[previous_end : block.start].strip()
        previous_end = block.end
    assert not text[previous_end:].strip()


def test_blocks_complete_as_soon_as_the_next_line_decides() -> None:
    splitter = BlockSplitter()
    assert splitter.feed("# Title\n") [0].kind == HEADING
    assert splitter.feed("Some *text*\nstill the paragraph\n") == []
    assert splitter.open_block is not None and splitter.open_block.kind == PARAGRAPH
    (para,) = splitter.feed("\n")
    assert para.text == "Some *text*\nstill the paragraph\n"
    assert splitter.feed("```python\nprint(1)\n\nprint(2)\n") == []
    opened = splitter.open_block
    assert opened is not None and opened.kind == FENCE and opened.fence_info == "python"
    assert splitter.text_from(opened.content_start) == "print(1)\n\nprint(2)\n"
    (fence,) = splitter.feed("```\n")
    assert fence.kind == FENCE and fence.text.endswith("```\n")
    assert splitter.feed("- a\n- b\n") == [splitter_block(LIST, "- a\n")]
    assert splitter.feed("\n| x | y |\n|---|---|\n| 1 | 2 |\n") == [splitter_block(LIST, "- b\n")]
    (table,) = splitter.feed("after\n")
    assert table.kind == TABLE and table.text.count("\n") == 3
    (after,) = splitter.close()
    assert after.kind == PARAGRAPH and after.text == "after\n" and not after.blank_before


def splitter_block(kind: str, text: str):
    """A matcher comparing kind and text only."""

    class Match:
        def __eq__(self, other: object) -> bool:
            return getattr(other, "kind", None) == kind and getattr(other, "text", None) == text

        def __repr__(self) -> str:
            return f"<{kind} {text!r}>"

    return Match()


def test_kinds_and_list_items() -> None:
    text = ("Intro line\n1. first\n   continued\n\n   second para of the item\n2. second\n   - nested\n\n"
            "> quoted\nlazy\n\n---\n\n$$\nx^2\n\n$$\nSetext\n===\n    code\n")
    kinds = [(b.kind, b.blank_before) for b in split_blocks(text)]
    assert kinds == [(PARAGRAPH, False), (LIST, False), (LIST, False), (QUOTE, True), (RULE, True),
                     (MATH, True), (HEADING, False), (CODE, False)]
    items = [b.text for b in split_blocks(text) if b.kind == LIST]
    assert items[0] == "1. first\n   continued\n\n   second para of the item\n"


def test_a_fence_inside_a_list_item_keeps_blank_lines() -> None:
    text = "- step:\n  ```sh\n  a\n\n  b\n  ```\n- next\n"
    assert [b.text for b in split_blocks(text)] == ["- step:\n  ```sh\n  a\n\n  b\n  ```\n", "- next\n"]


def test_an_open_fence_is_a_fence_from_its_first_line() -> None:
    splitter = BlockSplitter()
    splitter.feed("Text\n\n```py")
    opened = splitter.open_block
    assert opened is not None and opened.kind == FENCE and opened.content_start == -1
    splitter.feed("thon\n")
    opened = splitter.open_block
    assert opened is not None and opened.fence_info == "python" and opened.content_start == splitter.total


def test_memory_is_the_open_block_only() -> None:
    splitter = BlockSplitter()
    for i in range(2000):
        splitter.feed(f"Paragraph {i} with some words.\n\n")
    assert len("".join(splitter._chunks)) < 100


def test_code_blocks_are_the_original_lines_in_screen_order() -> None:
    text = ("```python\ndef f():\n\treturn 1  # a very long line " + "x" * 200 + "\n```\n\n"
            "1. item\n   ```sh\n   pip install x\n   ```\n\n    indented\n\n~~~\nunclosed")
    assert code_blocks(text) == ["def f():\n\treturn 1  # a very long line " + "x" * 200 + "\n",
                                 "pip install x\n", "unclosed\n"]
    assert fence_parts("  ```js\n  a\n b\n  ```\n") == ("js", ["a", "b"], True)
