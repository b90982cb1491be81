"""The composer in a real 80x24 terminal (tmux, the installed ``r1-tui --demo``, a fresh HOME).

$EDITOR is a shell script standing in for the editor: it records the file it was given and
its mode, and appends a line (or fails). Large pastes arrive as real bracketed pastes.
"""

from __future__ import annotations

import os
import shlex
import shutil
import time
from pathlib import Path

import pytest

try:
    from tests.test_tmux import Tmux, _r1_tui
    from tests.test_tmux_journeys import paste
except ImportError:  # tests/ itself on sys.path
    from test_tmux import Tmux, _r1_tui  # type: ignore
    from test_tmux_journeys import paste  # type: ignore

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def start_demo(tmp_path: Path, **extra_env: str) -> Tmux:
    """The installed app on its demo endpoint, with a fresh HOME and ``extra_env``."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TMPDIR": str(tmp_path / "tmp"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        **extra_env,
    }
    (tmp_path / "tmp").mkdir(exist_ok=True)
    command = "env -i " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command += " " + shlex.quote(_r1_tui()) + " --demo; echo R1TUI-EXITED=$?; sleep 30"
    tmux = Tmux(tmp_path)
    tmux.start(command)
    tmux.wait_for("Type a prompt")
    return tmux


def fake_editor(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "editor.sh"
    script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    script.chmod(0o755)
    return script


def test_editor_composes_the_prompt_in_a_private_temp_file(tmp_path: Path) -> None:
    log = tmp_path / "editor.log"
    editor = fake_editor(tmp_path, f'echo "$1 $(stat -c %a "$1")" > {shlex.quote(str(log))}\n'
                                   f'cat "$1" >> {shlex.quote(str(log))}\n'
                                   'printf "\\nsecond line from the editor\\n" >> "$1"\n')
    tmux = start_demo(tmp_path, VISUAL=str(editor), EDITOR="/nonexistent/editor")
    try:
        tmux.keys("typed first", literal=True)
        tmux.wait_for("typed first")
        tmux.keys("C-e")
        screen = tmux.wait_for("second line from the editor")
        assert "typed first" in screen
        path, mode = log.read_text(encoding="utf-8").splitlines()[0].split()
        assert mode == "600" and Path(path).parent == tmp_path / "tmp"
        assert log.read_text(encoding="utf-8").splitlines()[1] == "typed first"
        assert not Path(path).exists()  # removed once read back
        tmux.keys("!", literal=True)  # the cursor is at the end of the edited text
        tmux.wait_for("second line from the editor!")
        tmux.keys("C-q")
        tmux.wait_for("R1TUI-EXITED=0")
    finally:
        tmux.kill()


@pytest.mark.parametrize("editor_body", ["exit 3\n", None])
def test_a_failing_or_missing_editor_keeps_the_prompt(tmp_path: Path, editor_body: str | None) -> None:
    if editor_body is None:
        editor = tmp_path / "no-such-editor"
    else:
        editor = fake_editor(tmp_path, 'echo "$1" > ' + shlex.quote(str(tmp_path / "seen")) + "\n"
                             'echo changed > "$1"\n' + editor_body)
    tmux = start_demo(tmp_path, EDITOR=str(editor))
    try:
        tmux.keys("keep me", literal=True)
        tmux.wait_for("keep me")
        tmux.keys("C-e")
        screen = tmux.wait_for("Prompt kept.", "status 3" if editor_body else "cannot run")
        assert "keep me" in screen and "changed" not in screen
        assert list((tmp_path / "tmp").iterdir()) == []  # the temp file is gone on failure too
        tmux.keys("!", literal=True)  # the app is back and takes keys
        tmux.wait_for("keep me!")
        tmux.keys("C-q")
        tmux.wait_for("R1TUI-EXITED=0")
    finally:
        tmux.kill()


def test_a_long_bracketed_paste_is_attached_once_and_sent_once(azure_server, tmp_path: Path) -> None:
    from tests.test_tmux_journeys import quit_app, start

    text = "".join(f"pasted row {i:03d}\n" for i in range(312))
    tmux = start(tmp_path, azure_server.base_url)
    try:
        tmux.keys("Explain", literal=True)
        tmux.wait_for("Explain")
        paste(tmux, text)
        screen = tmux.wait_for("pasted text, 312 lines")
        assert screen.count("pasted text, 312 lines") == 1 and "pasted row" not in screen
        tmux.keys("Enter")
        tmux.wait_for("attached: pasted text, 312 lines", "How can I help?")
        body = azure_server.requests[-1].json["messages"][-1]["content"]
        assert body.count("pasted row 000") == 1 and body.count("pasted row 311") == 1
        assert body.startswith("pasted text\n```\npasted row 000\n") and body.endswith("```\n\nExplain")
        quit_app(tmux)
    finally:
        tmux.kill()


def test_alt_keys_open_the_attach_dialog_and_the_prompt_search(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "notes.txt").write_text("note body\n", encoding="utf-8")
    tmux = start_demo(tmp_path)
    try:
        tmux.keys("M-a")
        tmux.wait_for("Attach a text file")
        tmux.keys("~/no", literal=True)
        tmux.keys("Tab")
        tmux.wait_for("~/notes.txt")
        tmux.keys("Enter")
        tmux.wait_for("notes.txt, 1 line", absent=("Attach a text file",))
        tmux.keys("M-r")
        tmux.wait_for("Earlier prompts", "No earlier prompts.")
        tmux.keys("Escape")
        tmux.wait_for("notes.txt, 1 line", absent=("Earlier prompts",))
        tmux.keys("C-q")
        tmux.wait_for("R1TUI-EXITED=0")
    finally:
        tmux.kill()


def prompt_line(screen: str) -> str:
    """The composer's first row: the line under the last rule of the screen."""
    lines = screen.splitlines()
    last_rule = max(i for i, line in enumerate(lines) if line.startswith("────"))
    return lines[last_rule + 1].strip()


def wait_for_prompt_line(tmux: Tmux, expected: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    line = ""
    while time.monotonic() < deadline:
        line = prompt_line(tmux.screen())
        if line.startswith(expected):
            return
        time.sleep(0.1)
    raise AssertionError(f"the prompt shows {line!r}, not {expected!r}")


def test_up_recalls_an_earlier_prompt_and_down_returns_to_the_draft(tmp_path: Path) -> None:
    tmux = start_demo(tmp_path, R1_TUI_DEMO_RATE="5000")
    try:
        tmux.keys("alpha prompt", literal=True)
        tmux.wait_for("alpha prompt")
        tmux.keys("Enter")
        tmux.wait_for("Thought for", "Type a prompt")  # answered; the composer is empty again
        tmux.keys("Up")
        wait_for_prompt_line(tmux, "alpha prompt")
        tmux.keys("Down")
        wait_for_prompt_line(tmux, "Type a prompt")  # the (empty) draft again
        tmux.keys("C-q")
        tmux.wait_for("R1TUI-EXITED=0")
    finally:
        tmux.kill()
