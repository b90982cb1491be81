"""Mutation testing, module by module: how many deliberate bugs do the unit tests catch?

For each module below, mutmut (3.x, ``pip install -e '.[mutation]'``) makes small changes to
the code (``<`` to ``<=``, ``"a"`` to ``"XXaXX"``, a call's argument to ``None``...) and runs
that module's fast unit tests against each change. A *killed* mutant made a test fail; a
*survivor* is a bug no test would notice; *no tests* means none of those tests even runs the
mutated function. Each module runs in its own scratch copy of the project (``.mutation/<name>``,
kept for ``mutmut show`` / ``mutmut browse`` there), bounded in time, and one row per module
goes into a Markdown table. Not part of CI: a full run takes tens of minutes.

    python bench/mutation.py                      # every module, table to bench/MUTATION.md
    python bench/mutation.py tui/llm/think.py     # only the modules named (or glob patterns)
    python bench/mutation.py --list               # the modules and their tests
    python bench/mutation.py --survivors tui/llm/sse.py   # also print each survivor's diff

The shared settings (pytest arguments, timeouts) are ``[tool.mutmut]`` in pyproject.toml; this
script adds the per-module part (which file to mutate, which tests to run).
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".mutation"
COPIED = ("tui", "tests", "styles", "README.md")  # some tests read the README (its tables are checked)

_STORE = ["tests/test_store_repo.py", "tests/test_store_schema.py", "tests/test_store_export.py",
          "tests/test_store_search.py", "tests/test_store_writer.py", "tests/test_store_annotations.py",
          "tests/test_store_alternatives.py", "tests/test_import_edges.py", "tests/test_storage_faults.py",
          "tests/test_history_daily.py"]
# The store's small modules: their own unit tests and the repository's (the CLI-driven tests in
# _STORE run in subprocesses, which never see a mutant, and take a minute per mutant).
_STORE_CORE = ["tests/test_store_repo.py", "tests/test_store_schema.py"]
_LOW = ["tests/test_store_db.py", *_STORE_CORE]  # the file, its connections, errors, ids
_CHAT = ["tests/test_chat_units.py", "tests/test_chat_tree.py", "tests/test_store_alternatives.py"]
_ENGINE = ["tests/test_chat_session.py", "tests/test_chat_units.py"]  # through a loopback server and the writer

# module -> its fast, in-process unit tests (tests that start the app or the CLI in a
# subprocess cannot see a mutant, so they are left out).
MODULES: dict[str, list[str]] = {
    "tui/llm/think.py": ["tests/test_think.py"],
    "tui/llm/decode.py": ["tests/test_decode.py"],
    "tui/llm/sse.py": ["tests/test_sse.py"],
    "tui/llm/retry.py": ["tests/test_retry.py"],
    "tui/llm/errors.py": ["tests/test_errors.py"],
    "tui/llm/endpoint.py": ["tests/test_endpoint.py", "tests/test_config.py"],
    "tui/llm/chunk_check.py": ["tests/test_chunk_check.py", "tests/test_decode.py", "tests/test_sse.py"],
    "tui/llm/route.py": ["tests/test_endpoint.py"],
    "tui/llm/request.py": ["tests/test_request.py", "tests/test_request_extras.py"],
    "tui/llm/extras.py": ["tests/test_request.py", "tests/test_request_extras.py"],
    "tui/llm/thinking.py": ["tests/test_request.py", "tests/test_request_extras.py"],
    "tui/llm/context_window.py": ["tests/test_request.py", "tests/test_request_extras.py"],
    "tui/sanitize.py": ["tests/test_sanitize.py"],
    "tui/metrics.py": ["tests/test_metrics.py"],
    "tui/store/schema.py": ["tests/test_store_schema.py", "tests/test_store_annotations.py",
                            "tests/test_store_alternatives.py"],
    "tui/store/repo.py": _STORE,
    "tui/store/streaming.py": ["tests/test_store_streaming.py", *_STORE_CORE, "tests/test_store_writer.py"],
    "tui/store/background.py": ["tests/test_store_background.py", "tests/test_store_writer.py", "tests/test_chat_session.py"],
    "tui/store/export.py": ["tests/test_store_export.py", "tests/test_import_edges.py", "tests/test_path_safety.py"],
    "tui/store/search.py": ["tests/test_store_search.py"],
    "tui/store/attachments.py": [*_STORE_CORE, "tests/test_store_search.py", "tests/test_store_export.py",
                                 "tests/test_store_writer.py"],
    "tui/store/import_file.py": ["tests/test_import_file.py", "tests/test_import_edges.py"],
    "tui/store/annotations.py": ["tests/test_store_annotations.py", *_STORE_CORE],
    "tui/store/db.py": _LOW,
    "tui/store/errors.py": _LOW,
    "tui/store/ids.py": _LOW,
    "tui/store/liveness.py": ["tests/test_store_liveness.py", *_STORE_CORE],
    "tui/store/models.py": ["tests/test_store_rows.py", *_STORE_CORE],
    "tui/store/opening.py": _LOW,
    "tui/store/recall.py": ["tests/test_store_recall.py", *_STORE_CORE],
    "tui/store/rows.py": ["tests/test_store_rows.py", *_STORE_CORE],
    "tui/store/validate.py": _LOW,
    "tui/store/tree_backfill.py": ["tests/test_store_tree_backfill.py", *_STORE_CORE],
    "tui/chat/tree.py": _CHAT,
    "tui/chat/context.py": _CHAT,
    "tui/chat/transcript.py": _CHAT,
    "tui/chat/session.py": _ENGINE,
    "tui/chat/exchange.py": _ENGINE,
    "tui/chat/recorder.py": _ENGINE,
    "tui/chat/attachments.py": _CHAT,
    "tui/chat/records.py": ["tests/test_chat_records.py", *_ENGINE],
    "tui/chat/recall.py": ["tests/test_chat_recall.py"],
    "tui/chat/titles.py": [*_CHAT, "tests/test_chat_titles.py"],
}

# mutmut's exit-code verdicts (mutmut/stats.py), folded into the table's columns.
_KILLED = {1, 3, -24, 24, 152, 255, 36}  # a test failed, or the run hit its timeout
_TYPED = {37}  # mypy rejected the mutant before any test ran
_SURVIVED = {0}
_NO_TESTS = {5, 33}


@dataclass
class Row:
    """One module's result."""

    module: str
    killed: int = 0
    typed: int = 0
    equivalent: int = 0  # survivors that only change the letter case of SQL keywords or names
    survived: int = 0
    no_tests: int = 0
    other: int = 0  # skipped, suspicious, not checked (a run that hit the module time limit)
    seconds: float = 0.0
    note: str = ""
    survivors: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.killed + self.typed + self.equivalent + self.survived + self.no_tests + self.other

    @property
    def score(self) -> float:
        """Killed by a test or by mypy, in per cent of the mutants that are not equivalent."""
        counted = self.total - self.equivalent
        return 100.0 * (self.killed + self.typed) / counted if counted else 0.0


