"""The layering, checked with import-linter's contracts in pyproject.toml.

import-linter resolves relative imports and sees imports inside functions, so a
``from ..ui import keys`` in tui/store/ or a lazy ``import textual`` in tui/chat/ breaks a contract.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import tui

PACKAGE = Path(tui.__file__).resolve().parent
PYPROJECT = PACKAGE.parent / "pyproject.toml"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports on the ``tui`` package found under ``root`` with the project's contracts."""
    return subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                           "sys.exit(lint_imports_command())", "--no-cache"],
                          cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)


def test_the_contracts_hold() -> None:
    result = lint_imports(PACKAGE.parent)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "broken" in result.stdout and " 0 broken" in result.stdout


def test_a_relative_import_of_the_ui_from_the_store_is_caught(tmp_path: Path) -> None:
    shutil.copytree(PACKAGE, tmp_path / "tui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    (tmp_path / "tui" / "store" / "sneaky.py").write_text("def f():\n    from ..ui import keys\n    return keys\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0 and "tui.store.sneaky -> tui.ui" in result.stdout


def test_ask_path_does_not_load_textual() -> None:
    code = ("import sys, tui.cli, tui.commands.ask, tui.chat.session, tui.llm.client, tui.store; "
            "print('textual' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
