"""``r1-tui`` command line: the app (no subcommand), ``ask``, ``history``, ``doctor``.

This module wires the layers: configuration, the endpoint client, the history store and,
for the app, the Textual UI (imported only when the app runs, so ``ask`` starts fast).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from tui import __version__, paths
from tui.commands.closed_output import QuietWhenClosed, silence
from tui.config import (ConfigError, Overrides, PartialConfigError, Settings, load_settings, read_config_file,
                        trace_pivots)
from tui.llm.request import RequestDefaults
from tui.sanitize import for_display

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _connection_options(parser: argparse.ArgumentParser, in_subcommand: bool = False) -> None:
    # In a subcommand the defaults are suppressed, so options given before the
    # subcommand's name are not reset by the subparser.
    default: dict[str, Any] = {"default": argparse.SUPPRESS} if in_subcommand else {}
    group = parser.add_argument_group("connection (shared by every command)")
    group.add_argument("--profile", help="profile from config.toml to use", **default)
    group.add_argument("--endpoint", help="endpoint URL, e.g. https://NAME.openai.azure.com/openai/v1/", **default)
    group.add_argument("--deployment", help="deployment name (on Azure: not the model name)", **default)
    group.add_argument("--auth", choices=("entra", "key", "none"), help="how to authenticate", **default)
    group.add_argument("--demo", action="store_true", help="use the built-in demo endpoint (no account needed)", **default)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="r1-tui",
        description="A keyboard-driven terminal client for reasoning models (DeepSeek-R1 and kin).",
    )
    parser.add_argument("--version", action="version", version=f"r1-tui {__version__}")
    _connection_options(parser)
    parser.add_argument("--offline", action="store_true", help="browse history read-only; never touch the network")
    parser.add_argument("--low-bandwidth", action="store_true", help="fewer screen updates, for slow links")
    opening = parser.add_mutually_exclusive_group()
    opening.add_argument("-c", "--continue", dest="app_continue", action="store_true",
                         help="open the app on the most recently updated conversation")
    opening.add_argument("--conversation", dest="app_conversation", metavar="ID",
                         help="open the app on conversation ID (a unique prefix is enough)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = sub.add_parser("ask", help="ask one question; answer on stdout, reasoning on stderr")
    ask.add_argument("prompt", nargs="?", help="the prompt, or - to read it from standard input")
    ask.add_argument("--json", action="store_true", help="print one JSON object at the end instead of streaming")
    ask.add_argument("--hide-reasoning", action="store_true", help="do not print the reasoning")
    ask.add_argument("--system", help="system prompt (R1 follows it loosely: prefer instructions in the prompt)")
    ask.add_argument("--max-tokens", type=int, help="maximum completion tokens, reasoning included")
    ask.add_argument("--stop", action="append", help="stop sequence (repeatable)")
    ask.add_argument("-n", type=int, help="number of choices")
    ask.add_argument("--no-save", action="store_true", help="do not save this exchange to history")
    ask.add_argument("-a", "--attach", action="append", metavar="FILE",
                     help="attach a text file, sent before the prompt as a fenced block (repeatable)")
    going_on = ask.add_mutually_exclusive_group()
    going_on.add_argument("-c", "--continue", dest="continue_latest", action="store_true",
                          help="continue the most recently updated conversation")
    going_on.add_argument("--conversation", metavar="ID", help="continue conversation ID (a unique prefix is enough)")
    ask.add_argument("--extra", action="append", metavar="KEY=JSON",
                     help="add or override one request-body field for this request (repeatable), e.g. --extra top_k=40")
    think = ask.add_mutually_exclusive_group()
    think.add_argument("--think", dest="think", action="store_const", const=True,
                       help="switch thinking on for this request (the profile's thinking_param says how)")
    think.add_argument("--no-think", dest="think", action="store_const", const=False,
                       help="switch thinking off for this request")
    _connection_options(ask, in_subcommand=True)

    from tui.commands.history import add_history_parser

    add_history_parser(sub)
    # --- doctor subcommand (tui/commands/doctor.py) ---
    doctor = sub.add_parser("doctor", help="check the configuration, network, credential and deployment, with fixes")
    doctor.add_argument("--json", action="store_true", help='print {"ok": ..., "checks": [...]} instead of lines')
    _connection_options(doctor, in_subcommand=True)
    # --- end doctor ---
    return parser


def _overrides(args: argparse.Namespace, demo_url: str | None) -> Overrides:
    stop = getattr(args, "stop", None)
    return Overrides(
        profile=args.profile,
        endpoint=args.endpoint,
        deployment=args.deployment,
        auth=args.auth,
        system=getattr(args, "system", None),
        max_tokens=getattr(args, "max_tokens", None),
        stop=tuple(stop) if stop else None,
        n=getattr(args, "n", None),
        demo_url=demo_url,
    )


@contextlib.contextmanager
def _demo_server(enabled: bool) -> Iterator[str | None]:
    if not enabled:
        yield None
        return
    from tui.demo import DemoServer

    server = DemoServer()
    try:
        yield server.start()
    finally:
        server.stop()


def _error(message: str) -> None:
    sys.stderr.write("r1-tui: " + for_display(message) + "\n")


def _client(endpoint: Any) -> Any:
    """A ChatClient that remembers per deployment whether it sends reasoning (not for the demo)."""
    from tui.llm.client import ChatClient
    from tui.llm.tag_memory import FILE_NAME, TagMemory

    return ChatClient(endpoint, tag_memory=None if endpoint.is_demo else TagMemory(paths.data_dir() / FILE_NAME))


def _history_path(demo: bool = False) -> Path:
    """The history file for ``ask`` and ``history``: the fresh one if the app started one beside a damaged file."""
    from tui.commands.open_history import history_for_commands

    return history_for_commands(paths.history_db_path(demo=demo), _error)


def _load(args: argparse.Namespace, demo_url: str | None, notices: bool = False) -> Settings:
    settings = load_settings(_overrides(args, demo_url))
    for warning in settings.warnings:
        _error("warning: " + warning)
    if notices:
        from tui.once import unseen

        for notice in unseen(settings.notices):  # once ever, not on every run
            _error("note: " + notice)
    return settings


def _fenced(text: str) -> str:
    """``text`` in a Markdown code fence longer than any run of backticks inside it."""
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}{'' if text.endswith(chr(10)) else chr(10)}{fence}"
def _extras(args: argparse.Namespace) -> dict[str, Any]:
    """``ask --extra KEY=JSON`` as a dict; raises ExtraError with a usage message."""
    from tui.llm.extras import parse_extra_arg

    return dict(parse_extra_arg(item) for item in args.extra or ())


def _ask_defaults(args: argparse.Namespace, settings: Settings) -> RequestDefaults | None:
    """The profile's defaults with ``--think`` / ``--no-think`` applied (None: cannot, already said why)."""
    if args.think is None:
        return settings.defaults
    if not settings.defaults.has_thinking_switch:
        flag = "--think" if args.think else "--no-think"
        demo = " (the demo's hybrid model: --deployment demo-v3)" if settings.endpoint and settings.endpoint.is_demo else ""
        _error(f"{flag} needs to know how this host switches thinking: set thinking_param in the profile{demo}. "
               "See README: Models and hosts.")
        return None
    return settings.defaults.with_thinking(args.think)


