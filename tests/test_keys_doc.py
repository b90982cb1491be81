"""README's table of [keys] ids is generated from the bindings and kept equal to them."""

from __future__ import annotations

from pathlib import Path

from tui.ui.bindings import areas, keymap_scopes
from tui.ui.keys_doc import BEGIN, END, keys_table, with_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_lists_exactly_the_bindings() -> None:
    text = README.read_text(encoding="utf-8")
    block = text[text.index(BEGIN) + len(BEGIN) : text.index(END)].strip()
    assert block == keys_table(), "run: python -m tui.ui.keys_doc README.md"


def test_every_remappable_id_is_in_the_table() -> None:
    table = keys_table()
    ids = {b.id for bindings in keymap_scopes().values() for b in bindings if b.id}
    assert ids and all(f"| `{i}` |" in table for i in ids)
    assert {"regenerate", "search", "archive_conversation", "rename_conversation", "toggle_archived",
            "search_slash", "newline_alt", "send", "newline"} <= ids


def test_regenerating_replaces_only_the_table() -> None:
    stale = f"before\n{BEGIN}\n| old |\n{END}\nafter\n"
    assert with_table(stale) == f"before\n{BEGIN}\n{keys_table()}\n{END}\nafter\n"
    assert len(areas()) >= 5
