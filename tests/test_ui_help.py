"""F1 help: every key is listed, remapped keys show as remapped, and it scrolls at 80x24."""

from __future__ import annotations

from pathlib import Path

from tui.store import HistoryStore
from tui.ui.factory import build_app
from tui.ui.bindings import areas
from tui.ui.keymap import Keymap
from tui.ui.screens.help import HelpScreen, help_rows, help_text

try:
    from tests.uihelpers import wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import wait_for  # type: ignore[no-redef]


def rows_by_desc(rows) -> dict[tuple[str, str], str]:  # type: ignore[no-untyped-def]
    return {(row.where, row.description): row.keys for row in rows}


def test_every_key_is_listed() -> None:
    rows = rows_by_desc(help_rows(areas()))
    expected = {
        ("Global", "Search"): "ctrl+f",
        ("Global", "Search (outside the prompt)"): "/",
        ("Global", "Command palette: every action by name"): "ctrl+p",
        ("Global", "Copy answer"): "f5, y",
        ("Global", "Copy reasoning"): "f6, Y",
        ("Global", "Next code block"): "f7, c",
        ("Global", "Copy code block"): "f8, C",
        ("Conversation list", "Rename"): "r",
        ("Conversation list", "Archive / unarchive"): "a",
        ("Conversation list", "Show archived / active"): "A",
        ("Conversation list", "Delete (asks first)"): "d, delete",
        ("Focused answer", "Ask again"): "r",
        ("Focused answer", "Prev alternative"): "<, alt+left",
        ("Focused answer", "Next alternative"): ">, alt+right",
        ("Search dialog", "Close"): "escape",
    }
    for key, keys in expected.items():
        assert rows.get(key) == keys, (key, rows.get(key))


def test_keymap_replaces_keys_by_id() -> None:
    rows = rows_by_desc(help_rows([areas()[0]], Keymap({"search": "ctrl+o,question_mark"})))
    assert rows[("Global", "Search")] == "ctrl+o, ?"


def test_every_row_shows_its_id() -> None:
    rows = help_rows(areas())
    ids = {row.binding_id for row in rows if row.binding_id}
    assert {"send", "newline", "newline_alt", "regenerate", "search", "search_slash", "archive_conversation",
            "rename_conversation", "toggle_archived", "undo_archive", "copy_reasoning"} <= ids
    text = help_text(rows, {}).plain
    assert next(line for line in text.splitlines() if "Copy reasoning" in line).split()[-1] == "copy_reasoning"


async def test_help_shows_remapped_keys_and_scrolls_at_80x24(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    app = build_app(client=None, store=store, keymap={"copy_answer": "f12", "rename_conversation": "o"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.plain_text()
        assert "f12" in text and "f5, y" not in text
        rename = next(line for line in text.splitlines() if "Rename" in line)
        assert rename.split() == ["o", "Rename", "rename_conversation"]
        assert "Single-character keys" in text  # says where the letter keys work
        dialog = app.screen.query_one("#help-dialog")
        assert dialog.has_focus and dialog.max_scroll_y > 0  # more keys than lines: it scrolls
        await pilot.press("end")
        await pilot.pause()
        assert dialog.scroll_y == dialog.max_scroll_y
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
    store.close()
