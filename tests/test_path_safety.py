"""#15.1: ids from an imported file cannot name a path; the app's export stays in its exports folder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui.formats.filenames import export_path, safe_name
from tui.store import HistoryStore, StoreError
from tui.store.ids import new_id
from tui.ui.factory import build_app

STAMP = "2026-01-01T00:00:00.000Z"
TRAVERSAL = "../../../outside/.bashrc.d/evil"


def conversation(conv_id: str = "c1", msg_id: str = "m1", reply_to: str | None = None) -> dict:
    return {"id": conv_id, "title": "t", "created_at": STAMP, "updated_at": STAMP, "archived": False,
            "messages": [{"id": msg_id, "role": "user", "content": "x", "reasoning": None, "state": "complete",
                          "created_at": STAMP, "reply_to": reply_to}]}


@pytest.mark.parametrize("data", [
    conversation(conv_id=TRAVERSAL),
    conversation(conv_id=".."),
    conversation(conv_id="a/b"),
    conversation(conv_id="a.md"),
    conversation(conv_id="-rf"),
    conversation(conv_id="x" * 65),
    conversation(conv_id="caf\u00e9"),
    conversation(msg_id="../m"),
    conversation(reply_to="../../m"),
], ids=["traversal", "dotdot", "slash", "dot", "dash-first", "too-long", "non-ascii", "message", "reply_to"])
def test_import_refuses_ids_that_are_not_the_safe_pattern(tmp_path: Path, data: dict) -> None:
    with HistoryStore.open(tmp_path / "h.db") as store:
        with pytest.raises(StoreError, match="is not a valid id"):
            store.import_conversation(data)
        assert store.list_conversations() == []


def test_generated_and_simple_ids_still_import(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "h.db") as store:
        store.import_conversation(conversation(conv_id=new_id(), msg_id=new_id()))
        store.import_conversation(conversation(conv_id="brand-new_id-2", msg_id="m2"))
        assert len(store.list_conversations()) == 2


@pytest.mark.parametrize("raw,expected", [
    (TRAVERSAL, "outside-bashrc-d-evil"), ("..", "conversation"), ("", "conversation"),
    ("0123456789ab", "0123456789ab"), ("a" * 100, "a" * 64), ("x\x1b]0;t\x07", "x-0-t"),
])
def test_safe_name(raw: str, expected: str) -> None:
    assert safe_name(raw) == expected


def test_export_path_is_a_direct_child_of_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    for conv_id in (TRAVERSAL, "/etc/passwd", "..", "a/../../b", "\x00"):
        path = export_path(folder, conv_id, "20260101-000000")
        assert path.parent == folder and path.suffix == ".md" and not path.name.startswith(".")


async def test_app_export_of_a_tampered_id_stays_in_the_exports_folder(tmp_path: Path) -> None:
    """A stored id with ../ (a tampered file, or an import before the id rule) cannot steer the export."""
    db = tmp_path / "h.db"
    HistoryStore.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO conversations(id, title, created_at, updated_at) VALUES (?, 't', ?, ?)",
                 (TRAVERSAL, STAMP, STAMP))
    conn.execute("INSERT INTO messages(id, conversation_id, role, content, created_at, updated_at) "
                 "VALUES ('m1', ?, 'user', 'hello', ?, ?)", (TRAVERSAL, STAMP, STAMP))
    conn.commit()
    conn.close()
    store = HistoryStore.open(db)
    app = build_app(client=None, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.context.session.open(TRAVERSAL)
        path = app.main_screen.history.export()
        await pilot.pause()
    store.close()
    data = tmp_path / "data"
    exports = data / "r1-tui" / "exports"
    assert path is not None and path.parent == exports and path.read_text().startswith("# t")
    assert not (data / "outside").exists()
    assert [p.name for p in exports.iterdir()] == [path.name]
