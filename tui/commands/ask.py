"""``r1-tui ask``: one question, the answer on stdout, the reasoning on stderr.

Streams as it arrives; ``--json`` prints one object at the end instead. On a terminal
the text is sanitised (no escape sequence from the model reaches it) and the reasoning
is dimmed; into a pipe or file the text is written exactly as received.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from typing import Any, TextIO

from tui.chat.exchange import Update
from tui.llm.client import ChatClient
from tui.llm.events import (
    EXIT_CODES,
    AnswerDelta,
    Event,
    Failed,
    Finished,
    Notice,
    ReasoningDelta,
    Reclassified,
    Retrying,
)
from tui.chat.session import Session
from tui.store.models import Attachment
from tui.chat.transcript import Transcript
from tui.sanitize import for_display

DIM, RESET = "\x1b[2m", "\x1b[0m"


@dataclass
class AskPrinter:
    """Writes events to the terminal or pipe as they come."""

    out: TextIO
    err: TextIO
    show_reasoning: bool = True
    quiet: bool = False  # --json: print nothing while streaming

    def __post_init__(self) -> None:
        self._out_tty = self.out.isatty()
        self._err_tty = self.err.isatty()
        self._in_reasoning = False
        self._answer_started = False

    def _write(self, stream: TextIO, text: str, tty: bool) -> None:
        stream.write(for_display(text) if tty else text)
        stream.flush()

    def _end_reasoning(self) -> None:
        if self._in_reasoning:
            self.err.write((RESET if self._err_tty else "") + "\n\n")
            self.err.flush()
            self._in_reasoning = False

    def on_event(self, event: Update) -> None:
        """Print what this update adds (engine-only updates print nothing)."""
        match event:
            case Retrying() | Notice() | Failed():
                self._end_reasoning()
                self.status(event)
            case _ if self.quiet:
                return
            case ReasoningDelta(text=text, choice=0) if self.show_reasoning:
                if not self._in_reasoning:
                    self.err.write(DIM if self._err_tty else "")
                    self._in_reasoning = True
                self._write(self.err, text, self._err_tty)
            case AnswerDelta(text=text, choice=0):
                self._end_reasoning()
                self._answer_started = True
                self._write(self.out, text, self._out_tty)
            case Reclassified(answer=answer, choice=0):
                self._end_reasoning()
                if self.show_reasoning and self._err_tty and answer:
                    self.err.write("(no </think> arrived: the text above is the answer)\n")
                if answer and not self._answer_started:
                    self._answer_started = True
                    self._write(self.out, answer, self._out_tty)
            case Finished(choice=0):
                self._end_reasoning()
                if self._answer_started:
                    self.out.write("\n")
                    self.out.flush()

    def status(self, event: Retrying | Notice | Failed) -> None:
        """A line on stderr about retries, notices and failures."""
        match event:
            case Retrying(attempt=a, max_attempts=m, delay_s=d, reason=reason):
                line = f"r1-tui: {reason} · retry {a}/{m} in {d:.1f} s"
            case Notice(message=message):
                line = f"r1-tui: {message}"
            case Failed(message=message, hint=hint):
                line = f"r1-tui: error: {message}" + (f"\n  hint: {hint}" if hint else "")
        self.err.write(for_display(line) + "\n")
        self.err.flush()


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
    printer = AskPrinter(out, err, show_reasoning, quiet=as_json)
    assert session.client is not None
    client = session.client
    if client.endpoint.is_demo and not as_json:
        err.write("r1-tui: demo endpoint: canned reasoning and answers from the built-in demo server\n")
    exchange = session.send(prompt, attachments)
    if exchange.plan is not None and exchange.plan.notice:
        err.write(f"r1-tui: {exchange.plan.notice} (context_window {session.context_window:,} tokens)\n")
    transcript = await exchange.run(printer.on_event)
    if as_json:
        obj = result_object(transcript, client, exchange.conversation_id)
        if exchange.plan is not None:
            obj["context"] = {"turns_sent": exchange.plan.turns_sent, "turns_left_out": exchange.plan.turns_left_out,
                              "estimated_tokens": exchange.plan.estimated_tokens}
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()
    return exit_code(transcript)
