"""config.toml [trace] pivots: the one place the pivot list can be changed; bad values are clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.config import ConfigError, Overrides, configured_pivots, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_pivots_are_read_and_checked(tmp_path: Path) -> None:
    path = write(tmp_path, '[trace]\npivots = ["Wait", " Hold on "]\n')
    assert configured_pivots(path) == ("Wait", "Hold on")
    settings = load_settings(Overrides(), env={}, path=path)
    assert settings.extra["trace"] == {"pivots": ["Wait", " Hold on "]} and settings.warnings == ()
    assert configured_pivots(write(tmp_path, "")) is None


@pytest.mark.parametrize("text,words", [
    ('[trace]\npivots = "Wait"\n', "list of non-empty strings"),
    ('[trace]\npivots = ["", "x"]\n', "list of non-empty strings"),
    ('[trace]\npivot = ["x"]\n', "unknown key 'pivot'"),
    ('trace = 3\n', "must be a table"),
], ids=["string", "empty", "unknown-key", "not-table"])
def test_bad_trace_table(tmp_path: Path, text: str, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=words):
        load_settings(Overrides(), env={}, path=path)
    with pytest.raises(ConfigError, match=words):
        configured_pivots(path)
