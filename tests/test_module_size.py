"""Small modules: no file of the package grows past 400 lines (split it by what it does)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tui"
LIMIT = 400


def test_every_module_is_at_most_400_lines() -> None:
    sizes = {str(path.relative_to(PACKAGE.parent)): len(path.read_text(encoding="utf-8").splitlines())
             for path in PACKAGE.rglob("*.py")}
    assert sizes, "no modules found"
    too_long = {name: lines for name, lines in sizes.items() if lines > LIMIT}
    assert not too_long, f"split these modules (over {LIMIT} lines): {too_long}"
