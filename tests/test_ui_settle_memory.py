"""After start-up the app builds its HTTP client in a thread, then moves what it built out of the
garbage collector's full passes (gc.freeze)."""

from __future__ import annotations

import gc
from pathlib import Path

try:
    from tests.uihelpers import make_app, wait_for
except ImportError:  # tests/ itself on sys.path
    from uihelpers import make_app, wait_for  # type: ignore[no-redef]


async def test_start_up_objects_are_frozen_once_the_sdk_is_imported(tmp_path: Path) -> None:
    gc.unfreeze()  # another test in this process may have started an app already
    assert gc.get_freeze_count() == 0
    app, store, _ = make_app("http://127.0.0.1:9/v1/", tmp_path / "h.db")
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: gc.get_freeze_count() > 0)
            assert gc.isenabled()  # frozen, not switched off: new garbage is still collected
            client = app.context.client
            assert client is not None and client.paced is not None  # its HTTP client built off the UI thread
    finally:
        gc.unfreeze()
        store.close()
