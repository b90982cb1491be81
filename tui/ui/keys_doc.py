"""README's table of ``[keys]`` ids, generated from the bindings (tests/test_keys_doc.py keeps them equal).

    python -m tui.ui.keys_doc            # print the table
    python -m tui.ui.keys_doc README.md  # rewrite the table in README.md
"""

from __future__ import annotations

import sys
from pathlib import Path

from tui.ui.bindings import areas
from tui.ui.screens.help import format_keys

BEGIN = "<!-- keys: generated from tui/ui/bindings.py by `python -m tui.ui.keys_doc README.md` -->"
END = "<!-- /keys -->"


def keys_table() -> str:
    """A Markdown table: every binding id, its default keys, what it does and where."""
    lines = ["| id | default keys | what it does | where |", "| --- | --- | --- | --- |"]
    seen: set[str] = set()
    for area in areas():
        for binding in area.bindings:
            if not binding.id or binding.id in seen:
                continue
            seen.add(binding.id)
            keys = format_keys(binding.key).replace("|", "\\|")
            what = (binding.tooltip or binding.description or binding.action).replace("|", "\\|")
            lines.append(f"| `{binding.id}` | `{keys}` | {what} | {area.name.lower()} |")
    return "\n".join(lines)


def with_table(readme: str) -> str:
    """``readme`` with the text between the markers replaced by the current table."""
    start, end = readme.index(BEGIN), readme.index(END)
    return readme[: start + len(BEGIN)] + "\n" + keys_table() + "\n" + readme[end:]


def main(argv: list[str]) -> int:
    if not argv:
        print(keys_table())
        return 0
    path = Path(argv[0])
    path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
