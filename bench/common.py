"""Shared setup: find the installed ``r1-tui``, a private environment, launch + first paint."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from frames import columns_of, row_of
from pty_harness import PtyApp

COLS, ROWS = 120, 40
FOOTER_TEXT = "^q Quit"
PLACEHOLDER_TEXT = "Type a prompt"
STATUS_TEXT = "auth none"  # first status-bar row: "bench @ 127.0.0.1 · auth none"


def r1_tui() -> str:
    """The installed console script (next to this interpreter first, then PATH)."""
    sibling = Path(sys.executable).with_name("r1-tui")
    found = str(sibling) if sibling.exists() else shutil.which("r1-tui")
    if not found:
        sys.exit("r1-tui is not installed: pip install -e . into this environment first")
    return found


def app_env(home: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AZURE_OPENAI_", "OPENAI_", "TEXTUAL", "COLUMNS", "LINES"))}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", LANG=env.get("LANG", "C.UTF-8"),
               XDG_CONFIG_HOME=os.path.join(home, "config"), XDG_DATA_HOME=os.path.join(home, "data"))
    return env


def app_argv(base_url: str, cmd: list[str] | None = None) -> list[str]:
    return [*(cmd or [r1_tui()]), "--endpoint", base_url, "--deployment", "bench", "--auth", "none"]


def temp_home() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="r1-bench-")


@dataclass
class Paint:
    t_content: float  # the read that completed footer + placeholder text
    t_settled: float  # last read before ``quiet_s`` of silence


def first_paint(app: PtyApp, timeout: float = 20.0, quiet_s: float = 0.1) -> Paint:
    t1 = app.wait_text(FOOTER_TEXT, timeout)
    t2 = app.wait_text(PLACEHOLDER_TEXT, timeout)
    if t1 is None or t2 is None:
        raise RuntimeError("no first paint (footer/placeholder text not seen): "
                           + repr(bytes(app.buf[-400:])))
    t = max(t1, t2)
    settled = app.wait_quiet(quiet_s, timeout, after=t)
    return Paint(t, settled if settled is not None else t)


def layout(app: PtyApp) -> dict[str, int]:
    """Pane columns and prompt/status rows, read off the first frames."""
    data = bytes(app.buf)
    cols = columns_of(data, ["Reasoning", PLACEHOLDER_TEXT])
    return {
        "answer_col": cols.get(PLACEHOLDER_TEXT, 30),
        "reasoning_col": cols.get("Reasoning", 82),
        "prompt_row": row_of(data, PLACEHOLDER_TEXT) or ROWS - 2,
        "status_row": row_of(data, STATUS_TEXT) or ROWS - 1,
    }
