"""The package works when installed from a wheel (non-editable): CSS found, entry points present."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    (path,) = out.glob("r1_tui-*.whl")
    return path


def test_wheel_ships_styles_inside_the_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "tui/styles/app.tcss" in names
    assert any(n.endswith("entry_points.txt") for n in names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "r1-tui = tui.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_installed_app_finds_its_css_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, text=True, timeout=300)
    code = (
        "import asyncio, pathlib, tui, tui.ui.app as m\n"
        "assert pathlib.Path(tui.__file__).resolve().is_relative_to(pathlib.Path(%r).resolve()), tui.__file__\n"
        "css = pathlib.Path(m._css_path())\n"
        "assert css.is_file() and css.read_text().strip(), css\n"
        "assert str(css).startswith(%r), css\n"
        "print('ok', css)\n"
    ) % (str(target), str(target))
    env = dict(os.environ, PYTHONPATH=str(target))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")