def _read_prompt(args: argparse.Namespace) -> str | None:
    """The prompt: the argument, standard input (``-`` or no argument), or both.

    With an argument and piped input (``git diff | r1-tui ask "review this"``) the prompt is
    the argument, a blank line, then the input in a fenced block.
    """
    stdin = sys.stdin
    piped = stdin is not None and not stdin.isatty()
    if args.prompt == "-" or (args.prompt is None and piped):
        return stdin.buffer.read().decode("utf-8", errors="replace")
    if args.prompt is not None and piped:
        extra = stdin.buffer.read().decode("utf-8", errors="replace")
        if extra.strip():
            return f"{args.prompt}\n\n{_fenced(extra)}"
    return args.prompt


def _cmd_ask(args: argparse.Namespace) -> int:
    from tui.chat.attachments import AttachmentError, check_size, read_attachment
    from tui.llm.extras import ExtraError

    try:
        extra = _extras(args)
    except ExtraError as exc:
        _error(str(exc))
        return EXIT_USAGE
    prompt = _read_prompt(args)
    if prompt is None or not prompt.strip():
        _error("ask needs a prompt: r1-tui ask \"What is 17 * 23?\" (or - to read standard input)")
        return EXIT_USAGE
    try:
        attachments = tuple(read_attachment(path) for path in args.attach or ())
        check_size(prompt, attachments)
    except AttachmentError as exc:
        _error(str(exc))
        return EXIT_USAGE
    with _demo_server(args.demo) as demo_url:
        settings = _load(args, demo_url, notices=True)
        if settings.endpoint is None:
            _error(settings.setup_hint)
            return EXIT_USAGE
        defaults = _ask_defaults(args, settings)
        if defaults is None:
            return EXIT_USAGE
        return asyncio.run(_ask(args, settings, prompt, attachments, defaults.with_body_overrides(extra)))


