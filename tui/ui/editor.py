"""Compose the prompt in the user's editor: ``$VISUAL``, else ``$EDITOR``, else ``vi``.

The app is suspended (the editor gets the terminal, over SSH and in tmux too), the prompt
goes to a private temporary file (mode 0600, made by :func:`tempfile.mkstemp`), and what the
editor saved comes back. The file is removed whatever happens; a missing editor or one that
exits non-zero raises :class:`EditorError` and the caller keeps the prompt as it was.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, suppress

FALLBACK_EDITOR = "vi"


class EditorError(Exception):
    """The editor could not run or did not save; the message says why."""


def editor_command(env: Mapping[str, str]) -> list[str]:
    """The editor's command line (``$VISUAL`` may carry arguments, e.g. ``"code --wait"``)."""
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            try:
                parts = shlex.split(value)
            except ValueError:  # unbalanced quotes: the whole value names the program
                parts = [value]
            if parts:
                return parts
    return [FALLBACK_EDITOR]


def edit_text(text: str, suspend: Callable[[], AbstractContextManager[object]],
              env: Mapping[str, str] | None = None) -> str:
    """``text`` as edited and saved in the editor (a trailing newline the editor added is dropped)."""
    command = editor_command(os.environ if env is None else env)
    name = os.path.basename(command[0]) or command[0]
    fd, path = tempfile.mkstemp(prefix="r1-tui-prompt-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        failure: OSError | None = None
        returncode = 0
        try:
            with suspend():
                try:  # nothing may escape: textual resumes the app only when the block ends normally
                    returncode = subprocess.run([*command, path], check=False).returncode
                except OSError as exc:
                    failure = exc
        except Exception as exc:  # e.g. textual's SuspendNotSupported
            raise EditorError(f"cannot open an editor here: {exc}") from exc
        if failure is not None:
            raise EditorError(f"cannot run {name!r} ({failure.strerror or failure}); set $VISUAL "
                              f"or $EDITOR. Prompt kept.") from failure
        if returncode != 0:
            raise EditorError(f"{name!r} exited with status {returncode}. Prompt kept.")
        with open(path, "rb") as saved:
            data = saved.read()
    finally:
        with suppress(FileNotFoundError):
            os.unlink(path)
    edited = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    return edited[:-1] if edited.endswith("\n") and not text.endswith("\n") else edited
