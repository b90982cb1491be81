"""Write ``config.toml`` without losing the user's comments, layout or other profiles.

``tomllib`` can only read; ``tomlkit`` round-trips a TOML document (comments, order,
whitespace), so a setting changed from the app touches only the keys it names.
Files are written atomically (a private temporary file in the same directory, then
``os.replace``), mode 0600, in a 0700 directory; a symlinked ``config.toml`` is written
through to its target (which keeps its mode), never replaced by a regular file. No textual imports here.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.toml_document import TOMLDocument

from tui.config import ConfigError


def load_document(path: Path) -> TOMLDocument:
    """The file as an editable document (missing file: an empty document)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return tomlkit.document()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc}") from exc
    try:
        return tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ConfigError(f"{path}: cannot update the config file: {exc}") from exc


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: mode 0600, parent directory 0700."""
    parent = path.parent
    if not parent.is_dir():
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(parent, 0o700)
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_through(path: Path, text: str) -> None:
    """Write ``text`` to ``path``; a symlink is followed and its *target* replaced atomically.

    The target keeps its mode (a new target gets 0600), and the link stays a link: a
    ``config.toml`` kept in a dotfiles repository and linked into ``~/.config`` keeps working.
    """
    if not path.is_symlink():
        write_private(path, text)
        return
    target = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o600
    if not target.parent.is_dir():
        raise ConfigError(f"{path} links to {target}, whose folder does not exist")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def save_document(path: Path, doc: TOMLDocument) -> None:
    """Write ``doc`` back to ``path`` (atomic; through a symlink to its target; mode kept, new files 0600)."""
    write_through(path, tomlkit.dumps(doc))


def _profiles(doc: TOMLDocument) -> Any:
    if "profiles" not in doc:
        doc["profiles"] = tomlkit.table(is_super_table=True)
    return doc["profiles"]


def profile_names(path: Path) -> list[str]:
    """The profile names in the file, in file order."""
    doc = load_document(path)
    profiles = doc.get("profiles", {})
    return [str(name) for name in profiles] if isinstance(profiles, Mapping) else []


def read_profile(path: Path, name: str) -> dict[str, Any]:
    """A plain copy of ``[profiles.NAME]`` (empty when missing)."""
    profiles = load_document(path).get("profiles", {})
    profile = profiles.get(name, {}) if isinstance(profiles, Mapping) else {}
    return dict(profile.unwrap()) if hasattr(profile, "unwrap") else dict(profile)


def update_profile(path: Path, name: str, values: Mapping[str, Any], *, make_default: bool = False) -> None:
    """Set keys of ``[profiles.NAME]`` (a value of None or "" removes the key); keep everything else."""
    doc = load_document(path)
    profiles = _profiles(doc)
    if name not in profiles:
        profiles[name] = tomlkit.table()
    table = profiles[name]
    for key, value in values.items():
        if value is None or value == "" or value == []:
            if key in table:
                del table[key]
        elif isinstance(value, str) and "\n" in value:
            table[key] = tomlkit.string(value, multiline=True)
        else:
            table[key] = list(value) if isinstance(value, tuple) else value
    if make_default or ("default_profile" not in doc and len(profiles) > 1):
        set_top_level(doc, "default_profile", name)
    save_document(path, doc)


def set_top_level(doc: TOMLDocument, key: str, value: str) -> None:
    """Set a top-level string key (tomlkit places a new one before the first table)."""
    doc[key] = value


def set_theme(path: Path, theme: str) -> None:
    """Remember the theme (top-level ``theme = "..."``)."""
    doc = load_document(path)
    set_top_level(doc, "theme", theme)
    save_document(path, doc)
