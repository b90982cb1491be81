"""The shape of tui/ui/, checked: no import circles, Textual's internals only in compat.py,
one widget per module, no mixins on the App and no ``Any`` standing in for it."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from textual.app import App
from textual.widget import Widget

import tui
from tui.ui.app import R1App

PACKAGE = Path(tui.__file__).resolve().parent
UI = PACKAGE / "ui"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports (at any depth, TYPE_CHECKING included), relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def ui_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in UI.rglob("*.py")}
    return {name: {m for m in imported(path) if m in modules and m != name} for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_circles_inside_the_ui() -> None:
    assert find_cycle(ui_graph()) is None


def test_the_cycle_finder_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    assert "tui.ui.keymap" in imported(UI / "app.py")
    assert any(m.startswith("tui.ui.widgets") for m in imported(UI / "screens" / "main.py"))


NAMEDTUPLE_API = {"_replace", "_asdict", "_fields", "_make"}  # public, despite the underscore


def private_textual(path: Path) -> list[str]:
    """Uses of Textual's private modules or of private attributes of objects other than ``self``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            names = [] if isinstance(node, ast.Import) else [a.name for a in node.names]
            for module in modules:
                if module.startswith("textual") and any(p.startswith("_") for p in module.split(".")):
                    found.append(f"{path.name}:{node.lineno} imports {module}")
            if modules[0].startswith("textual"):
                found += [f"{path.name}:{node.lineno} imports {n}" for n in names if n.startswith("_")]
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                and node.attr not in NAMEDTUPLE_API:
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                found.append(f"{path.name}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.FunctionDef) and node.name.startswith("_") and not node.name.startswith("__"):
            if any(node.name == name for name in dir(Widget) if name.startswith("_")):
                found.append(f"{path.name}:{node.lineno} overrides Widget.{node.name}")
    return found


def test_textual_internals_only_in_compat() -> None:
    offenders = [hit for path in sorted(UI.rglob("*.py")) if path.name != "compat.py" for hit in private_textual(path)]
    assert offenders == []


def test_the_internals_check_sees_them() -> None:
    assert private_textual(UI / "compat.py")  # compat.py is where they are


def test_one_widget_per_module() -> None:
    crowded = {}
    for path in sorted((UI / "widgets").glob("*.py")):
        module = importlib.import_module(module_name(path))
        widgets = [name for name, obj in vars(module).items()
                   if inspect.isclass(obj) and obj.__module__ == module.__name__ and issubclass(obj, Widget)]
        if len(widgets) > 1:
            crowded[path.name] = widgets
    assert crowded == {}


def test_the_app_has_no_mixins_and_no_any_app() -> None:
    own = [c for c in R1App.__mro__ if c.__module__.startswith("tui.")]
    assert own == [R1App] and R1App.__bases__ == (App,)
    hits = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            target = node.target if isinstance(node, ast.AnnAssign) else node if isinstance(node, ast.arg) else None
            annotation = node.annotation if isinstance(node, (ast.AnnAssign, ast.arg)) else None
            name = getattr(target, "id", getattr(target, "arg", getattr(target, "attr", "")))
            if annotation is not None and "app" in str(name) and ast.unparse(annotation) == "Any":
                hits.append(f"{path.name}:{node.lineno}")
    assert hits == []
