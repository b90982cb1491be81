"""The composer in a real 80x24 terminal (tmux, the installed ``r1-tui --demo``, a fresh HOME).

$EDITOR is a shell script standing in for the editor: it records the file it was given and
its mode, and appends a line (or fails). Large pastes arrive as real bracketed pastes.
"""

from __future__ import annotations

import os
import shlex
import shutil
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
