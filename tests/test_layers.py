"""The layering rule, checked: the core never imports the UI.

Nothing under tui/llm/ or tui/store/ may import textual or tui.ui; tui/llm/ and tui/store/
do not import each other; no module outside tui/ui/ imports textual at module level.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tui

PACKAGE = Path(tui.__file__).resolve().parent


def imports_of(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            names.add("." * node.level + (node.module or ""))
    return names


def modules_under(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


def test_core_layers_never_import_the_ui() -> None:
    offenders = []
    for layer in ("llm", "store", "demo", "trace"):
        for path in modules_under(layer):
            for name in imports_of(path):
                if name.split(".")[0] in ("textual", "rich") or name.startswith("tui.ui"):
                    offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


def test_llm_and_store_do_not_know_each_other() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for layer, other in (("llm", "tui.store"), ("store", "tui.llm"))
        for path in modules_under(layer)
        for name in imports_of(path)
        if name.startswith(other)
    ]
    assert offenders == []


def test_only_the_ui_imports_textual_at_module_level() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "ui" not in path.relative_to(PACKAGE).parts[:1]
        and any(n.split(".")[0] == "textual" for n in imports_of(path, top_level_only=True))
    ]
    assert offenders == []


def test_ask_path_does_not_load_textual() -> None:
    code = "import sys, tui.cli, tui.commands.ask, tui.chat.recorder, tui.llm.client, tui.store; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
