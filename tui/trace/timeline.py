"""When each part of an answer arrived: a compact timeline recorded while streaming.

A :class:`Timeline` is a list of samples ``(t, reasoning, answer)``: ``t`` seconds after the
request was sent, the stream had delivered ``reasoning`` characters of reasoning and
``answer`` characters of answer. :class:`TimelineRecorder` keeps at most one sample per
``interval_s`` (100 ms) plus exact samples where the stream switches between reasoning
and answer, so time to first token and to first answer token are exact.

:func:`encode` turns a timeline into a short ASCII string for storage (``tl1:`` + base64
of zlib of column-wise varints; about 2 bytes per sample, so a 40k-token trace costs a
few kilobytes); :func:`decode` reads it back and raises :class:`TimelineError` on
anything malformed (stored rows are untrusted: an imported file may hold anything).
"""

from __future__ import annotations

import base64
import binascii
import time
import zlib
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal["reasoning", "answer"]
PREFIX = "tl1:"
DEFAULT_INTERVAL_S = 0.1
MAX_SAMPLES = 2_000_000  # a stream of ~55 hours at 10 samples/s: anything longer is not ours
MAX_ENCODED = 16 * 1024 * 1024


class TimelineError(ValueError):
    """Stored timeline data that cannot be read."""


@dataclass(frozen=True, slots=True)
class Sample:
    """At ``t`` seconds after the request, ``reasoning`` and ``answer`` characters had arrived."""

    t: float
    reasoning: int
    answer: int


@dataclass(frozen=True, slots=True)
class Timeline:
    """Samples in time order; offsets never decrease."""

    samples: tuple[Sample, ...]

    def _counts(self, kind: Kind) -> list[int]:
        return [s.reasoning if kind == "reasoning" else s.answer for s in self.samples]

    def reached(self, kind: Kind, count: int) -> float | None:
        """Seconds after the request when ``count`` characters of ``kind`` had arrived (interpolated).

        ``count`` 0 means when the first of them arrived; None when they never did.
        """
        counts = self._counts(kind)
        count = max(count, 1)
        i = bisect_left(counts, count)
        if i >= len(counts):
            return None
        here = self.samples[i]
        if i == 0 or counts[i - 1] == 0:
            return here.t
        before = self.samples[i - 1]
        span = counts[i] - counts[i - 1]
        return before.t + (here.t - before.t) * (count - counts[i - 1]) / span

    def seconds_between(self, kind: Kind, start: int, end: int) -> float | None:
        """Seconds over which characters ``start``..``end`` of ``kind`` arrived."""
        begin, finish = self.reached(kind, start), self.reached(kind, end)
        if begin is None or finish is None:
            return None
        return max(0.0, finish - begin)

    @property
    def first_token_s(self) -> float | None:
        """Seconds to the first reasoning or answer character."""
        return next((s.t for s in self.samples if s.reasoning or s.answer), None)

    @property
    def first_answer_s(self) -> float | None:
        """Seconds to the first answer character (time to first answer token)."""
        return next((s.t for s in self.samples if s.answer), None)

    @property
    def end_s(self) -> float | None:
        """Seconds to the last sample (the end of the stream once finished)."""
        return self.samples[-1].t if self.samples else None

    @property
    def reasoning_s(self) -> float | None:
        """Seconds from the first reasoning character to the first answer character (or the end)."""
        first = self.reached("reasoning", 0)
        end = self.first_answer_s if self.first_answer_s is not None else self.end_s
        return None if first is None or end is None else max(0.0, end - first)

    @property
    def answer_s(self) -> float | None:
        """Seconds from the first answer character to the end."""
        first, end = self.first_answer_s, self.end_s
        return None if first is None or end is None else max(0.0, end - first)


def reclassify(samples: Sequence[Sample], reasoning_chars: int) -> list[Sample]:
    """Samples as if the first ``reasoning_chars`` characters were reasoning and the rest answer.

    The stream's text arrives in order (reasoning, then answer), so a reclassified stream
    (no ``</think>`` came: the text was the answer) keeps its arrival times.
    """
    out = []
    for s in samples:
        total = s.reasoning + s.answer
        r = min(total, reasoning_chars)
        out.append(Sample(s.t, r, total - r))
    return out


