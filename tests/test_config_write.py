"""tui/config_write: updates keep comments, layout and other profiles; files are 0600 in 0700 dirs."""

from __future__ import annotations

import stat
from pathlib import Path

from tui.config import Overrides, load_settings, read_config_file
from tui.config_write import profile_names, read_profile, set_theme, update_profile, write_private

ORIGINAL = """\
# my r1-tui configuration — keep this comment
default_profile = "azure"   # used when --profile is not given

[profiles.azure]
endpoint = "https://my-resource.openai.azure.com/openai/v1/"
deployment = "DeepSeek-R1"   # the deployment name
auth = "entra"

[profiles.azure.retry]
max_attempts = 3   # fewer retries

# a local server
[profiles.local]
endpoint = "http://localhost:11434/v1"
deployment = "deepseek-r1:8b"
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_update_profile_keeps_comments_and_other_profiles(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "config.toml"
    write_private(path, ORIGINAL)
    update_profile(path, "local", {"max_tokens": 2048, "stop": ["</answer>", "STOP"], "n": 2,
                                   "system_prompt": "Be brief.\nAnswer in French."})
    text = path.read_text()
    for line in ORIGINAL.splitlines():
        assert line in text, line  # every original line, comments included, is still there
    data = read_config_file(path)
    assert data["profiles"]["local"]["max_tokens"] == 2048
    assert data["profiles"]["local"]["stop"] == ["</answer>", "STOP"]
    assert data["profiles"]["local"]["system_prompt"] == "Be brief.\nAnswer in French."
    assert data["profiles"]["azure"]["retry"] == {"max_attempts": 3}
    assert data["default_profile"] == "azure"
    assert profile_names(path) == ["azure", "local"]
    settings = load_settings(Overrides(profile="local"), env={}, path=path)
    assert settings.defaults.max_tokens == 2048 and settings.defaults.n == 2
    # removing a value deletes only that key
    update_profile(path, "local", {"n": None, "stop": []})
    assert "n" not in read_profile(path, "local") and "stop" not in read_profile(path, "local")
    assert read_profile(path, "local")["max_tokens"] == 2048


def test_files_are_private_and_written_atomically(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "config.toml"
    set_theme(path, "ansi-dark")
    assert _mode(path) == 0o600 and _mode(path.parent) == 0o700
    assert read_config_file(path)["theme"] == "ansi-dark"
    path.chmod(0o644)
    update_profile(path, "p", {"endpoint": "http://127.0.0.1:1/v1/", "deployment": "d"}, make_default=True)
    assert _mode(path) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.toml"]  # no temporary file left
    data = read_config_file(path)
    assert data["theme"] == "ansi-dark" and data["default_profile"] == "p"


def test_theme_is_top_level_and_replaced_in_place(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    write_private(path, ORIGINAL)
    set_theme(path, "nord")
    set_theme(path, "dracula")
    text = path.read_text()
    assert text.count("theme =") == 1 and text.index("theme =") < text.index("[profiles.azure]")
    assert read_config_file(path)["theme"] == "dracula"
    assert "# my r1-tui configuration — keep this comment" in text


def test_symlinked_config_is_written_through_to_its_target(tmp_path: Path) -> None:
    """#15.9: a config.toml linked from a dotfiles folder stays a link; the target is replaced atomically, mode kept."""
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "r1-tui.toml"
    target.write_text(ORIGINAL)
    target.chmod(0o640)
    link = tmp_path / "cfg" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(target)
    set_theme(link, "gruvbox")
    update_profile(link, "local", {"max_tokens": 512})
    assert link.is_symlink() and link.resolve() == target
    assert _mode(target) == 0o640
    text = target.read_text()
    assert 'theme = "gruvbox"' in text and "max_tokens = 512" in text and "keep this comment" in text
    assert sorted(p.name for p in dotfiles.iterdir()) == ["r1-tui.toml"]  # no temporary file left behind
    assert read_config_file(link)["theme"] == "gruvbox"


def test_link_to_a_missing_target_in_an_existing_folder_creates_it_private(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.toml"
    link = tmp_path / "config.toml"
    link.symlink_to(target)
    set_theme(link, "nord")
    assert link.is_symlink() and _mode(target) == 0o600 and 'theme = "nord"' in target.read_text()
