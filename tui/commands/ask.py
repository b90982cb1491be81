"""``r1-tui ask``: one question, the answer on stdout, the reasoning on stderr.

Streams as it arrives (the printing is :class:`AskPrinter`'s, tui/commands/ask_printer.py);
``--json`` prints one object at the end instead. On a terminal the text is sanitised (no
escape sequence from the model reaches it) and the reasoning is dimmed; into a pipe or
file the text is written exactly as received. Ctrl-C saves what arrived (marked stopped)
and says so; a reader that goes away (``| head``) stops the request quietly, exit 0.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any, TextIO

from tui.llm.client import ChatClient
from tui.llm.events import EXIT_CODES
from tui.chat.session import Session
from tui.store.models import Attachment
from tui.chat.transcript import Transcript
from tui.commands.ask_printer import AskPrinter
from tui.formats.safe_json import dumps

__all__ = ["AskPrinter", "exit_code", "result_object", "run_ask"]


def exit_code(transcript: Transcript) -> int:
    """The documented exit code for how the request ended."""
    if transcript.failure is not None:
        return EXIT_CODES.get(transcript.failure.kind, 1)
    if transcript.state == "filtered":
        return EXIT_CODES["content_filter"]
    return 0


def result_object(transcript: Transcript, client: ChatClient, conversation_id: str | None) -> dict[str, Any]:
    """The ``--json`` object (a public contract: add fields, rename none)."""
    usage = transcript.usage
    choice = transcript.choice(0)
    obj: dict[str, Any] = {
        "answer": choice.answer,
        "reasoning": choice.reasoning,
        "finish_reason": choice.finish_reason,
        "model": transcript.model,
        "deployment": client.endpoint.deployment,
        "usage": {
            "prompt_tokens": usage.prompt_tokens if usage else None,
            "completion_tokens": usage.completion_tokens if usage else None,
            "total_tokens": usage.total_tokens if usage else None,
            "reasoning_tokens": usage.reasoning_tokens if usage else None,
            "estimated": bool(usage and usage.estimated),
            "reasoning_estimated": bool(usage and usage.reasoning_estimated),  # reasoning_tokens counted by r1-tui
        },
        "retries": transcript.retries,
        "conversation_id": conversation_id,
        "timing": {
            "first_token_s": _round(transcript.first_token_s),
            "reasoning_s": _round(transcript.reasoning_s),
            "total_s": _round(transcript.total_s),
        },
        "state": transcript.state,
    }
    if len(transcript.choices) > 1:
        obj["choices"] = [
            {"index": i, "answer": c.answer, "reasoning": c.reasoning, "finish_reason": c.finish_reason}
            for i, c in sorted(transcript.choices.items())
        ]
        from tui.trace.vote import vote  # lazily: only -n N pays for the math converter

        tally = vote([c.answer for _, c in sorted(transcript.choices.items())])
        obj["vote"] = tally.as_json() if tally else None
    if transcript.failure is not None:
        f = transcript.failure
        obj["error"] = {"kind": f.kind, "message": f.message, "hint": f.hint, "status": f.status}
    return obj


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


async def run_ask(
    session: Session,
    prompt: str,
    attachments: tuple[Attachment, ...] = (),
    *,
    as_json: bool = False,
    show_reasoning: bool = True,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Ask ``prompt`` (with ``attachments``) in ``session``: a new conversation, or the one it has open."""
    out, err = out or sys.stdout, err or sys.stderr
    defaults = session.defaults
    printer = AskPrinter(out, err, show_reasoning, quiet=as_json, choices=defaults.n or 1, stop=defaults.stop,
                         max_tokens=defaults.max_tokens)
    assert session.client is not None
    client = session.client
    if client.endpoint.is_demo and not as_json:
        err.write("r1-tui: demo endpoint: canned reasoning and answers from the built-in demo server\n")
    exchange = session.send(prompt, attachments)
    if exchange.plan is not None and exchange.plan.notice:
        err.write(f"r1-tui: {exchange.plan.notice} (context_window {session.context_window:,} tokens)\n")
    running = asyncio.ensure_future(exchange.run(printer.on_event))
    printer.on_closed = running.cancel  # the reader went away (`| head`): stop, keep what arrived
    try:
        transcript = await running
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if not printer.output_closed or (current is not None and current.cancelling()):
            printer.stopped(exchange.conversation_id)  # Ctrl-C: reset the terminal, say where it went
            raise
        transcript = exchange.transcript  # stopped and saved by the exchange; exit 0, quietly
    printer.end(transcript)
    if as_json:
        obj = result_object(transcript, client, exchange.conversation_id)
        if exchange.plan is not None:
            obj["context"] = {"turns_sent": exchange.plan.turns_sent, "turns_left_out": exchange.plan.turns_left_out,
                              "estimated_tokens": exchange.plan.estimated_tokens}
        # One line, C1 controls and DEL escaped exactly as in `history --json`.
        printer.write_result(dumps(obj, indent=None))
    return exit_code(transcript)
