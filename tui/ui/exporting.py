"""Export the open conversation as Markdown (the ``history export`` format), 0600."""

from __future__ import annotations

import time
from pathlib import Path

from tui import paths
from tui.config_write import write_private
from tui.formats.filenames import export_path
from tui.formats.markdown import to_markdown
from tui.store import HistoryStore


def export_conversation(store: HistoryStore, conv_id: str) -> Path:
    """Write conversation ``conv_id`` under the data directory's ``exports/``; return the file."""
    text = to_markdown(store.export_conversation(conv_id))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = export_path(paths.data_dir(ensure=True) / "exports", conv_id, stamp)  # a safe name, in that folder
    write_private(path, text)
    return path