async def _ask(args: argparse.Namespace, settings: Settings, prompt: str, attachments: tuple[Any, ...],
               defaults: RequestDefaults) -> int:
    from tui.chat.session import Session
    from tui.commands.ask import run_ask
    from tui.store import HistoryStore, StoreError

    assert settings.endpoint is not None
    continuing = args.continue_latest or args.conversation is not None
    client = _client(settings.endpoint)
    writer = reader = None
    db_path = _history_path(args.demo) if continuing or not args.no_save else paths.history_db_path(demo=args.demo)
    try:
        if continuing:
            try:
                reader = HistoryStore.open(db_path, read_only=True)
            except StoreError as exc:
                _error(f"cannot continue: {exc}")
                return EXIT_USAGE
        if not args.no_save:
            from tui.store.background import BackgroundWriter

            try:
                writer = BackgroundWriter(db_path, on_error=_save_failed)
            except StoreError as exc:
                _error(f"{exc} (the answer is not saved)")
        session = Session(client=client, defaults=defaults, store=reader, writer=writer,
                          context_window=defaults.context_window, prices=settings.prices)
        if continuing and not _continue(session, args.conversation):
            return EXIT_USAGE
        return await run_ask(session, prompt, attachments, as_json=args.json, show_reasoning=not args.hide_reasoning)
    finally:
        await client.aclose()
        if writer is not None:
            writer.close()
        if reader is not None:
            reader.close()


def _continue(session: Any, conversation: str | None) -> bool:
    """Open conversation ``conversation`` (None: the latest) in ``session``; False (and said why) if there is none."""
    from tui.chat.session import SessionError
    from tui.store import StoreError

    try:
        session.open(conversation) if conversation is not None else session.open_latest()
    except (SessionError, StoreError) as exc:
        _error(f"cannot continue: {exc}")
        return False
    return True


def _save_failed(exc: BaseException) -> None:
    _error(f"could not save to the history: {exc}")


def _cmd_app(args: argparse.Namespace) -> int:
    with _demo_server(args.demo and not args.offline) as demo_url:
        partial = None
        try:
            settings = _load(args, demo_url)
        except PartialConfigError as exc:  # an endpoint and no deployment: setup opens with what is known
            partial = exc
            data = read_config_file(exc.config_path)
            settings = Settings(None, RequestDefaults(), exc.profile, exc.config_path,
                                extra={k: data[k] for k in ("theme", "keys") if k in data})
        opening = args.app_conversation if args.app_conversation is not None else "" if args.app_continue else None
        return asyncio.run(_run_app(settings, offline=args.offline, low_bandwidth=args.low_bandwidth,
                                    overrides=_overrides(args, demo_url), demo=args.demo, partial=partial,
                                    opening=opening))


