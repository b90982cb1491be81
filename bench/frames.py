"""Split Textual's terminal output into frames and attribute bytes to screen rows/columns.

Frames are delimited by synchronized-output markers (``ESC[?2026h`` … ``ESC[?2026l``),
which Textual emits once the terminal says it supports them (the harness answers so).
Inside a frame, every cursor move ``ESC[row;colH`` starts a run of bytes attributed to
that (row, col) until the next move.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from pty_harness import strip_ansi

SYNC_START = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"
MOVE = re.compile(rb"\x1b\[(\d+);(\d+)H")


@dataclass
class Frame:
    start: int  # offset of SYNC_START (relative to the parsed data)
    end: int  # offset just after SYNC_END
    runs: list[tuple[int, int, int]] = field(default_factory=list)  # (row, col, bytes)

    @property
    def nbytes(self) -> int:
        return self.end - self.start

    @property
    def rows(self) -> set[int]:
        return {r for r, _, _ in self.runs}


def parse(data: bytes) -> list[Frame]:
    """Complete frames in ``data`` (a partial frame at either edge is ignored)."""
    frames: list[Frame] = []
    pos = 0
    while True:
        s = data.find(SYNC_START, pos)
        if s < 0:
            break
        e = data.find(SYNC_END, s)
        if e < 0:
            break
        e += len(SYNC_END)
        body = data[s + len(SYNC_START): e - len(SYNC_END)]
        frame = Frame(s, e)
        moves = list(MOVE.finditer(body))
        for i, m in enumerate(moves):
            stop = moves[i + 1].start() if i + 1 < len(moves) else len(body)
            frame.runs.append((int(m[1]), int(m[2]), stop - m.start()))
        frames.append(frame)
        pos = e
    return frames


def row_of(data: bytes, text: str) -> int | None:
    """The row of the last cursor move before visible ``text`` (first occurrence)."""
    for frame in parse(data):
        body = data[frame.start: frame.end]
        moves = list(MOVE.finditer(body))
        for i, m in enumerate(moves):
            stop = moves[i + 1].start() if i + 1 < len(moves) else len(body)
            if text in strip_ansi(body[m.start(): stop]):
                return int(m[1])
    return None


def columns_of(data: bytes, texts: list[str]) -> dict[str, int]:
    """Screen column (1-based) where each of ``texts`` first shows, from a full frame."""
    out: dict[str, int] = {}
    for m_frame in parse(data):
        body = data[m_frame.start: m_frame.end]
        moves = list(MOVE.finditer(body))
        for i, m in enumerate(moves):
            stop = moves[i + 1].start() if i + 1 < len(moves) else len(body)
            line = strip_ansi(body[m.end(): stop])
            for t in texts:
                if t not in out and t in line:
                    out[t] = int(m[2]) + line.index(t)
        if len(out) == len(texts):
            break
    return out


def regions(frames: list[Frame], layout: dict[str, int], rows: int) -> dict[str, dict[str, float]]:
    """Bytes, runs and frames touching each screen region.

    ``layout`` gives ``answer_col`` / ``reasoning_col`` (first column of each pane),
    ``prompt_row`` and ``status_row`` (first row of the status bar).
    """
    stats: dict[str, dict[str, float]] = defaultdict(lambda: {"bytes": 0, "runs": 0, "frames": 0})

    def name(row: int, col: int) -> str:
        if row == 1:
            return "header (row 1)"
        if row == rows:
            return "footer (last row)"
        if row >= layout["status_row"]:
            return "status bar"
        if row >= layout["prompt_row"] - 1:
            return "prompt (+border)"
        if row == 2 and col >= layout["reasoning_col"] - 2:
            return "reasoning header"
        if col >= layout["reasoning_col"] - 2:
            return "reasoning pane"
        if col >= layout["answer_col"] - 3:
            return "answer pane"
        return "sidebar / full-width rows"

    for frame in frames:
        seen: set[str] = set()
        overhead = frame.nbytes - sum(n for _, _, n in frame.runs)
        stats["frame markers/other"]["bytes"] += overhead
        for row, col, n in frame.runs:
            key = name(row, col)
            stats[key]["bytes"] += n
            stats[key]["runs"] += 1
            seen.add(key)
        for key in seen:
            stats[key]["frames"] += 1
    return dict(stats)
