"""StreamingWriter: batch streamed text in memory, write it at most every ``interval_s``."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable

from .errors import StoreError
from .models import ErrorRecord, TimingRecord, UsageRecord

if TYPE_CHECKING:
    from .repo import HistoryStore


class StreamingWriter:
    """Accumulates one answer's reasoning and answer text; persists it in batches.

    ``append_*`` and ``maybe_flush`` write only when ``interval_s`` has passed since
    the last write, so a crash loses at most about a second of text; ``flush`` writes
    now and ``finish`` writes everything together with the final state. ``writes``
    counts the database writes made (for tests and diagnostics).
    """

    def __init__(self, store: "HistoryStore", msg_id: str, interval_s: float = 0.5,
                 *, clock: Callable[[], float] = time.monotonic) -> None:
        existing = store.get_message(msg_id)
        if existing is None:
            raise StoreError(f"no message with id {msg_id!r}")
        self._store = store
        self.msg_id = msg_id
        self.interval_s = interval_s
        self._clock = clock
        self._reasoning: list[str] = [existing.reasoning or ""]
        self._answer: list[str] = [existing.content]
        self._dirty = False
        self._last_write = clock()
        self.writes = 0
        self.finished = False

    @property
    def reasoning(self) -> str:
        """All reasoning text received so far."""
        return "".join(self._reasoning)

    @property
    def answer(self) -> str:
        """All answer text received so far."""
        return "".join(self._answer)

    def append_reasoning(self, text: str) -> None:
        """Add reasoning text (written on the next due flush)."""
        if text:
            self._reasoning.append(text)
            self._dirty = True
        self.maybe_flush()

    def append_answer(self, text: str) -> None:
        """Add answer text (written on the next due flush)."""
        if text:
            self._answer.append(text)
            self._dirty = True
        self.maybe_flush()

    def replace(self, reasoning: str, answer: str) -> None:
        """Replace everything received so far (an event Reclassified the text)."""
        self._reasoning = [reasoning]
        self._answer = [answer]
        self._dirty = True
        self.maybe_flush()

    def maybe_flush(self) -> bool:
        """Write pending text if ``interval_s`` has passed since the last write."""
        if self._dirty and self._clock() - self._last_write >= self.interval_s:
            self.flush()
            return True
        return False

    def flush(self) -> None:
        """Write pending text now (no-op when nothing changed)."""
        if not self._dirty or self.finished:
            return
        reasoning, answer = self.reasoning, self.answer
        self._reasoning, self._answer = [reasoning], [answer]
        self._store.update_answer(self.msg_id, answer=answer, reasoning=reasoning)
        self._dirty = False
        self._last_write = self._clock()
        self.writes += 1

    def finish(self, state: str = "complete", finish_reason: str | None = None,
               usage: UsageRecord | None = None, timing: TimingRecord | None = None,
               error: ErrorRecord | None = None) -> None:
        """Write all text plus the final state, finish reason, usage, timing and error (once)."""
        if self.finished:
            return
        reasoning, answer = self.reasoning, self.answer
        self._store.update_answer(self.msg_id, answer=answer, reasoning=reasoning, state=state,
                                  finish_reason=finish_reason, usage=usage, timing=timing, error=error)
        self._dirty = False
        self._last_write = self._clock()
        self.writes += 1
        self.finished = True
