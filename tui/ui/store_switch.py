"""A history opened read-only because nothing was configured becomes writable after setup.

With no endpoint (and not ``--offline``) the CLI opens the history read-only, so starting
the app never writes a file. Once first-run setup (or a profile switch) gives the app a
client, :func:`make_store_writable` reopens the same file read-write
(``HistoryStore.open(store.path)``: created and migrated if needed). The CLI closes
``app.store`` — whichever store is current — at exit.
"""

from __future__ import annotations

from typing import Any

from tui.sanitize import one_line
from tui.store import HistoryStore, StoreError


def make_store_writable(app: Any) -> bool:
    """Swap a read-only ``app.store`` for a read-write one; False (notified) if that fails.

    Nothing happens for a store that is already writable or for ``--offline`` (``app.read_only``).
    """
    store = app.store
    if not getattr(store, "read_only", False) or app.read_only:
        return True
    try:
        writable = HistoryStore.open(store.path)
    except (StoreError, OSError) as exc:
        app.notify(one_line(f"History stays read-only: {exc}", 400), title="History", severity="error",
                   timeout=15, markup=False)
        return False
    app.store = writable
    store.close()
    return True
