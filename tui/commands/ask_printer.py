"""How ``r1-tui ask`` prints a stream: the answer on stdout, the reasoning on stderr.

On a terminal the text is sanitised and the reasoning dimmed; into a pipe or a file it is
written exactly as received. With ``-n`` above 1 every choice is printed in index order,
each under a one-line header on stdout (``── choice 2/3 ──``) followed by its reasoning
on stderr and its answer on stdout: the first choice streams live, later ones are held
until the choices before them have finished (then they catch up and stream live too).

Whatever ends the run, the terminal gets its attributes back (the dim is reset) and the
line is ended. A reader that goes away (``| head``) sets :attr:`AskPrinter.output_closed`
and nothing more is printed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from tui.commands.closed_output import silence
from tui.llm.events import AnswerDelta, Event, Failed, Finished, Notice, ReasoningDelta, Reclassified, Retrying
from tui.sanitize import for_display, one_line

DIM, RESET = "\x1b[2m", "\x1b[0m"


@dataclass
class _Held:
    """A later choice's text, kept until it is that choice's turn to be printed."""

    reasoning: list[str] = field(default_factory=list)
    answer: list[str] = field(default_factory=list)
    reclassified: bool = False  # the reasoning shown so far was the answer after all
    finished: bool = False


def choice_header(index: int, total: int) -> str:
    """The line above each choice when several were asked for (``index`` counts from 0)."""
    return f"── choice {index + 1}/{total} ──"


def empty_answer_reason(finish_reason: str | None, stop: tuple[str, ...], max_tokens: int | None,
                        has_reasoning: bool) -> str:
    """Why an answer that ended normally has no text."""
    if finish_reason == "stop" and stop:
        where = " inside the reasoning" if has_reasoning else ""
        shown = ", ".join(repr(s) for s in stop)
        return f"a stop sequence ({one_line(shown, 80)}) matched{where}, so the output ended before the answer"
    if finish_reason == "length":
        limit = f"max_tokens ({max_tokens})" if max_tokens else "the output token limit"
        return f"{limit} ran out before the answer began (reasoning counts toward it): raise --max-tokens"
    if finish_reason == "content_filter":
        return "the content filter removed it"
    return f"the model sent no answer text (finish_reason: {one_line(str(finish_reason), 40)})"


@dataclass
class AskPrinter:
    """Writes events to the terminal or pipe as they come."""

    out: TextIO
    err: TextIO
    show_reasoning: bool = True
    quiet: bool = False  # --json: print nothing while streaming
    choices: int = 1  # the n asked for
    stop: tuple[str, ...] = ()  # the stop sequences sent, to explain an empty answer
    max_tokens: int | None = None
    on_closed: Callable[[], Any] | None = None  # called once when stdout or stderr loses its reader

    def __post_init__(self) -> None:
        self.choices = max(1, self.choices)
        self._tty = {id(self.out): self.out.isatty(), id(self.err): self.err.isatty()}
        self._tail = {id(self.out): "\n\n", id(self.err): "\n\n"}  # the last two characters written
        self._in_reasoning = False
        self._answer_started = False
        self._live = 0  # the choice being printed as it arrives
        self._held: dict[int, _Held] = {}
        self._headed: set[int] = set()
        self.output_closed = False  # stdout or stderr lost its reader (`| head`)

    # ---------------------------------------------------------------- writing
    def _write(self, stream: TextIO, text: str, *, trusted: bool = False) -> None:
        """Write ``text`` (sanitised on a terminal unless it is our own ``trusted`` control code)."""
        if self.output_closed or not text:
            return
        shown = text if trusted or not self._tty[id(stream)] else for_display(text)
        try:
            stream.write(shown)
            stream.flush()
        except BrokenPipeError:
            self.output_closed = True
            silence(self.out)
            silence(self.err)
            if self.on_closed is not None:
                self.on_closed()
            return
        if not trusted:
            self._tail[id(stream)] = (self._tail[id(stream)] + shown)[-2:]

    def _raw(self, stream: TextIO, code: str) -> None:
        """An attribute change (only ever on a terminal); leaves the line state alone."""
        if self._tty[id(stream)]:
            self._write(stream, code, trusted=True)

    def _end_reasoning(self, gap: str = "\n\n") -> None:
        if self._in_reasoning:
            self._raw(self.err, RESET)
            self._write(self.err, gap)
            self._in_reasoning = False

    def _end_lines(self) -> None:
        """Reset the dim and end a half-written line on a terminal (pipes keep the exact text)."""
        self._end_reasoning("\n")
        for stream in (self.out, self.err):
            if self._tty[id(stream)] and not self._tail[id(stream)].endswith("\n"):
                self._write(stream, "\n")

    def _header(self, index: int) -> None:
        if self.choices > 1 and index not in self._headed and not self.quiet:
            self._headed.add(index)
            self._end_reasoning()
            gap = "" if self._headed == {index} else "\n" * (2 - self._tail[id(self.out)].count("\n"))
            self._write(self.out, gap + choice_header(index, self.choices) + "\n")

    # ------------------------------------------------------------ live choice
    def _reasoning(self, text: str) -> None:
        if not self.show_reasoning:
            return
        if not self._in_reasoning:
            self._raw(self.err, DIM)
            self._in_reasoning = True
        self._write(self.err, text)

    def _answer(self, text: str) -> None:
        self._end_reasoning()
        self._answer_started = True
        self._write(self.out, text)

    def _reclassified(self, answer: str) -> None:
        self._end_reasoning()
        if self.show_reasoning and self._tty[id(self.err)] and answer:
            self._write(self.err, "(no </think> arrived: the text above is the answer)\n")
        if answer and not self._answer_started:
            self._answer(answer)

    def _close_live(self) -> None:
        """The live choice is over: end its lines; the next choice becomes live."""
        self._end_reasoning()
        if self._answer_started:
            self._write(self.out, "\n")
        self._answer_started = False
        self._live += 1

    def _catch_up(self, *, to_the_end: bool = False) -> None:
        """Print the held choices whose turn has come; the first unfinished one goes on live."""
        while self._live < self.choices and self._live in self._held:
            held = self._held.pop(self._live)
            self._header(self._live)
            for text in held.reasoning:
                self._reasoning(text)
            if held.reclassified:
                self._reclassified("".join(held.answer))
            else:
                for text in held.answer:
                    self._answer(text)
            if not (held.finished or to_the_end):
                return
            self._close_live()

    # ----------------------------------------------------------------- events
    def on_event(self, event: Event | Any) -> None:
        """Print what this update adds (the engine's own updates print nothing)."""
        match event:
            case Retrying() | Notice() | Failed():
                self.status(event)
            case _ if self.quiet or self.output_closed:
                return
            case ReasoningDelta(choice=c) | AnswerDelta(choice=c) | Reclassified(choice=c) | Finished(choice=c) \
                    if c != self._live:
                self._hold(event, c)
            case ReasoningDelta(text=text):
                self._header(self._live)
                self._reasoning(text)
            case AnswerDelta(text=text):
                self._header(self._live)
                self._answer(text)
            case Reclassified(answer=answer):
                self._reclassified(answer)
            case Finished():
                self._header(self._live)
                self._close_live()
                self._catch_up()

    def _hold(self, event: Any, index: int) -> None:
        if not self._live < index < self.choices:
            return  # an earlier choice already printed, or one never asked for
        held = self._held.setdefault(index, _Held())
        match event:
            case ReasoningDelta(text=text):
                held.reasoning.append(text)
            case AnswerDelta(text=text):
                held.answer.append(text)
            case Reclassified(reasoning=reasoning, answer=answer):
                held.reasoning[:] = [reasoning] if reasoning else []
                held.answer[:] = [answer] if answer else []
                held.reclassified = True
            case Finished():
                held.finished = True

    def status(self, event: Retrying | Notice | Failed) -> None:
        """A line on stderr about retries, notices and failures."""
        self._end_lines()
        match event:
            case Retrying(attempt=a, max_attempts=m, delay_s=d, reason=reason):
                line = f"r1-tui: {reason} · retry {a}/{m} in {d:.1f} s"
            case Notice(message=message):
                line = f"r1-tui: {message}"
            case Failed(message=message, hint=hint):
                line = f"r1-tui: error: {message}" + (f"\n  hint: {hint}" if hint else "")
        self._write(self.err, for_display(line) + "\n")

    # ------------------------------------------------------------------ ending
    def end(self, transcript: Any) -> None:
        """The stream is over: print the choices still held, then say why an answer is empty."""
        if self.output_closed:
            return
        if not self.quiet:
            self._close_live()
            self._catch_up(to_the_end=True)
            got = len(transcript.choices)
            if self.choices > 1 and 0 < got < self.choices and transcript.failure is None:
                self.status(Notice(f"the endpoint sent {got} of the {self.choices} choices asked for"))
        self._end_lines()
        if transcript.failure is not None:
            return
        for index, text in sorted(transcript.choices.items()):
            if text.finish_reason and not text.answer.strip() and index < self.choices:
                label = f"choice {index + 1}: " if self.choices > 1 else ""
                why = empty_answer_reason(text.finish_reason, self.stop, self.max_tokens, bool(text.reasoning))
                self._write(self.err, f"r1-tui: {label}the answer is empty: {why}\n")

    def stopped(self, saved_as: str | None) -> None:
        """Ctrl-C: reset the terminal, end the line, and say where what arrived went."""
        self._end_lines()
        where = f"saved as {saved_as}" if saved_as else "not saved"
        self._write(self.err, f"r1-tui: stopped — {for_display(where)}\n")

    def write_result(self, text: str) -> None:
        """The ``--json`` object (one line)."""
        self._write(self.out, text + "\n")