def _client_factory(overrides: Overrides) -> Any:
    """(profile, deployment) -> (ChatClient, RequestDefaults, Prices or None) for the app's profile/deployment switch."""

    def make(profile: str | None, deployment: str | None) -> Any:
        if profile is not None:  # a chosen profile replaces the connection flags
            chosen = Overrides(profile=profile, deployment=deployment)
        else:
            chosen = dataclasses.replace(overrides, deployment=deployment or overrides.deployment)
        settings = load_settings(chosen)
        if settings.endpoint is None:
            raise ConfigError(settings.setup_hint)
        return _client(settings.endpoint), settings.defaults, settings.prices

    return make


async def _run_app(settings: Settings, *, offline: bool, low_bandwidth: bool, overrides: Overrides | None = None,
                   demo: bool = False, partial: PartialConfigError | None = None, opening: str | None = None) -> int:
    """Run the app; ``opening`` is the conversation it opens on (``-c``: "", the latest; None: none)."""
    from tui.commands.open_history import open_history
    from tui.ui.factory import build_app

    interactive = sys.stdin.isatty() and sys.stderr.isatty()
    # Nothing configured: browse read-only (no file written) until setup gives a client;
    # the app then reopens the history read-write (AppContext.make_store_writable in tui/ui/context.py).
    read_only_store = offline or settings.endpoint is None
    store = open_history(paths.history_db_path(demo=demo), read_only=read_only_store, interactive=interactive,
                         report=_error, stdin=sys.stdin, stderr=sys.stderr, offer_fresh=not offline)
    if store is None:  # corrupt (fresh one declined / no terminal) or from a newer r1-tui
        return 1
    unwritable = store.read_only and not read_only_store  # a read-only folder: browse, do not chat unsaved
    read_only = offline or unwritable
    client = None if read_only or settings.endpoint is None else _client(settings.endpoint)
    hint = ("Offline: history is read-only. Run r1-tui without --offline to chat." if offline else
            f"History is read-only: {store.path.parent} cannot be written. Fix that to chat." if unwritable else
            str(partial) if partial else settings.setup_hint)
    app = None
    try:
        app = build_app(client=client, store=store, defaults=settings.defaults, read_only=read_only,
                        setup_hint=hint, low_bandwidth=low_bandwidth,
                        client_factory=_client_factory(overrides or Overrides()), keymap=settings.extra.get("keys"),
                        theme=settings.extra.get("theme"), profile=settings.profile_name,
                        config_path=settings.config_path, prices=settings.prices, demo=demo, partial=partial,
                        warnings=settings.warnings, pivots=trace_pivots(settings.extra, settings.config_path))
        if opening is not None and not _continue(app.context.session, opening or None):
            return EXIT_USAGE
        await app.run_async()
        return app.return_code or 0
    finally:
        if client is not None:
            await client.aclose()
        if app is not None:
            await app.context.aclose_owned_clients()  # clients built by a profile/deployment switch
            if app.context.store is not store:  # reopened read-write after setup
                app.context.store.close()
        store.close()


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "ask":
        return _cmd_ask(args)
    if args.command == "doctor":  # --- doctor dispatch ---
        from tui.commands.doctor import run_doctor

        with _demo_server(args.demo) as demo_url:
            return run_doctor(_overrides(args, demo_url), as_json=args.json)
    if args.command == "history":
        from tui.commands.history import run_history

        return run_history(args, _history_path(args.demo))
    return _cmd_app(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``r1-tui`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    real_stdout = sys.stdout
    if args.command in ("history", "doctor"):
        # `history list | head`, `doctor | head -3`: once the reader is gone, output is dropped
        # and the command ends normally (doctor still exits with its checks' status).
        sys.stdout = QuietWhenClosed(real_stdout)
    try:
        code = _dispatch(args)
        sys.stdout.flush()
        return code
    except ConfigError as exc:
        _error(str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # a reader went away somewhere else: end quietly
        silence(real_stdout)
        silence(sys.stderr)
        return 0
    finally:
        sys.stdout = real_stdout
