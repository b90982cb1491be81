"""Run a terminal program in a pseudo-terminal and account for every byte it writes.

``PtyApp(argv, env)`` forks the program on a new pty (120x40 by default), drains the
master fd in a thread (recording ``(time, offset)`` per read), answers the synchronized
output query (DECRQM 2026) like a modern terminal, and offers: ``wait_text``,
``wait_quiet``, ``cpu_s`` (utime+stime of the process tree from /proc), ``peak_rss_mb``
(VmHWM), ``send`` and ``close`` (Ctrl+Q, then SIGTERM/SIGKILL of the process group).
"""

from __future__ import annotations

import bisect
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import threading
import time

ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[PX^_].*?\x1b\\|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]",
                  re.S)
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"  # "supported, currently reset" (xterm, kitty, WezTerm, Windows Terminal)
CLK_TCK = os.sysconf("SC_CLK_TCK")


def strip_ansi(data: bytes) -> str:
    return ANSI.sub(b"", data).decode("utf-8", "replace")


def _stat_ticks(pid: int) -> tuple[int, int]:
    """(utime+stime+cutime+cstime in ticks, ppid) of ``pid`` from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    # fields[0] is state (field 3); utime is field 14 => index 11
    return int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14]), int(fields[1])


class PtyApp:
    def __init__(self, argv: list[str], env: dict[str, str], cols: int = 120, rows: int = 40,
                 reply_sync: bool = True) -> None:
        self.argv, self.env, self.cols, self.rows = argv, env, cols, rows
        self.reply_sync = reply_sync
        self.buf = bytearray()
        self.times: list[float] = []  # time of each read
        self.ends: list[int] = []  # buffer length after each read
        self.lock = threading.Lock()
        self.pid = -1
        self.fd = -1
        self.t_spawn = 0.0
        self.exit_status: int | None = None
        self._reader: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> "PtyApp":
        winsize = struct.pack("HHHH", self.rows, self.cols, 0, 0)
        self.t_spawn = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:  # child: the pty slave is stdin/stdout/stderr and the controlling tty
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, winsize)
                os.execvpe(self.argv[0], self.argv, self.env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        return self

    def _drain(self) -> None:
        carry = b""
        while True:
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.2)
            except (OSError, ValueError):
                return
            if not ready:
                if self.exit_status is not None:
                    return
                continue
            try:
                data = os.read(self.fd, 1 << 16)
            except OSError:  # EIO: the slave side closed
                return
            if not data:
                return
            now = time.monotonic()
            with self.lock:
                self.buf += data
                self.times.append(now)
                self.ends.append(len(self.buf))
            if self.reply_sync and SYNC_QUERY in carry + data:
                self.send(SYNC_REPLY)
            carry = data[-16:]

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def alive(self) -> bool:
        if self.exit_status is not None:
            return False
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return True
        self.exit_status = status
        return False

    def close(self, timeout: float = 5.0) -> bool:
        """Ctrl+Q, wait; then SIGTERM and SIGKILL the process group. True if it quit by itself."""
        clean = False
        if self.alive():
            try:
                self.send(b"\x11")
            except OSError:
                pass
            end = time.monotonic() + timeout
            while time.monotonic() < end and self.alive():
                time.sleep(0.05)
            clean = not self.alive()
        else:
            clean = True
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if not self.alive():
                break
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                break
            end = time.monotonic() + 2
            while time.monotonic() < end and self.alive():
                time.sleep(0.05)
        try:  # any straggler in the session (the app's own children)
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self._reader is not None:
            self._reader.join(timeout=1)
        try:
            os.close(self.fd)
        except OSError:
            pass
        return clean

    def __enter__(self) -> "PtyApp":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- output --------------------------------------------------------------------------

    @property
    def nbytes(self) -> int:
        with self.lock:
            return len(self.buf)

    def last_output(self) -> float:
        with self.lock:
            return self.times[-1] if self.times else self.t_spawn

    def wait_text(self, text: str, timeout: float, start: int = 0) -> float | None:
        """Wait until ``text`` is visible (escapes stripped) in output after byte ``start``;
        return the time of the read that completed it, or None on timeout."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                data, ends, times = bytes(self.buf[start:]), list(self.ends), list(self.times)
            if text in strip_ansi(data):
                # the first read whose end makes the text appear
                lo = bisect.bisect_right(ends, start)
                hi = len(ends) - 1
                while lo < hi:
                    mid = (lo + hi) // 2
                    if text in strip_ansi(data[: ends[mid] - start]):
                        hi = mid
                    else:
                        lo = mid + 1
                return times[lo]
            if not self.alive():
                return None
            time.sleep(0.01)
        return None

    def wait_quiet(self, quiet_s: float, timeout: float, after: float = 0.0) -> float | None:
        """Wait for ``quiet_s`` without output (counted from ``after`` at the earliest);
        return the time of the last read before the quiet window, or None on timeout."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            last = self.last_output()
            if time.monotonic() - max(last, after) >= quiet_s:
                return last
            time.sleep(0.005)
        return None

    def bytes_between(self, t0: float, t1: float) -> int:
        """Bytes of the reads made in ``(t0, t1]``."""
        with self.lock:
            i = bisect.bisect_right(self.times, t0)
            j = bisect.bisect_right(self.times, t1)
            a = self.ends[i - 1] if i > 0 else 0
            b = self.ends[j - 1] if j > 0 else 0
        return b - a

    def offset_at(self, t: float) -> int:
        with self.lock:
            i = bisect.bisect_right(self.times, t)
            return self.ends[i - 1] if i > 0 else 0

    # -- process accounting --------------------------------------------------------------

    def _tree(self) -> list[int]:
        pids, children = [self.pid], {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    _, ppid = _stat_ticks(int(name))
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(name))
        i = 0
        while i < len(pids):
            pids.extend(children.get(pids[i], []))
            i += 1
        return pids

    def cpu_s(self) -> float:
        """User+system CPU seconds of the app, its threads and its (live or reaped) children."""
        total = 0
        for pid in self._tree():
            try:
                total += _stat_ticks(pid)[0]
            except (OSError, IndexError, ValueError):
                pass
        return total / CLK_TCK

    def peak_rss_mb(self) -> float:
        """VmHWM of the app process, in MB."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")
