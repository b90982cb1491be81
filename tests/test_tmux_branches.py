"""Edit and branch at a real 80x24 terminal (tmux, the installed ``r1-tui``, the loopback server).

A person asks two questions, steps up to the first answer, edits its prompt (``e``), cancels
(Esc gives the composer back), edits again and sends: the new branch replaces the old turns on
screen under a ``‹ 2/2 ›`` marker; ``(`` flips back to the first branch, and the history keeps
the branch shown as the active path. Each step waits for what the screen shows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui.chat.tree import ConversationTree

try:
    from tests.loopback import Stream
    from tests.test_tmux_journeys import history, quit_app, start
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream  # type: ignore
    from test_tmux_journeys import history, quit_app, start  # type: ignore

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def answer(text: str) -> Stream:
    return Stream(content_chunks=["<think>", "hm", "</think>", text])


def test_edit_a_prompt_into_a_branch_and_flip_back(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(answer("ANSWER-ONE"), answer("ANSWER-TWO"), answer("ANSWER-EDITED"))
    tmux = start(tmp_path, azure_server.base_url)
    try:
        tmux.keys("first question", literal=True)
        tmux.keys("Enter")
        tmux.wait_for("ANSWER-ONE")
        tmux.keys("second question", literal=True)
        tmux.keys("Enter")
        tmux.wait_for("ANSWER-TWO")
        tmux.keys("draft", literal=True)
        tmux.wait_for("draft")
        tmux.keys("C-Up")  # the last answer ...
        tmux.keys("C-Up")  # ... the first one
        tmux.keys("e", literal=True)
        tmux.wait_for("editing: Enter sends a new branch", "first question")
        tmux.keys("Escape")  # cancelled: the draft is back in the composer
        screen = tmux.wait_for("draft", absent=("editing:",))
        tmux.keys("C-Up")
        tmux.keys("C-Up")
        tmux.keys("e", literal=True)
        tmux.wait_for("editing:")
        tmux.keys("End")
        tmux.keys(" again", literal=True)
        tmux.keys("Enter")
        screen = tmux.wait_for("ANSWER-EDITED", "‹ 2/2 ›", absent=("ANSWER-TWO", "editing:"))
        assert "first question again" in screen and "second question" not in screen, screen
        assert "draft" in screen  # the composer holds what it held before the edit
        tmux.keys("C-Up")  # the new branch's answer
        tmux.keys("(", literal=True)
        screen = tmux.wait_for("‹ 1/2 ›", "ANSWER-ONE")
        tmux.keys("C-Up")  # the end of that branch is still there
        tmux.wait_for("ANSWER-TWO")
        quit_app(tmux)
    finally:
        tmux.kill()
    with history(tmp_path) as store:
        (row,) = store.list_conversations()
        conversation = store.get_conversation(row.id)
        assert conversation is not None
        tree = ConversationTree(row.id, row.title, conversation.messages)
        assert [m.content for m in tree.active_path()] == ["first question", "ANSWER-ONE", "second question",
                                                           "ANSWER-TWO"]
        assert sorted(m.content for m in tree.children(None)) == ["first question", "first question again"]