_NO_UNIT_TESTS = "tests/test_mutation_placeholder.py"  # written in the scratch copy: a module without tests


def _toml_value(value: object) -> str:
    return json.dumps(value)  # strings, numbers, booleans and lists of them: valid TOML too


def _scratch_pyproject(module: str, tests: list[str]) -> str:
    """The project's pyproject.toml with a ``[tool.mutmut]`` for this one module."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    shared = dict(tomllib.loads(text).get("tool", {}).get("mutmut", {}))
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    present = [t for t in tests if (ROOT / t).exists()] or [_NO_UNIT_TESTS]  # never the whole suite
    shared.update(source_paths=["tui/"], only_mutate=[module], pytest_add_cli_args_test_selection=present)
    if shared.pop("type_check", False):  # mypy first: a mutant it rejects (None for a str...) counts as caught
        shared["type_check_command"] = [sys.executable, "-m", "mypy", "--output", "json", "--follow-imports", "silent",
                                        "--no-warn-unused-ignores", module]  # mutmut's trampolines carry ignores
    lines = ["", "[tool.mutmut]"] + [f"{key} = {_toml_value(value)}" for key, value in shared.items()]
    return text.rstrip() + "\n" + "\n".join(lines) + "\n"


def _prepare(module: str, tests: list[str]) -> Path:
    work = SCRATCH / module.replace("/", "_").removesuffix(".py")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", "*.pyc")
    for name in COPIED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, work / name, ignore=ignore)
        elif (ROOT / name).is_file():
            shutil.copy2(ROOT / name, work / name)
    (work / _NO_UNIT_TESTS).write_text("def test_nothing() -> None:\n    pass\n", encoding="utf-8")
    (work / "pyproject.toml").write_text(_scratch_pyproject(module, tests), encoding="utf-8")
    return work


# SQL here is written with upper-case keywords; a line holding one (case-sensitive) is taken as SQL.
_SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|BEGIN|COMMIT|ROLLBACK|PRAGMA|SAVEPOINT|RELEASE|"
                  r"FROM|WHERE|JOIN|ORDER BY|GROUP BY|VALUES|MATCH|LIMIT|OFFSET|INTO|SET|DESC|COALESCE)\b")
_SQL_LITERAL = re.compile(r"'[^']*'")


def _sql_case_only(work: Path, module: str, names: list[str]) -> set[str]:
    """The mutants among ``names`` that only change the case of an SQL statement's keywords and
    names (SQLite ignores it), leaving its quoted literals alone: equivalent by construction."""
    source = (work / "mutants" / module).read_text(encoding="utf-8")
    lines = source.splitlines()  # sliced by line numbers: get_source_segment re-splits the file per call
    functions = {node.name: "\n".join(lines[node.lineno - 1:node.end_lineno]) for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    found = set()
    for name in names:
        function = name.rsplit(".", 1)[-1]
        original = functions.get(function.rsplit("__mutmut_", 1)[0] + "__mutmut_orig")
        mutant = functions.get(function)
        if original is None or mutant is None:
            continue
        changed = [(a, b) for a, b in zip(original.splitlines()[1:], mutant.splitlines()[1:]) if a != b]
        if (len(changed) == 1 and len(original.splitlines()) == len(mutant.splitlines())
                and changed[0][0].lower() == changed[0][1].lower() and _SQL.search(changed[0][0])
                and _SQL_LITERAL.findall(changed[0][0]) == _SQL_LITERAL.findall(changed[0][1])):
            found.add(name)
    return found


def _tally(work: Path, module: str, row: Row) -> None:
    meta = work / "mutants" / (module + ".meta")
    if not meta.exists():
        row.note = row.note or "no results (see mutmut.log)"
        return
    codes: dict[str, int | None] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    log = (work / "mutmut.log").read_text(encoding="utf-8", errors="replace")
    if not codes:  # classes, constants, decorated methods: mutmut 3 changes none of them
        row.note = "nothing to mutate"
        return
    if "could not find any test case for any mutant" in log:  # mutmut stops before running any mutant
        codes = dict.fromkeys(codes, 33)
        row.note = "no test runs this module"
    survivors = []
    for name, code in codes.items():
        if code in _KILLED:
            row.killed += 1
        elif code in _TYPED:
            row.typed += 1
        elif code in _SURVIVED:
            row.survived += 1
            survivors.append(name)
        elif code in _NO_TESTS:
            row.no_tests += 1
            survivors.append(name)
        else:
            row.other += 1
    equivalent = _sql_case_only(work, module, [n for n in survivors if codes[n] in _SURVIVED])
    row.equivalent, row.survived = len(equivalent), row.survived - len(equivalent)
    row.survivors = tuple(sorted(set(survivors) - equivalent))


def run_module(module: str, tests: list[str], limit_s: float, children: int) -> Row:
    """Mutate ``module``, run its tests against every mutant (at most ``limit_s`` seconds)."""
    row = Row(module)
    work = _prepare(module, tests)
    started = time.monotonic()
    cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(children)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    with open(work / "mutmut.log", "wb") as log:
        proc = subprocess.Popen(cmd, cwd=work, stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        try:
            proc.wait(timeout=limit_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            row.note = f"stopped at the {limit_s:.0f} s limit"
    row.seconds = time.monotonic() - started
    _tally(work, module, row)
    checked = row.total - row.equivalent - row.other
    if row.other and checked:  # say what the checked part showed
        row.note += f"; of the {checked} checked, {100.0 * (row.killed + row.typed) / checked:.1f} % killed"
    if proc.returncode not in (0, -signal.SIGKILL) and not row.note:
        row.note = f"mutmut exited {proc.returncode} (see mutmut.log)"
    return row


def table(rows: list[Row]) -> str:
    """The results as a Markdown table."""
    out = ["| module | mutants | killed by tests | by mypy | SQL case | survived | no tests | other | killed % "
           "| run time | note |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    total = Row("**all**", sum(r.killed for r in rows), sum(r.typed for r in rows), sum(r.equivalent for r in rows),
                sum(r.survived for r in rows), sum(r.no_tests for r in rows), sum(r.other for r in rows),
                sum(r.seconds for r in rows))
    for r in [*rows, total]:
        name = r.module if r is total else f"`{r.module}`"
        out.append(f"| {name} | {r.total} | {r.killed} | {r.typed} | {r.equivalent} | {r.survived} | {r.no_tests} | "
                   f"{r.other} | {f'{r.score:.1f}' if r.total else '–'} | {r.seconds:.0f} s | {r.note} |")
    return "\n".join(out) + "\n"


BEFORE = """Before (issue #18, mutmut 3.8 against `tests/test_think.py` and `tests/test_sanitize.py` only):

| modules | mutants | killed | survived | not covered | killed % |
|---|---:|---:|---:|---:|---:|
| `tui/llm/think.py` + `tui/sanitize.py` | 294 | 240 | 43 | 11 | 81.6 |
"""


NOTES = """*killed %* = (killed by tests + by mypy) / (mutants − SQL case). *SQL case*: mutants that only
change the letter case of an SQL statement (SQLite ignores it), equivalent by construction. The other
equivalent mutants are not generated at all: they are marked in the code with
`# pragma: no mutate (reason)` (`grep -rn 'no mutate' tui/`). *other*: not checked (the module's time
limit) or mutmut's own failures. Run times are wall time on a 2-core machine shared with other work.
"""


def report(rows: list[Row], text: str) -> str:
    """bench/MUTATION.md: the table, the run time, and the "before" of issue #18."""
    seconds = sum(r.seconds for r in rows)
    below = [r.module for r in rows if (r.total and r.score < 90.0) or r.no_tests]
    verdict = (f"Below 90 % or with mutants no test runs: {', '.join(f'`{m}`' for m in below)}." if below
               else "Every module: at least 90 % killed, none without tests.")
    return (f"# Mutation testing (bench/mutation.py)\n\nAfter ({len(rows)} modules, mutmut 3.8; "
            f"total run time {seconds / 60:.0f} min):\n\n{text}\n{verdict}\n\n{NOTES}\n{BEFORE}")


def _selected(patterns: list[str]) -> list[str]:
    if not patterns:
        return list(MODULES)
    chosen = [m for m in MODULES if any(fnmatch.fnmatch(m, p) or m == p for p in patterns)]
    unknown = [p for p in patterns if not any(fnmatch.fnmatch(m, p) or m == p for m in MODULES)]
    if unknown:
        raise SystemExit(f"not in bench/mutation.py's MODULES: {', '.join(unknown)}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="modules (paths or glob patterns) to run; default: all")
    parser.add_argument("--limit", type=float, default=900.0, help="seconds allowed per module (default 900)")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 1, help="mutants tested at once")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "MUTATION.md",
                        help="Markdown file the table is written to ('-': stdout only)")
    parser.add_argument("--json", type=Path, help="also write every row (with survivor names) as JSON")
    parser.add_argument("--merge", type=Path, nargs="+", default=[], help="JSON files of earlier runs (--json): "
                        "their rows for the modules not run now go into the table too")
    parser.add_argument("--no-run", action="store_true", help="run nothing: the table of the --merge files only")
    parser.add_argument("--survivors", action="store_true", help="print each survivor's diff (mutmut show)")
    parser.add_argument("--list", action="store_true", help="list the modules and their tests, run nothing")
    args = parser.parse_args(argv)
    modules = _selected(args.modules)
    if args.list:
        for m in modules:
            print(f"{m}: {' '.join(MODULES[m])}")
        return 0
    rows: list[Row] = []
    for module in [] if args.no_run else modules:
        print(f"{module} ...", end=" ", flush=True)
        row = run_module(module, MODULES[module], args.limit, args.children)
        rows.append(row)
        if args.json:  # after each module: a long run stopped half way keeps what it measured
            _write_json(args.json, rows)
        print(f"{row.killed}+{row.typed}/{row.total} killed ({row.score:.1f} %), {row.survived} survived, "
              f"{row.no_tests} no tests, {row.seconds:.0f} s {row.note}", flush=True)
        if args.survivors:
            work = SCRATCH / module.replace("/", "_").removesuffix(".py")
            for name in row.survivors:
                subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=work, check=False)
    if args.merge:  # earlier rows of the modules not run this time, in MODULES' order
        fresh = {r.module for r in rows}
        merged = {r.module: r for path in args.merge for r in _read_json(path)}  # a later file's row wins
        kept = [r for r in merged.values() if r.module not in fresh]
        order = {m: i for i, m in enumerate(MODULES)}
        rows = sorted([*kept, *rows], key=lambda r: order.get(r.module, len(order)))
        if args.json:
            _write_json(args.json, rows)
    text = table(rows)
    print(text)
    if str(args.out) != "-":
        args.out.write_text(report(rows, text), encoding="utf-8")
    return 0


def _write_json(path: Path, rows: list[Row]) -> None:
    path.write_text(json.dumps([{**r.__dict__, "survivors": list(r.survivors)} for r in rows], indent=1),
                    encoding="utf-8")


def _read_json(path: Path) -> list[Row]:
    if not path.exists():
        return []
    return [Row(**{**item, "survivors": tuple(item["survivors"])}) for item in json.loads(path.read_text("utf-8"))]


if __name__ == "__main__":
    raise SystemExit(main())
