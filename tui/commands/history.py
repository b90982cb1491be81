"""``r1-tui history ...``: list, show, search, export, import, delete, rename, archive, trace, replay.

The lead's tui/cli.py calls :func:`add_history_parser` and then :func:`run_history`.
Every untrusted string printed goes through tui.sanitize (the formatting is in
tui/history_format.py; JSON output escapes C1 controls and line separators too).
Exit codes: 0 ok, 1 unusable database (corrupt / newer schema), 2 bad usage / unknown id.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path
from typing import Any, TextIO

from tui.commands.history_tree import shown_conversation
from tui.commands.history_trace import add_trace_parsers, cmd_replay, cmd_trace
from tui.formats.history_text import conversation_text, hits_json, hits_lines, summaries_json, summaries_table
from tui.formats.markdown import to_markdown
from tui.formats.safe_json import dumps
from tui.sanitize import for_display, one_line
from tui.store import CorruptDatabaseError, HistoryStore, NewerSchemaError, StoreError
from tui.store.export import FORMAT, validate
from tui.store.import_file import Record, read_records

__all__ = ["add_history_parser", "run_history"]
_READ_ONLY = {"list", "show", "search", "export", "trace", "replay"}


class UsageError(Exception):
    """Bad usage: message on stderr, exit 2."""


def add_history_parser(subparsers: Any) -> None:
    """Register the ``history`` subcommand and its own subcommands."""
    p = subparsers.add_parser("history", help="browse, search, export and manage saved conversations",
                              description="Browse, search, export and manage saved conversations.")
    p.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                   help="browse the conversations of --demo runs (kept apart from real history)")
    sub = p.add_subparsers(dest="history_command", metavar="COMMAND", required=True)
    s = sub.add_parser("list", help="list conversations, newest first")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.add_argument("--archived", action="store_true", help="list archived conversations instead")
    s = sub.add_parser("show", help="print one conversation (its active path)")
    s.add_argument("id", metavar="ID", help="conversation id (a unique prefix is enough)")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.add_argument("--tree", action="store_true",
                   help="with --json: every message of every branch, each marked active or not")
    s = sub.add_parser("search", help="full-text search of prompts, answers and reasoning")
    s.add_argument("query", metavar="QUERY")
    s.add_argument("--json", action="store_true", help="print JSON")
    s = sub.add_parser("export", help="export one conversation (or all) as Markdown or JSON")
    s.add_argument("id", metavar="ID", nargs="?", help="conversation id (or use --all)")
    s.add_argument("--all", action="store_true", help="export every conversation (archived too)")
    s.add_argument("--format", choices=("md", "json", "jsonl", "html"), default="json",
                   help="json (lossless, importable), md, jsonl (one line per answer), html (one page); default: json")
    s.add_argument("-o", "--output", metavar="FILE", help="write to FILE (mode 0600) instead of stdout")
    s.add_argument("--tree", action="store_true", help="jsonl: every answer of every branch (default: the active path)")
    s.add_argument("--think-tags", action="store_true",
                   help="jsonl: reasoning inside <think>…</think> in content instead of reasoning_content")
    s = sub.add_parser("import", help="import conversations from a JSON export")
    s.add_argument("file", metavar="FILE", help="JSON file from `history export --format json` ('-' = stdin)")
    s = sub.add_parser("delete", help="delete a conversation")
    s.add_argument("id", metavar="ID")
    s.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    s = sub.add_parser("rename", help="set a conversation's title")
    s.add_argument("id", metavar="ID")
    s.add_argument("title", metavar="TITLE")
    for name, text in (("archive", "hide a conversation from the main list"),
                       ("unarchive", "bring an archived conversation back")):
        s = sub.add_parser(name, help=text)
        s.add_argument("id", metavar="ID")
    add_trace_parsers(sub)


def run_history(args: argparse.Namespace, db_path: Path) -> int:
    """Run a parsed ``history`` command against the database at ``db_path``."""
    command = args.history_command
    try:
        store = HistoryStore.open(Path(db_path), read_only=command in _READ_ONLY)
    except (CorruptDatabaseError, NewerSchemaError) as exc:
        _err(str(exc))
        return 1
    except (StoreError, OSError) as exc:
        _err(f"cannot open history {db_path}: {exc}")
        return 1
    try:
        return _COMMANDS[command](store, args)
    except (UsageError, StoreError) as exc:
        _err(str(exc))
        return 2
    finally:
        store.close()


# ------------------------------------------------------------------ helpers
def _err(message: str) -> None:
    print(f"r1-tui history: {for_display(message)}", file=sys.stderr)


def _report_damage(problems: list[str]) -> None:
    """A tampered file: say which row held what, once per problem; the rest is shown as usual."""
    for problem in problems[:20]:
        _err(f"damaged row: {problem} (shown as best it can be)")
    if len(problems) > 20:
        _err(f"... and {len(problems) - 20} more damaged values")


def _conversation_damage(store: HistoryStore, conv_id: str) -> None:
    conv = store.get_conversation(conv_id)
    if conv is not None:
        _report_damage(conv.damage)


def _all_summaries(store: HistoryStore, archived: bool) -> list[Any]:
    out, offset = [], 0
    while True:
        page = store.list_conversations(archived=archived, limit=500, offset=offset)
        out.extend(page)
        if len(page) < 500:
            return out
        offset += 500


def _write_output(text: str, output: str | None, newline: bool = True) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") or not newline else text + "\n")
        return
    fd = _open_output(output)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def _open_output(output: str) -> int:
    """Open ``-o FILE`` for writing, 0600; never through a symbolic link, never a directory.

    A link is refused rather than followed (its target, perhaps another user's file or one
    outside where you meant, is never written or chmod-ed). Only a regular file gets the
    0600 mode; a named pipe is written as it is.
    """
    path = Path(output)
    if path.is_symlink():
        raise UsageError(f"{output} is a symbolic link: give the real path, or omit -o to write to stdout")
    if path.is_dir():
        raise UsageError(f"{output} is a directory: give a file name, e.g. {path / 'export.json'}")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {output}: the directory {path.parent} does not exist")
    try:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NOCTTY, 0o600)
    except OSError as exc:  # a link or directory that appeared meanwhile, or no permission
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc
    if stat.S_ISREG(os.fstat(fd).st_mode):
        os.fchmod(fd, 0o600)
    return fd


# ----------------------------------------------------------------- commands
def _cmd_list(store: HistoryStore, args: argparse.Namespace) -> int:
    rows = _all_summaries(store, args.archived)
    _report_damage([f"conversation {r.id}: {d}" for r in rows for d in r.damaged])
    if args.json:
        print(summaries_json(rows, store.conversation_costs([r.id for r in rows])))
        return 0
    if not rows:
        print("No archived conversations." if args.archived else "No conversations yet.")
        return 0
    print("\n".join(summaries_table(rows)))
    return 0


def _cmd_show(store: HistoryStore, args: argparse.Namespace) -> int:
    if args.tree and not args.json:
        raise UsageError("--tree goes with --json (the text view shows the active path)")
    conv_id = store.resolve_id(args.id)
    _conversation_damage(store, conv_id)
    data = shown_conversation(store, conv_id, tree=args.tree)
    if args.json:
        print(dumps(data))
        return 0
    print("\n".join(conversation_text(data, dim_reasoning=sys.stdout.isatty())))
    return 0


def _cmd_search(store: HistoryStore, args: argparse.Namespace) -> int:
    hits = store.search(args.query)
    if args.json:
        print(hits_json(hits))
        return 0
    if not hits:
        print("No matches.")
        return 0
    print("\n".join(hits_lines(hits)))
    return 0


def _cmd_export(store: HistoryStore, args: argparse.Namespace) -> int:
    if bool(args.all) == bool(args.id):
        raise UsageError("export needs either an ID or --all (not both)")
    if args.all:
        ids = [r.id for r in _all_summaries(store, False) + _all_summaries(store, True)]
    else:
        ids = [store.resolve_id(args.id)]
    for conv_id in ids:
        _conversation_damage(store, conv_id)
    if (args.tree or args.think_tags) and args.format != "jsonl":
        raise UsageError("--tree and --think-tags go with --format jsonl")
    if args.format in ("jsonl", "html"):
        from tui.commands.history_export import export_html, export_jsonl

        text = (export_jsonl(store, ids, tree=args.tree, think_tags=args.think_tags) if args.format == "jsonl"
                else export_html(store, ids))
        _write_output(text, args.output, newline=args.format == "html")
        return 0
    convs = [store.export_conversation(i) for i in ids]
    if args.format == "json":
        data = {"format": FORMAT, "conversations": convs} if args.all else convs[0]
        text = dumps(data) + "\n"
    else:
        text = "\n---\n\n".join(to_markdown(c) for c in convs)
    _write_output(text, args.output)
    return 0


def _load_import(path: str) -> list[Record]:
    try:
        if path == "-":
            raw = sys.stdin.read()
        else:
            raw = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path} is not a JSON export: {exc}") from exc
    try:
        return read_records(raw, path)
    except StoreError as exc:
        raise UsageError(str(exc)) from exc


def _label(record: Record) -> str:
    """"conversation 3 (id '01abc…')" for messages about a record."""
    ident = record.data.get("id") if isinstance(record.data, dict) else None
    shown = f" (id {one_line(repr(ident), 40)})" if isinstance(ident, str) else ""
    return f"conversation {record.number}{shown}"


def _cmd_import(store: HistoryStore, args: argparse.Namespace) -> int:
    """Import every conversation that is valid; name each refused one and why; exit 2 if any was refused."""
    records = _load_import(args.file)
    imported = present = refused = 0
    for record in records:
        problem = record.problem
        if problem is None:
            try:
                validate(record.data)
            except StoreError as exc:
                problem = str(exc)
        if problem is not None:
            _err(f"refused {_label(record)}: {problem}")
            refused += 1
            continue
        try:
            store.import_conversation(record.data)
            imported += 1
        except StoreError as exc:
            _err(f"skipped {_label(record)}: {exc}")
            present += 1
    if refused and not imported:
        raise UsageError(f"nothing imported from {args.file}")
    print(f"Imported {imported} conversation{'s' if imported != 1 else ''}"
          + (f", skipped {present} already present" if present else "")
          + (f", refused {refused} (see above)" if refused else "") + ".")
    return 2 if refused else 0


def _confirm(prompt: str, stdin: TextIO) -> bool:
    sys.stdout.write(prompt)
    sys.stdout.flush()
    answer = stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def _cmd_delete(store: HistoryStore, args: argparse.Namespace) -> int:
    conv_id = store.resolve_id(args.id)
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("refusing to delete without --yes when stdin is not a terminal")
        summary = store.get_conversation(conv_id)
        title = one_line(summary.title, 60) if summary else conv_id
        count = len(summary.messages) if summary else 0
        if not _confirm(f"Delete “{title}” ({count} messages)? [y/N] ", sys.stdin):
            print("Not deleted.")
            return 0
    store.delete_conversation(conv_id)
    print(f"Deleted {for_display(conv_id)}.")
    return 0


def _cmd_rename(store: HistoryStore, args: argparse.Namespace) -> int:
    if not args.title.strip():
        raise UsageError("a title cannot be empty: give the new title, e.g. r1-tui history rename ID \"Zebra stripes\"")
    conv_id = store.resolve_id(args.id)
    store.rename_conversation(conv_id, args.title)
    print(f"Renamed {for_display(conv_id)} to “{one_line(args.title, 80)}”.")
    return 0


def _cmd_archive(store: HistoryStore, args: argparse.Namespace) -> int:
    conv_id = store.resolve_id(args.id)
    archive = args.history_command == "archive"
    store.set_archived(conv_id, archive)
    print(f"{'Archived' if archive else 'Unarchived'} {for_display(conv_id)}.")
    return 0


_COMMANDS = {
    "list": _cmd_list, "show": _cmd_show, "search": _cmd_search, "export": _cmd_export,
    "import": _cmd_import, "delete": _cmd_delete, "rename": _cmd_rename,
    "archive": _cmd_archive, "unarchive": _cmd_archive, "trace": cmd_trace, "replay": cmd_replay,
}
