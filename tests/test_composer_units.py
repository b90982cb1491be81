"""The composer's parts without a terminal: the editor command, the editor round trip."""

from __future__ import annotations

import os
from contextlib import nullcontext
from pathlib import Path

import pytest

from tui.ui.editor import FALLBACK_EDITOR, EditorError, edit_text, editor_command


def test_editor_command_prefers_visual_then_editor_then_vi() -> None:
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "nano"}) == ["code", "--wait"]
    assert editor_command({"VISUAL": " ", "EDITOR": "nano -R"}) == ["nano", "-R"]
    assert editor_command({}) == [FALLBACK_EDITOR] == ["vi"]
    assert editor_command({"EDITOR": "'unbalanced"}) == ["'unbalanced"]


def _script(tmp_path: Path, body: str) -> str:
    script = tmp_path / "ed.sh"
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def test_edit_text_round_trip_drops_the_editors_final_newline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path / "t"))
    (tmp_path / "t").mkdir()
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    editor = _script(tmp_path, 'stat -c %a "$1" > "$1.mode"; mv "$1.mode" ' + str(tmp_path / "mode")
                     + '; printf "b\\n" >> "$1"\n')
    assert edit_text("a\n", nullcontext, {"EDITOR": editor}) == "a\nb\n"
    assert edit_text("a", nullcontext, {"EDITOR": editor}) == "ab"
    assert (tmp_path / "mode").read_text().strip() == "600"
    assert os.listdir(tmp_path / "t") == []
    with pytest.raises(EditorError, match="status 4"):
        edit_text("x", nullcontext, {"EDITOR": _script(tmp_path, "exit 4\n")})
    with pytest.raises(EditorError, match="cannot run"):
        edit_text("x", nullcontext, {"EDITOR": str(tmp_path / "missing")})
    assert os.listdir(tmp_path / "t") == []


def test_complete_path_extends_as_far_as_the_matches_agree(tmp_path: Path) -> None:
    from tui.ui.path_completion import complete_path

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("")
    (tmp_path / "src" / "make.txt").write_text("")
    (tmp_path / ".hidden").write_text("")
    assert complete_path("s", tmp_path) == ("src/", ["src/"])
    assert complete_path("src/m", tmp_path) == ("src/ma", ["main.py", "make.txt"])
    assert complete_path("src/mai", tmp_path) == ("src/main.py", ["main.py"])
    assert complete_path("", tmp_path) == ("src/", ["src/"])  # hidden names only for a leading dot
    assert complete_path(".h", tmp_path) == (".hidden", [".hidden"])
    assert complete_path("nope", tmp_path) == ("nope", [])
    assert complete_path("missing/dir/x", tmp_path) == ("missing/dir/x", [])
    assert complete_path("~", tmp_path) == ("~/", [])
    assert complete_path(str(tmp_path / "src" / "ma")) == (str(tmp_path / "src" / "ma"), ["main.py", "make.txt"])


def test_the_engine_recalls_prompts_of_every_conversation(tmp_path: Path) -> None:
    from tui.chat.session import Session
    from tui.store import HistoryStore

    assert Session(client=None).recent_prompts() == [] and Session(client=None).matching_prompts("x") == []
    store = HistoryStore.open(tmp_path / "h.db")
    for title, prompt in (("a", "alpha one"), ("b", "beta two"), ("c", "alpha one")):
        store.add_user_message(store.create_conversation(title), prompt)
    session = Session(client=None, store=store)
    assert session.recent_prompts() == ["alpha one", "beta two"]
    assert session.recent_prompts(1, 1) == ["beta two"]
    assert session.matching_prompts("alp") == ["alpha one"]
    store.close()
