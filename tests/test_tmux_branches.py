"""Edit and branch at a real 80x24 terminal (tmux, the installed ``r1-tui``, the loopback server).

A person asks two questions, steps up to the first answer, edits its prompt (``e``), cancels
(Esc gives the composer back), edits again and sends: the new branch replaces the old turns on
screen under a ``‹ 2/2 ›`` marker; ``(`` flips back to the first branch, and the history keeps
the branch shown as the active path. Each step waits for what the screen shows.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui.chat.tree import ConversationTree
from tui.config_write import write_private

try:
    from tests.loopback import Stream
    from tests.test_tmux import Tmux, _r1_tui
    from tests.test_tmux_journeys import DEPLOYMENT, history, quit_app, start
    from tests.uihelpers import seed
except ImportError:  # tests/ itself on sys.path
    from loopback import Stream  # type: ignore
    from test_tmux import Tmux, _r1_tui  # type: ignore
    from test_tmux_journeys import DEPLOYMENT, history, quit_app, start  # type: ignore
    from uihelpers import seed  # type: ignore

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def answer(text: str, reasoning: str = "hm") -> Stream:
    return Stream(content_chunks=["<think>", reasoning, "</think>", text])


def answered(tmux: Tmux, text: str, absent: tuple[str, ...] = ()) -> str:
    """Wait until ``text`` is on screen and its answer has ended (keys that change the tree wait for that)."""
    return tmux.wait_for(text, absent=("streaming…", *absent))


def first_answer(tmux: Tmux) -> None:
    """Ctrl+Up until the first answer has the focus (its reasoning is shown): keys go to it from then on."""
    tmux.keys("C-Up")
    tmux.wait_for("WHY-TWO", "Prev alternative", "Edit prompt")  # the footer says how to edit
    tmux.keys("C-Up")
    tmux.wait_for("WHY-ONE")


def test_edit_a_prompt_into_a_branch_and_flip_back(azure_server, tmp_path: Path) -> None:
    azure_server.enqueue(answer("ANSWER-ONE", "WHY-ONE"), answer("ANSWER-TWO", "WHY-TWO"),
                         answer("ANSWER-EDITED", "WHY-EDITED"))
    tmux = start(tmp_path, azure_server.base_url)
    try:
        tmux.keys("first question", literal=True)
        tmux.keys("Enter")
        answered(tmux, "ANSWER-ONE")
        tmux.keys("second question", literal=True)
        tmux.keys("Enter")
        answered(tmux, "ANSWER-TWO")
        tmux.keys("draft", literal=True)
        tmux.wait_for("draft")
        first_answer(tmux)
        tmux.keys("e", literal=True)
        tmux.wait_for("editing: Enter sends a new branch", "first question")
        tmux.keys("Escape")  # cancelled: the draft is back in the composer
        screen = tmux.wait_for("draft", absent=("editing:",))
        first_answer(tmux)
        tmux.keys("e", literal=True)
        tmux.wait_for("editing:")
        tmux.keys("End")
        tmux.keys(" again", literal=True)
        tmux.keys("Enter")
        answered(tmux, "ANSWER-EDITED")
        screen = tmux.wait_for("ANSWER-EDITED", "‹ 2/2 ›", absent=("ANSWER-TWO", "editing:"))
        assert "first question again" in screen and "second question" not in screen, screen
        assert "draft" in screen  # the composer holds what it held before the edit
        tmux.keys("C-Up")  # the new branch's answer
        tmux.wait_for("Prev alternative")  # the footer of a focused answer: keys go to it now
        tmux.keys("(", literal=True)
        tmux.wait_for("‹ 1/2 ›", "ANSWER-ONE", "ANSWER-TWO")  # that branch, with its later turn
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


def environment(tmp_path: Path, base_url: str) -> dict[str, str]:
    """A private home with a profile for ``base_url``."""
    cfg = tmp_path / "config" / "r1-tui" / "config.toml"
    write_private(cfg, f'[profiles.main]\nendpoint = "{base_url}"\ndeployment = "{DEPLOYMENT}"\nauth = "none"\n')
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path / "home"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
            "TERM": "xterm-256color", "LANG": "C.UTF-8"}


def start_with(tmp_path: Path, base_url: str, *args: str) -> Tmux:
    """``r1-tui ARGS`` at 80x24."""
    env = environment(tmp_path, base_url)
    command = "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command += " " + " ".join(shlex.quote(a) for a in (_r1_tui(), *args)) + "; echo R1TUI-EXITED=$?; sleep 30"
    tmux = Tmux(tmp_path)
    tmux.start(command)
    return tmux


def seeded(tmp_path: Path) -> tuple[str, str]:
    with history(tmp_path) as store:
        older = seed(store, "Zebras in the savanna", [("tell me about zebras", "r", "STRIPES-ANSWER")])
        newer = seed(store, "Quokkas on Rottnest", [("tell me about quokkas", "r", "SMILES-ANSWER")])
    return older, newer


@pytest.mark.parametrize("flag", ["-c", "--continue"])
def test_continue_opens_the_app_on_the_latest_conversation(azure_server, tmp_path: Path, flag: str) -> None:
    seeded(tmp_path)
    azure_server.enqueue(answer("FOLLOW-UP-ANSWER"))
    tmux = start_with(tmp_path, azure_server.base_url, flag)
    try:
        tmux.wait_for("SMILES-ANSWER", "Type a prompt", absent=("STRIPES-ANSWER",))
        tmux.keys("and their diet?", literal=True)
        tmux.keys("Enter")
        tmux.wait_for("FOLLOW-UP-ANSWER")
        quit_app(tmux)
    finally:
        tmux.kill()
    sent = [m["content"] for m in azure_server.requests[-1].json["messages"]]
    assert sent == ["tell me about quokkas", "SMILES-ANSWER", "and their diet?"]


def test_conversation_id_prefix_opens_that_one(azure_server, tmp_path: Path) -> None:
    older, newer = seeded(tmp_path)
    unique = next(i for i, (a, b) in enumerate(zip(older, newer)) if a != b) + 1
    tmux = start_with(tmp_path, azure_server.base_url, "--conversation", older[:unique])
    try:
        tmux.wait_for("STRIPES-ANSWER", "Type a prompt", absent=("SMILES-ANSWER",))
        quit_app(tmux)
    finally:
        tmux.kill()


def test_unknown_conversation_exits_2_with_the_message_ask_gives(azure_server, tmp_path: Path) -> None:
    seeded(tmp_path)
    env = environment(tmp_path, azure_server.base_url)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=60,
                              env={**env, "PYTHONPATH": os.pathsep.join(sys.path)}, stdin=subprocess.DEVNULL)

    app = run("--conversation", "nosuchid")
    ask = run("ask", "--conversation", "nosuchid", "hello")
    assert app.returncode == ask.returncode == 2
    assert app.stderr == ask.stderr and "cannot continue" in app.stderr and "nosuchid" in app.stderr
    assert azure_server.requests == []
