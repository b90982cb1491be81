"""Why a Ctrl-C test failed: the signal state of the process it was sent to (Linux /proc)."""

from __future__ import annotations

from pathlib import Path


def signal_state(pid: int) -> str:
    """The process's blocked, ignored and caught signal masks (empty where /proc cannot say)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return ""
    return " ".join(line for line in lines if line.startswith(("SigBlk", "SigIgn", "SigCgt")))
