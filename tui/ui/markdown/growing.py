"""The rows of the block still streaming, kept cheap however long it grows.

Three ways to show the open block (``md_blocks.OpenBlock``), chosen by its kind and size:

* **rendered** — the whole block re-rendered each frame it changed, exactly as it will be
  once complete (so completing it repaints nothing). Used up to :data:`GROW_LIMIT`
  characters: measured on the 2-core bench machine, a 500-character paragraph renders in
  ~0.4 ms and a 2,000-character one in ~1.5 ms, at most 5 times a second.
* **plain** — past :data:`GROW_LIMIT`, a prose block falls back to plain pre-wrapped rows of
  its sanitised source: each frame wraps only the new text (greedy wrapping is prefix
  stable), so a 20k-token paragraph costs per token what a short one does. It is rendered
  once when it completes.
* **code** — an open fence is a code block from its first line (no raw fence on screen).
  Code is highlighted in windows cut by a rule on the text alone (``code.window_end``): the
  current window is re-highlighted each frame, complete windows are frozen, so the work per
  frame stays bounded for a code block that never closes; at the closing fence only the last
  window is highlighted again (:meth:`Growing.finish`), and the rows are exactly those of the
  block rendered from scratch (a stored answer).
"""

from __future__ import annotations

import re

from rich.segment import Segment

from tui.formats import md_blocks as mb
from tui.formats.md_code import fence_parts
from tui.sanitize import for_display
from tui.ui.markdown.code import Row, window_end
from tui.ui.markdown.render import BlockRenderer
from tui.ui.widgets.lines import wrap_line

GROW_LIMIT = 2000  # characters of a growing prose block rendered as Markdown each frame
_FENCE_PREFIX = re.compile(r" {0,3}(?:`+|~+)[ \t]*$")


class Growing:
    """The open block's rows (``rows``; a leading blank ``gap`` row when it follows a block)."""

    def __init__(self, opened: mb.OpenBlock, gap: int, number: int | None) -> None:
        self.key = (opened.start, opened.kind, opened.content_start)
        self.opened = opened
        self.gap = gap
        self.number = number
        self.mode = "code" if opened.kind == mb.FENCE and opened.content_start >= 0 else "rendered"
        self.rows: list[Row] = [()] * gap
        self.code: list[tuple[int, int]] = []  # row ranges of code blocks (relative to ``rows``)
        self._consumed = opened.start  # plain: source consumed; code: start of the window
        self._frozen = gap  # rows before the part re-made each frame
        self._pieces: list[str] = []  # plain: the row strings (they concatenate to the source)
        self._frozen_lines = 0  # code: source lines in frozen windows

    def update(self, split: mb.BlockSplitter, renderer: BlockRenderer) -> tuple[int, list[Row]]:
        """Bring ``rows`` up to date; return (first row that may differ, the old rows from it)."""
        if self.mode == "code":
            return self._update_code(split, renderer)
        if self.mode == "rendered":
            text = split.text_from(self.opened.start)
            if len(text) <= GROW_LIMIT:
                old = self.rows
                rendered = renderer.render(self.opened.kind, close_open_inline(text.removesuffix("\r")),
                                           number=self.number, final=False)
                self.rows = [()] * self.gap + rendered.rows
                self.code = [(a + self.gap, b + self.gap) for a, b in rendered.code]
                return 0, old
            self.mode, self.code = "plain", []
            old, self.rows = self.rows, [()] * self.gap
            self._consumed = self.opened.start
            self._append_plain(split, renderer.width)
            return 0, old
        return self._append_plain(split, renderer.width)

    def _append_plain(self, split: mb.BlockSplitter, width: int) -> tuple[int, list[Row]]:
        raw = split.text_from(self._consumed)
        if raw.endswith("\r"):
            raw = raw[:-1]  # maybe half of a CR LF: wait for the next piece
        self._consumed += len(raw)
        pieces = self._pieces
        first = len(pieces)
        start = ""
        if pieces and not pieces[-1].endswith("\n"):
            start = pieces.pop()
            first -= 1
        lines = (start + for_display(raw).replace("\t", "    ")).split("\n")
        last = len(lines) - 1
        for i, line in enumerate(lines):
            if i == last and not line:
                break
            wrapped = wrap_line(line, width)
            if i < last:
                wrapped[-1] += "\n"
            pieces.extend(wrapped)
        y = self.gap + first
        old = self.rows[y:]
        del self.rows[y:]
        self.rows.extend((Segment(piece.rstrip("\n").rstrip(" ")),) for piece in pieces[first:])
        return y, old

    def _update_code(self, split: mb.BlockSplitter, renderer: BlockRenderer) -> tuple[int, list[Row]]:
        start = max(self._consumed, self.opened.content_start)
        raw = split.text_from(start).split("\n")
        partial = raw.pop()
        if partial and not _FENCE_PREFIX.match(partial.removesuffix("\r")):
            raw.append(partial)  # a half-arrived closing fence is not shown as code
        else:
            partial = ""
        clean = renderer.clean_code([_dedent(line.removesuffix("\r"), self.opened.fence_indent) for line in raw])
        info = self.opened.fence_info
        y = self._frozen
        old = self.rows[y:]
        del self.rows[y:]
        complete = len(clean) - (1 if partial else 0)
        at = 0
        while (size := window_end(len(line) for line in clean[at:complete])) is not None:
            frozen = renderer.code_rows(clean[at : at + size], info, windowed=False)  # a whole window
            self.rows.extend(frozen)
            self._frozen += len(frozen)
            self._frozen_lines += size
            self._consumed = start + sum(len(line) + 1 for line in raw[: at + size])
            at += size
        rest = renderer.code_rows(clean[at:], info, windowed=False)
        if not rest and self._frozen_lines == 0:
            rest = renderer.code_rows([""], info)  # an empty block still shows
        self.rows.extend(rest)
        self.code = [(self.gap, len(self.rows))]
        return y, old

    def finish(self, block: mb.Block, renderer: BlockRenderer) -> list[Row] | None:
        """The rows of this fence, now complete as ``block``, without lexing its frozen part
        again (identical to rendering ``block`` from scratch); None if not applicable."""
        if self.mode != "code" or block.kind != mb.FENCE or block.start != self.opened.start:
            return None
        _info, lines, _closed = fence_parts(block.text, self.opened.fence_indent)
        rest = renderer.code_rows(renderer.clean_code(lines[self._frozen_lines :]), self.opened.fence_info)
        rows = self.rows[self.gap : self._frozen] + rest
        return rows or renderer.code_rows([""], self.opened.fence_info)


def close_open_inline(text: str) -> str:
    """``text`` with a code span or a strong emphasis still open on its last line closed, for
    display only: ``**Ste`` shows as bold "Ste" at once instead of raw asterisks that turn bold
    a frame later (a repaint, and a flicker). The block's final render uses the real text."""
    last = text[text.rfind("\n") + 1 :]
    if last.count("`") % 2 and "```" not in last:
        return text + "`"
    opener = last.rfind("**")
    if last.count("**") % 2 and last[opener + 2 : opener + 3].strip():  # "**word", not "2 ** 3"
        return text + ("*" if text.endswith("*") and not text.endswith("**") else "**")
    return text


def _dedent(line: str, indent: int) -> str:
    """``line`` without up to ``indent`` leading spaces (the opening fence's indent)."""
    return line[min(indent, len(line) - len(line.lstrip(" "))) :]
