"""``r1-tui history trace`` (an answer's reasoning as an outline) and ``history replay``.

Both open the history read-only. The answer is ``--message MSG_ID`` (a unique prefix is
enough) or, by default, the selected answer of the last prompt on the active path. Replay
writes the reasoning to stderr and the answer to stdout like ``ask`` (same printer), at
the recorded pace times ``--speed``; Ctrl-C ends it cleanly (exit 130).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from tui.chat.tree import ConversationTree
from tui.config import ConfigError, configured_pivots
from tui.formats.safe_json import dumps
from tui.formats.trace_report import NO_TIMELINE, TraceReport, trace_lines, trace_object
from tui.llm.events import AnswerDelta, Finished, ReasoningDelta
from tui.sanitize import for_display
from tui.store import HistoryStore, MessageRecord, StoreError
from tui.trace.outline import sparkline, step_stats, tokens_per_char, tokens_per_second, trace_totals
from tui.trace.replay import Piece, play, schedule
from tui.trace.steps import split_steps
from tui.trace.timeline import Timeline, TimelineError, decode

EXIT_INTERRUPTED = 130


def _speed(value: str) -> float:
    try:
        speed = float(value.lower().lstrip("x×"))
    except ValueError:
        speed = 0.0
    if not 0 < speed <= 1000:
        raise argparse.ArgumentTypeError(f"{value!r} is not a speed (a positive number such as 1, 2, 4 or 16)")
    return speed


def add_trace_parsers(sub: Any) -> None:
    """Register ``history trace`` and ``history replay``."""
    help_message = "the answer's message id (default: the selected answer of the last prompt)"
    s = sub.add_parser("trace", help="outline an answer's reasoning: steps, pivots, tokens and seconds")
    s.add_argument("id", metavar="ID", help="conversation id (a unique prefix is enough)")
    s.add_argument("--message", metavar="MSG_ID", help=help_message)
    s.add_argument("--json", action="store_true", help="print JSON")
    s = sub.add_parser("replay", help="replay an answer at its recorded pace (reasoning on stderr, answer on stdout)")
    s.add_argument("id", metavar="ID", help="conversation id (a unique prefix is enough)")
    s.add_argument("--message", metavar="MSG_ID", help=help_message)
    s.add_argument("--speed", type=_speed, default=1.0, metavar="X", help="times the recorded pace: 1, 2, 4, 16 … (default 1)")


def pick_answer(store: HistoryStore, conv_id: str, message: str | None) -> MessageRecord:
    """The answer to show: ``message`` (id or unique prefix) or the last prompt's answer on the active path."""
    conv = store.get_conversation(conv_id)
    if conv is None:
        raise StoreError(f"no conversation with id {conv_id!r}")
    answers = [m for m in conv.messages if m.role == "assistant"]
    if message is not None:
        prefix = message.strip()
        found = [m for m in answers if m.id == prefix] or (
            [m for m in answers if m.id.startswith(prefix)] if prefix else [])
        if len(found) != 1:
            what = "matches several answers" if found else "is not an answer in this conversation"
            raise StoreError(f"message {message!r} {what}")
        return found[0]
    tree = ConversationTree(conv.id, conv.title, conv.messages)
    for node in reversed(tree.active_path()):
        if node.role == "user":
            shown = tree.active_child(node.id)
            if shown is not None and shown.role == "assistant":
                return shown
    if answers:
        return answers[-1]
    raise StoreError(f"conversation {conv_id} has no answer yet")


def load_timeline(store: HistoryStore, msg_id: str) -> Timeline | None:
    """The answer's timeline, or None (none recorded, or unreadable)."""
    data = store.get_timeline(msg_id)
    if data is None:
        return None
    try:
        return decode(data)
    except TimelineError:
        return None


def build_report(store: HistoryStore, answer: MessageRecord, pivots: tuple[str, ...] | None) -> TraceReport:
    """The outline of ``answer``'s reasoning with tokens and seconds."""
    reasoning = answer.reasoning or ""
    timeline = load_timeline(store, answer.id)
    steps = split_steps(reasoning, pivots)
    tokens = answer.usage.reasoning_tokens
    rows = step_stats(steps, timeline, tokens)
    totals = trace_totals(steps, reasoning, timeline, tokens, answer.timing.reasoning_s, answer.timing.total_s)
    line = ""
    if timeline is not None:
        per_char = tokens_per_char(answer.usage.completion_tokens, len(reasoning) + len(answer.content))
        line = sparkline(tokens_per_second(timeline, 24, per_char))
    return TraceReport(answer.conversation_id, answer.id, rows, totals, timeline is not None,
                       timeline.first_answer_s if timeline else None, line)


def cmd_trace(store: HistoryStore, args: argparse.Namespace) -> int:
    """``history trace``."""
    try:
        pivots = configured_pivots()
    except ConfigError as exc:
        print(f"r1-tui history: {for_display(str(exc))}", file=sys.stderr)
        return 2
    answer = pick_answer(store, store.resolve_id(args.id), args.message)
    report = build_report(store, answer, pivots)
    if args.json:
        print(dumps(trace_object(report)))
    else:
        print("\n".join(trace_lines(report)))
    return 0


def cmd_replay(store: HistoryStore, args: argparse.Namespace, *, out: TextIO | None = None,
               err: TextIO | None = None, clock: Callable[[], float] = time.monotonic,
               sleep: Callable[[float], None] = time.sleep) -> int:
    """``history replay``: never writes history (the store is opened read-only)."""
    from tui.commands.ask import AskPrinter

    out, err = out or sys.stdout, err or sys.stderr
    answer = pick_answer(store, store.resolve_id(args.id), args.message)
    timeline = load_timeline(store, answer.id)
    timing = answer.timing
    answer_s = timing.total_s - (timing.first_token_s or 0) - (timing.reasoning_s or 0) \
        if timing.total_s is not None else None
    pieces = schedule(answer.reasoning or "", answer.content, timeline,
                      reasoning_s=timing.reasoning_s, answer_s=answer_s)
    pace = "(recorded pace)" if timeline is not None else "(even pace: " + NO_TIMELINE + ")"
    err.write(for_display(f"r1-tui: replaying {answer.id} at ×{args.speed:g} {pace}") + "\n")
    printer = AskPrinter(out, err, show_reasoning=True)

    def show(piece: Piece) -> None:
        event = ReasoningDelta(piece.text) if piece.kind == "reasoning" else AnswerDelta(piece.text)
        printer.on_event(event)

    try:
        play(pieces, show, args.speed, clock=clock, sleep=sleep)
    except KeyboardInterrupt:
        printer.on_event(Finished("stop"))
        err.write("r1-tui: replay stopped\n")
        return EXIT_INTERRUPTED
    printer.on_event(Finished(answer.finish_reason or "stop"))
    return 0