class TimelineRecorder:
    """Records one answer's timeline from the text it receives (pure: the clock is injected)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 interval_s: float = DEFAULT_INTERVAL_S) -> None:
        self._clock = clock
        self.interval_s = interval_s
        self._t0: float | None = None
        self._samples: list[Sample] = []
        self._reasoning = 0
        self._answer = 0
        self._pending: Sample | None = None
        self._last_kind: Kind | None = None
        self._finished = False

    def start(self) -> None:
        """The request was sent (times count from here); called once, else at the first text."""
        if self._t0 is None:
            self._t0 = self._clock()

    def start_at(self, t0: float) -> None:
        """The request was sent at clock time ``t0`` (a choice seen later still counts from the request)."""
        if self._t0 is None:
            self._t0 = t0

    def reasoning(self, chars: int) -> None:
        """``chars`` characters of reasoning arrived now."""
        self._add("reasoning", chars)

    def answer(self, chars: int) -> None:
        """``chars`` characters of answer arrived now."""
        self._add("answer", chars)

    def reclassified(self, reasoning_chars: int, answer_chars: int) -> None:
        """The stream's text was reclassified (see :func:`reclassify`)."""
        self._flush_pending()
        self._samples = reclassify(self._samples, reasoning_chars)
        self._reasoning, self._answer = reasoning_chars, answer_chars

    def finish(self) -> None:
        """The stream ended: record where it stood (once; later calls change nothing)."""
        if self._finished:
            return
        self._finished = True
        self.start()
        self._flush_pending()
        now = self._now()
        if not self._samples or self._samples[-1] != Sample(now, self._reasoning, self._answer):
            self._record(Sample(now, self._reasoning, self._answer))

    def timeline(self) -> Timeline:
        """What was recorded so far (the pending sample included)."""
        pending = (self._pending,) if self._pending is not None else ()
        return Timeline(tuple(self._samples) + pending)

    def _now(self) -> float:
        assert self._t0 is not None
        return max(0.0, self._clock() - self._t0)

    def _add(self, kind: Kind, chars: int) -> None:
        if chars <= 0:
            return
        self.start()
        now = self._now()
        if kind != self._last_kind:
            self._flush_pending()  # the exact moment the previous phase ended
        if kind == "reasoning":
            self._reasoning += chars
        else:
            self._answer += chars
        sample = Sample(now, self._reasoning, self._answer)
        last_t = self._samples[-1].t if self._samples else None
        if kind != self._last_kind or last_t is None or now - last_t >= self.interval_s:
            self._pending = None
            self._record(sample)
        else:
            self._pending = sample
        self._last_kind = kind

    def _flush_pending(self) -> None:
        if self._pending is not None:
            self._record(self._pending)
            self._pending = None

    def _record(self, sample: Sample) -> None:
        if self._samples and self._samples[-1].t > sample.t:
            sample = Sample(self._samples[-1].t, sample.reasoning, sample.answer)  # a clock that went back
        self._samples.append(sample)


# ------------------------------------------------------------------ storage format
def _varints(values: Sequence[int], out: bytearray) -> None:
    for v in values:
        while v >= 0x80:
            out.append((v & 0x7F) | 0x80)
            v >>= 7
        out.append(v)


def _read_varints(data: bytes, count: int, pos: int) -> tuple[list[int], int]:
    values = []
    for _ in range(count):
        v = shift = 0
        while True:
            if pos >= len(data) or shift > 63:
                raise TimelineError("timeline data is truncated")
            byte = data[pos]
            pos += 1
            v |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        values.append(v)
    return values, pos


def _deltas(values: Sequence[int]) -> list[int]:
    out, prev = [], 0
    for v in values:
        out.append(max(0, v - prev))
        prev = max(prev, v)
    return out


def encode(timeline: Timeline) -> str:
    """The timeline as ``tl1:`` + base64 text (times in milliseconds)."""
    samples = timeline.samples
    ms = [int(round(s.t * 1000)) for s in samples]
    raw = bytearray()
    _varints([len(samples)], raw)
    for column in (ms, [s.reasoning for s in samples], [s.answer for s in samples]):
        _varints(_deltas(column), raw)
    return PREFIX + base64.b64encode(zlib.compress(bytes(raw), 9)).decode("ascii")


def decode(text: str) -> Timeline:
    """Read :func:`encode`'s output; TimelineError if it is not a valid timeline."""
    if not isinstance(text, str) or not text.startswith(PREFIX) or len(text) > MAX_ENCODED:
        raise TimelineError("not an r1-tui timeline")
    try:
        packed = base64.b64decode(text[len(PREFIX):], validate=True)
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_SAMPLES * 30)
    except (binascii.Error, ValueError, zlib.error) as exc:
        raise TimelineError(f"timeline data is damaged: {exc}") from exc
    (count,), pos = _read_varints(raw, 1, 0)
    if count > MAX_SAMPLES:
        raise TimelineError("timeline data is too long")
    columns = []
    for _ in range(3):
        deltas, pos = _read_varints(raw, count, pos)
        total, column = 0, []
        for d in deltas:
            total += d
            column.append(total)
        columns.append(column)
    if pos != len(raw):
        raise TimelineError("timeline data has trailing bytes")
    ms, reasoning, answer = columns
    return Timeline(tuple(Sample(t / 1000, r, a) for t, r, a in zip(ms, reasoning, answer)))


def decode_stored(text: str | None) -> Timeline | None:
    """A stored timeline, or None: none was recorded, or it cannot be read (shown as "no timeline")."""
    if text is None:
        return None
    try:
        return decode(text)
    except TimelineError:
        return None
