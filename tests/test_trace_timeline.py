"""Timeline: recording with an injected clock, its size on a 40k-token trace, encode/decode, derived stats."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.trace.outline import share_out, sparkline, step_stats, tokens_per_second, trace_totals
from tui.trace.steps import split_steps
from tui.trace.timeline import Sample, Timeline, TimelineError, TimelineRecorder, decode, encode


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_samples_at_most_every_interval_and_exact_phase_changes() -> None:
    clock = Clock()
    rec = TimelineRecorder(clock=clock)
    rec.start()
    clock.now += 0.5
    rec.reasoning(4)  # first token: sampled exactly
    for _ in range(20):  # 20 tokens over 0.2 s: about two more samples
        clock.now += 0.01
        rec.reasoning(4)
    clock.now += 0.3
    rec.answer(3)  # first answer token: sampled exactly, after the last reasoning moment
    clock.now += 0.05
    rec.answer(3)
    clock.now += 0.05
    rec.finish()
    tl = rec.timeline()
    assert tl.first_token_s == pytest.approx(0.5)
    assert tl.first_answer_s == pytest.approx(1.0)
    assert tl.end_s == pytest.approx(1.1)
    assert tl.samples[-1] == Sample(pytest.approx(1.1), 84, 6)
    reasoning_samples = [s for s in tl.samples if s.answer == 0]
    assert reasoning_samples[-1].reasoning == 84 and reasoning_samples[-1].t == pytest.approx(0.7)
    assert len(tl.samples) <= 7
    assert tl.reasoning_s == pytest.approx(0.5) and tl.answer_s == pytest.approx(0.1)


def test_reached_interpolates_within_samples() -> None:
    tl = Timeline((Sample(1.0, 10, 0), Sample(2.0, 30, 0), Sample(3.0, 30, 10)))
    assert tl.reached("reasoning", 0) == 1.0
    assert tl.reached("reasoning", 10) == 1.0
    assert tl.reached("reasoning", 20) == pytest.approx(1.5)
    assert tl.reached("reasoning", 31) is None
    assert tl.reached("answer", 5) == 3.0
    assert tl.seconds_between("reasoning", 10, 30) == pytest.approx(1.0)


def test_reclassified_keeps_times_and_moves_text_to_the_answer() -> None:
    clock = Clock()
    rec = TimelineRecorder(clock=clock)
    rec.start()
    for _ in range(5):
        clock.now += 0.2
        rec.reasoning(10)
    rec.reclassified(0, 50)
    rec.finish()
    tl = rec.timeline()
    assert all(s.reasoning == 0 for s in tl.samples)
    assert tl.first_answer_s == pytest.approx(0.2) and tl.samples[-1].answer == 50


def r1_timeline(tokens: int, seed: int = 14) -> Timeline:
    """A 40k-token trace streamed one token per event at 20-50 tokens/s, 1-8 characters each."""
    rng = random.Random(seed)
    clock = Clock()
    rec = TimelineRecorder(clock=clock)
    rec.start()
    clock.now += 0.8
    for i in range(tokens):
        clock.now += rng.uniform(0.02, 0.05)
        (rec.reasoning if i < tokens * 0.9 else rec.answer)(rng.randint(1, 8))
    rec.finish()
    return rec.timeline()


def test_a_40k_token_trace_costs_kilobytes() -> None:
    tl = r1_timeline(40_000)
    data = encode(tl)
    assert len(tl.samples) < 15_000  # one per 100 ms, not one per token
    assert len(data) < 48 * 1024, len(data)  # measured ~24 KB (11.8k samples, ~2 bytes each)
    back = decode(data)
    assert back == Timeline(tuple(Sample(round(s.t, 3), s.reasoning, s.answer) for s in tl.samples))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 10**6), st.integers(0, 10**6)), max_size=40))
def test_encode_decode_round_trip(raw: list[tuple[int, int, int]]) -> None:
    t = r = a = 0
    samples = []
    for dt, dr, da in raw:
        t, r, a = t + dt, r + dr, a + da
        samples.append(Sample(t / 1000, r, a))
    assert decode(encode(Timeline(tuple(samples)))) == Timeline(tuple(samples))


BAD = ["", "tl1:", "tl1:!!!", "tl2:AAAA", "tl1:" + "A" * 8, None, 5, "tl1:eJwDAAAAAAE="]


@pytest.mark.parametrize("data", BAD, ids=range(len(BAD)))
def test_decode_rejects_damage(data: object) -> None:
    with pytest.raises(TimelineError):
        decode(data)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.binary(max_size=64))
def test_decode_of_garbage_raises_only_timeline_error(blob: bytes) -> None:
    import base64
    import zlib

    for text in ("tl1:" + base64.b64encode(blob).decode(), "tl1:" + base64.b64encode(zlib.compress(blob)).decode()):
        try:
            decode(text)
        except TimelineError:
            pass


def test_step_stats_share_tokens_and_take_seconds_from_the_timeline() -> None:
    reasoning = "First step here.\n\nWait, second step.\n\nThird."
    steps = split_steps(reasoning)
    tl = Timeline((Sample(1.0, 18, 0), Sample(2.0, 38, 0), Sample(4.0, len(reasoning), 0), Sample(5.0, 44, 9)))
    rows = step_stats(steps, tl, reasoning_tokens=10)
    assert [r.index for r in rows] == [1, 2, 3]
    assert sum(r.tokens for r in rows) == 10 and all(r.estimated for r in rows)
    assert [r.seconds for r in rows] == [pytest.approx(0.0), pytest.approx(1.0), pytest.approx(2.0)]
    assert [r.seconds for r in step_stats(steps, None, None)] == [None, None, None]
    totals = trace_totals(steps, reasoning, tl, 10, None, None)
    assert (totals.steps, totals.pivots, totals.reasoning_s, totals.answer_s) == (3, 1, 4.0, 0.0)
    assert trace_totals(steps, reasoning, None, None, 2.5, 3.0).reasoning_s == 2.5


def test_share_out_sums_exactly() -> None:
    assert share_out(10, [1, 1, 1]) == [4, 3, 3]
    assert share_out(0, [5]) == [0] and share_out(3, []) == []


def test_tokens_per_second_and_sparkline() -> None:
    tl = Timeline((Sample(1.0, 40, 0), Sample(2.0, 80, 0), Sample(3.0, 80, 400)))
    rates = tokens_per_second(tl, 2, tokens_per_char=0.25)
    assert rates == [pytest.approx(20.0), pytest.approx(100.0)]
    assert sparkline(rates) == "▂█"
    assert sparkline([]) == "" and sparkline([0, 0]) == "▁▁"
    assert tokens_per_second(Timeline(()), 10) == []
