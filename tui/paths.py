"""Where r1-tui keeps its files (platformdirs; XDG_CONFIG_HOME and XDG_DATA_HOME are honoured).

Nothing is created at import: callers ask for a directory with ``ensure=True`` when they
are about to write into it. Directories are created 0700.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "r1-tui"


def _private_dir(path: Path, ensure: bool) -> Path:
    if ensure and not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)
    return path


def config_dir(ensure: bool = False) -> Path:
    """The configuration directory, e.g. ``~/.config/r1-tui``."""
    return _private_dir(user_config_path(APP_NAME), ensure)


def config_file() -> Path:
    """The configuration file, ``config.toml`` in :func:`config_dir`."""
    return config_dir() / "config.toml"


def data_dir(ensure: bool = False) -> Path:
    """The data directory, e.g. ``~/.local/share/r1-tui``."""
    return _private_dir(user_data_path(APP_NAME), ensure)


def history_db_path(demo: bool = False) -> Path:
    """The SQLite history database; ``--demo`` runs keep theirs apart, in ``demo-history.db``."""
    return data_dir() / ("demo-history.db" if demo else "history.db")
