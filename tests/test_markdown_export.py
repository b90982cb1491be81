"""The Markdown export nests: its own headings above any the model writes; alternatives marked."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from tui.formats.markdown import demote_headings, to_markdown
from tui.store import HistoryStore

ANSWER = "# Result\n\nIt is **391**.\n\nDetails\n=======\n\n```python\n# a comment, not a heading\nprint(17 * 23)\n```\n"


def headings(markdown: str) -> list[tuple[int, str]]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [(int(t.tag[1]), tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]


def conversation(tmp_path: Path, *, alternatives: int = 1, select: int | None = None) -> dict:
    with HistoryStore.open(tmp_path / "h.db") as store:
        cid = store.create_conversation("Multiply")
        uid = store.add_user_message(cid, "# What is 17 * 23?")
        ids = []
        for i in range(alternatives):
            msg = store.begin_answer(cid, uid, model="DeepSeek-R1", deployment="r1", endpoint_host="h", choice_index=i)
            store.append_to_answer(msg, reasoning="## Plan\nmultiply", answer=ANSWER if i == 0 else f"## Take {i + 1}\n391")
            store.update_answer(msg, state="complete", finish_reason="stop")
            ids.append(msg)
        if select is not None:
            store.select_alternative(ids[select])
        return store.export_conversation(cid)


def test_the_exports_headings_sit_above_the_models(tmp_path: Path) -> None:
    text = to_markdown(conversation(tmp_path))
    found = headings(text)
    assert found[0] == (1, "Multiply") and [h for h in found if h[0] == 1] == [(1, "Multiply")]
    export_own = [h for h in found if h[0] == 2]
    assert [h[1].split(" · ")[0] for h in export_own] == ["You", "Answer"]
    from_content = [h for h in found if h[0] > 2]
    assert [h[1] for h in from_content] == ["What is 17 * 23?", "Plan", "Result", "Details"]
    assert all(level >= 3 for level, _ in from_content)
    assert "# a comment, not a heading\nprint(17 * 23)" in text  # code is left alone


def test_every_alternative_and_the_selected_one_are_marked(tmp_path: Path) -> None:
    text = to_markdown(conversation(tmp_path, alternatives=3, select=1))
    answers = [h[1] for h in headings(text) if h[0] == 2 and h[1].startswith("Answer")]
    assert [a.split(" · DeepSeek-R1")[0] for a in answers] == ["Answer 1 of 3", "Answer 2 of 3 · ✓ selected",
                                                               "Answer 3 of 3"]


def test_without_a_pick_the_first_usable_answer_is_the_selected_one(tmp_path: Path) -> None:
    text = to_markdown(conversation(tmp_path, alternatives=2))
    assert "## Answer 1 of 2 · ✓ selected · " in text and "## Answer 2 of 2 · DeepSeek-R1" in text


def test_demote_handles_quotes_lists_and_the_deepest_level() -> None:
    assert demote_headings("> ## quoted\n- # listed\n##### five\n#tag") == "> #### quoted\n- ### listed\n###### five\n#tag"
