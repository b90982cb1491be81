"""F1 help: every key is listed, remapped keys show as remapped, and it scrolls at 80x24."""

from __future__ import annotations

from pathlib import Path

from tui.store import HistoryStore
from tui.ui.app import R1App
from tui.ui.screens.help import HelpScreen, app_help_rows, binding_rows

try:
    from tests.uihelpers import wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import wait_for  # type: ignore[no-redef]


def rows_by_desc(rows: list[tuple[str, str, str]]) -> dict[tuple[str, str], str]:
    return {(where, desc): keys for where, keys, desc in rows}


def test_every_key_is_listed() -> None:
    rows = rows_by_desc(app_help_rows(R1App.BINDINGS))
    expected = {
        ("Global", "Search"): "ctrl+f",
        ("Global", "Search (outside the prompt)"): "/",
        ("Global", "Commands"): "ctrl+p",
        ("Global", "Copy answer"): "f5, y",
        ("Global", "Copy reasoning"): "f6, Y",
        ("Global", "Next code block"): "f7, c",
        ("Global", "Copy code block"): "f8, C",
        ("Conversation list", "Rename"): "r",
        ("Conversation list", "Archive / unarchive"): "a",
        ("Conversation list", "Show archived / active"): "A",
        ("Conversation list", "Delete"): "d, delete",
        ("Focused answer", "Ask again"): "r",
        ("Focused answer", "Prev alternative"): "<, alt+left",
        ("Focused answer", "Next alternative"): ">, alt+right",
        ("Search dialog", "Close"): "escape",
    }
    for key, keys in expected.items():
        assert rows.get(key) == keys, (key, rows.get(key))


def test_keymap_replaces_keys_by_id() -> None:
    rows = rows_by_desc(binding_rows([("Global", R1App.BINDINGS)], {"search": "ctrl+o,question_mark"}))
    assert rows[("Global", "Search")] == "ctrl+o, ?"


async def test_help_shows_remapped_keys_and_scrolls_at_80x24(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.db")
    app = R1App(client=None, store=store, keymap={"copy_answer": "f12", "rename_conversation": "n"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = str(app.screen.query_one("Static").render())
        assert "f12" in text and "f5, y" not in text
        rename = next(line for line in text.splitlines() if "Rename" in line)
        assert rename.split() == ["n", "Rename"]
        dialog = app.screen.query_one("#help-dialog")
        assert dialog.has_focus and dialog.max_scroll_y > 0  # more keys than lines: it scrolls
        await pilot.press("end")
        await pilot.pause()
        assert dialog.scroll_y == dialog.max_scroll_y
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
    store.close()
