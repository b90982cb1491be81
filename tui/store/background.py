"""One writer thread per process: every write of the app and of ``ask`` goes through it.

The UI's event loop never waits on SQLite (nor on another process holding the write lock):
callers enqueue operations and get a :class:`concurrent.futures.Future` back. Streamed text
is buffered here and appended as one part per answer every ``interval_s`` on a timer, not on
the arrival of the next event, so a model that goes quiet loses nothing and ``kill -9`` loses
at most about the last ``interval_s`` of text. Ids are made by the callers (``ids.new_id``),
so nothing has to wait for an insert to learn its id.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from .errors import StoreError
from .liveness import WriterLock
from .models import Attachment, ErrorRecord
from tui.metrics import Timing, Usage
from .repo import HistoryStore

T = TypeVar("T")
ErrorHandler = Callable[[BaseException], None]
DEFAULT_INTERVAL_S = 0.5
_STOP = object()
_WAKE = object()


class BackgroundWriter:
    """Writes to the history at ``path`` on its own thread and connection. Call :meth:`close`."""

    def __init__(self, path: Path, *, interval_s: float = DEFAULT_INTERVAL_S,
                 on_error: ErrorHandler | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._store = HistoryStore.open(path)  # raises StoreError before any thread starts
        self.path = self._store.path
        self._lock_file = WriterLock(self.path)
        self.token = self._lock_file.token
        self.interval_s = interval_s
        self.on_error = on_error
        self._clock = clock
        self._queue: queue.Queue[Any] = queue.Queue()
        self._guard = threading.Lock()
        self._pending: dict[str, tuple[list[str], list[str]]] = {}  # msg id -> buffered (reasoning, answer)
        self._pending_since: float | None = None
        self._ready: set[str] = set()  # answers inserted by this writer: their text may be appended
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="r1-tui-history-writer", daemon=True)
        self._thread.start()

    # -- operations (any thread) ---------------------------------------------------------

    def submit(self, work: Callable[[HistoryStore], T]) -> Future[T]:
        """Run ``work(store)`` on the writer thread, after everything submitted before it."""
        future: Future[T] = Future()
        if self._closed:
            future.set_exception(StoreError("the history writer is closed"))
            return future
        self._queue.put((work, future))
        return future

    def create_conversation(self, conv_id: str, title: str) -> Future[str]:
        """Create conversation ``conv_id``."""
        return self.submit(lambda store: store.create_conversation(title, conv_id=conv_id))

    def add_prompt(self, conv_id: str, msg_id: str, text: str, parent_id: str | None,
                   attachments: tuple[Attachment, ...] = ()) -> Future[str]:
        """Store prompt ``msg_id`` (with its attachments) following ``parent_id``."""
        return self.submit(lambda store: store.add_user_message(conv_id, text, parent_id=parent_id, msg_id=msg_id,
                                                                attachments=attachments))

    def begin_answer(self, conv_id: str, msg_id: str, prompt_id: str, *, model: str | None,
                     deployment: str | None, endpoint_host: str | None, choice_index: int) -> Future[str]:
        """Store answer ``msg_id`` to ``prompt_id`` in state streaming, owned by this writer."""

        def work(store: HistoryStore) -> str:
            ident = store.begin_answer(conv_id, prompt_id, model=model, deployment=deployment,
                                       endpoint_host=endpoint_host, choice_index=choice_index,
                                       msg_id=msg_id, writer=self.token)
            with self._guard:
                self._ready.add(ident)
            return ident

        return self.submit(work)

    def append(self, msg_id: str, *, reasoning: str = "", answer: str = "") -> None:
        """Buffer streamed text for ``msg_id``; it is appended on the next timer tick."""
        if not reasoning and not answer:
            return
        with self._guard:
            buffered = self._pending.get(msg_id)
            if buffered is None:
                buffered = self._pending[msg_id] = ([], [])
            if reasoning:
                buffered[0].append(reasoning)
            if answer:
                buffered[1].append(answer)
            wake = self._pending_since is None
            if wake:
                self._pending_since = self._clock()
        if wake:
            self._queue.put(_WAKE)

    def replace_text(self, msg_id: str, reasoning: str, answer: str) -> Future[None]:
        """Replace everything streamed into ``msg_id`` so far (a reclassified split)."""
        with self._guard:
            self._pending.pop(msg_id, None)
        return self.submit(lambda store: store.update_answer(msg_id, answer=answer, reasoning=reasoning))

    def finish_answer(self, msg_id: str, *, reasoning: str, answer: str, state: str, finish_reason: str | None,
                      usage: Usage | None, timing: Timing | None, model: str | None,
                      cost: float | None = None, error: ErrorRecord | None = None) -> Future[None]:
        """Write the answer's final text and state in one transaction (its parts are dropped, and
        search indexes it now). The final text comes from the caller, so a batch that failed to
        append (a full disk) is not missing from the final row."""
        with self._guard:
            self._pending.pop(msg_id, None)

        def work(store: HistoryStore) -> None:
            store.update_answer(msg_id, answer=answer, reasoning=reasoning, state=state,
                                finish_reason=finish_reason, usage=usage, timing=timing, model=model, cost=cost,
                                error=error)
            with self._guard:
                self._ready.discard(msg_id)

        return self.submit(work)

    def flush(self) -> Future[None]:
        """Write everything submitted and buffered so far; the future resolves when it is on disk."""
        return self.submit(self._flush_ready)

    def close(self, timeout: float = 10.0) -> None:  # pragma: no mutate (a bound on a hung disk, not a behaviour)
        """Write what is left, stop the thread and release this writer's lock (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        self._thread.join(timeout)  # pragma: no mutate (as above)
        self._store.close()
        self._lock_file.release()

    # -- the thread ----------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            item = self._next_item()
            if item is _STOP:
                self._safely(self._flush_ready)
                return
            if item is not None and item is not _WAKE:
                work, future = item
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(work(self._store))
                    except BaseException as exc:  # handed to the caller; the thread keeps going
                        future.set_exception(exc)
                        self._report(exc)
            if self._flush_due():
                self._safely(self._flush_ready)

    def _next_item(self) -> Any:
        with self._guard:
            since = self._pending_since
        timeout = None if since is None else max(0.0, since + self.interval_s - self._clock())
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def _flush_due(self) -> bool:
        with self._guard:
            since = self._pending_since
        return since is not None and self._clock() - since >= self.interval_s

    def _flush_ready(self, store: HistoryStore | None = None) -> None:
        """Append the buffered text of every answer this writer has inserted."""
        store = store or self._store
        with self._guard:
            ids = [m for m in self._pending if m in self._ready]
        for msg_id in ids:
            self._flush_one(store, msg_id)
        with self._guard:
            self._pending_since = self._clock() if self._pending else None

    def _flush_one(self, store: HistoryStore, msg_id: str) -> None:
        with self._guard:
            buffered = self._pending.pop(msg_id, None)  # pragma: no mutate (None: finished meanwhile, a race)
        if buffered is not None:
            store.append_to_answer(msg_id, reasoning="".join(buffered[0]), answer="".join(buffered[1]))

    def _safely(self, work: Callable[[], None]) -> None:
        try:
            work()
        except BaseException as exc:
            self._report(exc)

    def _report(self, exc: BaseException) -> None:
        handler = self.on_error
        if handler is not None:
            try:
                handler(exc)
            except Exception:
                pass
