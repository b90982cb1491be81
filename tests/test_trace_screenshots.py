"""scripts/trace_screenshots.py saves the compare screen of a demo conversation as SVG."""

from __future__ import annotations

import importlib.util
import re
from html import unescape
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "trace_screenshots.py"


def load_script(path: Path) -> ModuleType:
    """A script of scripts/ loaded as a module (its main() takes argv)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compare_screenshot_is_written(tmp_path: Path, capsys) -> None:
    module = load_script(SCRIPT)
    assert module.main(["--out-dir", str(tmp_path), "--only", "compare"]) == 0
    svg = tmp_path / "trace-compare.svg"
    assert f"saved {svg}" in capsys.readouterr().out
    text = unescape(svg.read_text(encoding="utf-8")).replace("\xa0", " ")
    assert text.startswith("<svg") and 'viewBox="0 0 ' in text
    shown = " ".join(re.findall(r">([^<>]+)</text>", text))
    assert "Compare answers 1 and 2 of 3" in shown and "answer 2/3" in shown and "(timeline)" in shown
    assert len(re.findall(r"chars · ~[\d,]+ tok", shown)) == 2  # n = 3: usage came once, for the request
    assert list(tmp_path.iterdir()) == [svg]


def test_outline_screenshot_is_written(tmp_path: Path, capsys) -> None:
    module = load_script(SCRIPT)
    assert module.main(["--out-dir", str(tmp_path), "--only", "outline"]) == 0
    svg = tmp_path / "trace-outline.svg"
    text = unescape(svg.read_text(encoding="utf-8")).replace("\xa0", " ")
    shown = " ".join(re.findall(r">([^<>]+)</text>", text))
    assert re.search(r"step \d+/\d+ · 1 pivot · ~\d+ tok · \d+\.\d+ s", shown)  # the header on the pivot step
    assert "» " in shown or "»" in shown.split()  # the pivot marked in the margin


def test_readme_screenshot_is_written(tmp_path: Path, capsys) -> None:
    """scripts/screenshot.py (README's docs/screenshot.svg) runs against the app as it is now."""
    module = load_script(SCRIPT.parent / "screenshot.py")
    svg = tmp_path / "shot.svg"
    assert module.main(["--out", str(svg)]) == 0
    shown = " ".join(re.findall(r">([^<>]+)</text>", unescape(svg.read_text(encoding="utf-8")).replace("\xa0", " ")))
    assert "reverse" in shown and "Reasoning" in shown
