"""A reader that goes away (``r1-tui history list | head``) ends a command quietly.

Python ignores SIGPIPE, so writing to a pipe whose reader has exited raises
BrokenPipeError, and the interpreter's last flush of stdout prints another traceback.
:func:`silence` points the stream's file descriptor at /dev/null, so whatever is still
buffered, and every later write, goes nowhere without an error.
"""

from __future__ import annotations

import os
from typing import Any, TextIO


def silence(stream: TextIO) -> None:
    """Send everything still to be written to ``stream`` to /dev/null (its reader is gone)."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


class QuietWhenClosed:
    """Wraps an output stream: once its reader has gone, writes are dropped without an error.

    The command still runs to its end (``doctor | head -3`` still exits with the checks'
    status); :attr:`reader_gone` says whether that happened.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.reader_gone = False

    def _gone(self) -> None:
        self.reader_gone = True
        silence(self._stream)
        try:
            self._stream.flush()  # what was buffered now goes to /dev/null
        except (BrokenPipeError, ValueError):
            pass

    def write(self, text: str) -> int:
        """Write ``text`` (dropped once the reader is gone)."""
        if not self.reader_gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._gone()
        return len(text)

    def flush(self) -> None:
        """Flush (nothing happens once the reader is gone)."""
        if not self.reader_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._gone()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
