"""Run a program in a real pseudo-terminal and keep every byte it writes (for byte-level tests)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import threading
import time


# Run as the new session's leader, this makes the pty its controlling terminal (opening a tty
# without O_NOCTTY does that) and then becomes the program: Ctrl-C typed into the terminal
# then reaches it as SIGINT, as in a real shell.
_ACQUIRE_TTY = "import os, sys; os.close(os.open(os.ttyname(0), os.O_RDWR)); os.execvp(sys.argv[1], sys.argv[1:])"


class PtyTerminal:
    """A program on a pty of a given size; ``output`` holds all it wrote, in order.

    ``controlling=True`` makes the pty the program's controlling terminal, so typing
    ``\x03`` sends it SIGINT (for programs that leave the terminal in cooked mode).
    """

    def __init__(self, args: list[str], env: dict[str, str], cols: int = 100, rows: int = 30,
                 controlling: bool = False) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        if controlling:
            args = [sys.executable, "-c", _ACQUIRE_TTY, *args]
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                                     start_new_session=True)
        os.close(slave)
        self._buf = bytearray()
        self._lock = threading.Lock()
        self._done = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._done:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.05)
                if ready:
                    data = os.read(self.master, 65536)
                    if not data:
                        return
                    with self._lock:
                        self._buf += data
            except OSError:
                return

    @property
    def output(self) -> bytes:
        """Every byte written so far."""
        with self._lock:
            return bytes(self._buf)

    def mark(self) -> int:
        """The current length of the output, to look only at what comes after."""
        return len(self.output)

    def send(self, data: bytes) -> None:
        """Type bytes (keys) into the terminal."""
        os.write(self.master, data)

    def wait_for(self, needle: str, since: int = 0, timeout: float = 20.0) -> bool:
        """Wait until ``needle`` (as UTF-8) appears in the output after offset ``since``."""
        target = needle.encode()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if target in self.output[since:]:
                return True
            if self.proc.poll() is not None:
                return target in self.output[since:]
            time.sleep(0.05)
        return False

    def wait_quiet(self, quiet_s: float = 0.3, timeout: float = 10.0) -> bool:
        """Wait until the program has written nothing for ``quiet_s`` (its last frames are out)."""
        deadline = time.monotonic() + timeout
        size, since = len(self.output), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = len(self.output)
            if now != size:
                size, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet_s:
                return True
        return False

    def drain(self, timeout: float = 10.0) -> bytes:
        """After the program exited: wait until every byte it wrote has been read; return them all."""
        self._reader.join(timeout=timeout)  # the reader stops at end of output (EIO once the pty closed)
        return self.output

    def close(self, quit_keys: bytes = b"\x11") -> None:
        """Ask the program to quit, then make sure it is gone."""
        try:
            if self.proc.poll() is None:
                self.send(quit_keys)
                self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(timeout=10)
        finally:
            self._done = True
            self._reader.join(timeout=2)
            os.close(self.master)
