"""Cost of the trace tools on a 40k-token R1-style trace: step splitting (whole and incremental),
math conversion of a completed answer, timeline recording and its encoded size.

Run: python bench/bench_trace.py [--tokens 40000]
"""

from __future__ import annotations

import argparse
import json
import random
import time

from tui.trace.mathtext import to_unicode_math
from tui.trace.steps import StepSplitter, split_steps
from tui.trace.timeline import TimelineRecorder, encode

SENTENCES = [
    "So 17 times 20 is 340.", "Then 17 times 3 is 51.", "Adding them gives 391.", "Let me verify with another method.",
    "Wait, is that right?", "Hmm, maybe I should check the units digit.", "But the problem says the sum is even.",
    "Alternatively, factor it as 23 * 17.", "Actually, that is the same thing.", "Let me check: 391 / 17 = 23.",
]


def r1_trace(tokens: int, rng: random.Random, paragraphs: bool = True) -> str:
    """About ``tokens`` tokens (4 characters each) of sentences, in paragraphs of 1-6 sentences."""
    parts: list[str] = []
    size = 0
    while size < tokens * 4:
        para = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 6)))
        parts.append(para)
        size += len(para) + 2
    return ("\n\n" if paragraphs else "\n").join(parts)


def best(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=40_000)
    args = parser.parse_args()
    rng = random.Random(14)
    out: dict[str, float | int] = {}
    for paragraphs in (True, False):
        text = r1_trace(args.tokens, rng, paragraphs)
        label = "paragraphs" if paragraphs else "no_blank_lines"
        out[f"chars_{label}"] = len(text)
        out[f"steps_{label}"] = len(split_steps(text))
        out[f"split_whole_ms_{label}"] = round(best(lambda: split_steps(text)) * 1000, 2)
        chunks = [text[i:i + 16] for i in range(0, len(text), 16)]  # ~4 tokens per stream chunk

        def incremental() -> None:
            splitter, acc = StepSplitter(), ""
            for c in chunks:
                acc += c
                splitter.update(acc)

        def concat_only() -> None:
            acc = ""
            for c in chunks:
                acc += c

        total = best(incremental, runs=2) - best(concat_only, runs=2)
        out[f"split_incremental_us_per_chunk_{label}"] = round(total / len(chunks) * 1e6, 2)
    answer = ("The product is computed as follows. $17 \\times 23 = 391$ and $\\frac{a}{b}$ with "
              "$x^2 + y_1$ and $\\sqrt{x}$.\n\n$$\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}$$\n\n"
              "**Final Answer**\n\\[\n\\boxed{391}\n\\]\n") * 10
    out["math_answer_chars"] = len(answer)
    out["math_answer_ms_first"] = round(best(lambda: to_unicode_math(answer), runs=1) * 1000, 2)
    out["math_answer_ms_cached"] = round(best(lambda: to_unicode_math(answer)) * 1000, 2)
    clock = [0.0]
    rec = TimelineRecorder(clock=lambda: clock[0])
    rec.start()
    for _ in range(args.tokens):  # one token per event at ~30 tokens/s, 4 chars each
        clock[0] += rng.uniform(0.02, 0.045)
        rec.reasoning(4)
    rec.finish()
    data = encode(rec.timeline())
    out["timeline_samples"] = len(rec.timeline().samples)
    out["timeline_encoded_bytes"] = len(data)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
