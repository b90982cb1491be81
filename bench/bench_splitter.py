"""Throughput of the think splitter (MB/s), for chunk sizes typical of streams and larger.

Run: python bench/bench_splitter.py [--mb 8]
"""

from __future__ import annotations

import argparse
import random
import time

from tui.llm.think import ThinkSplitter, split_whole

WORDS = "the model considers each step carefully before it answers < / > think about 17 23 391".split()


def transcript(size: int, rng: random.Random) -> str:
    parts, total = [], 0
    while total < size:
        word = rng.choice(WORDS)
        parts.append(word + (" " if rng.random() > 0.05 else "\n"))
        total += len(parts[-1])
    body = "".join(parts)
    cut = int(len(body) * 0.8)
    return "<think>\n" + body[:cut] + "\n</think>\n\n" + body[cut:]


def chunked(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def run(chunks: list[str]) -> tuple[float, str, str]:
    splitter = ThinkSplitter()
    reasoning: list[str] = []
    answer: list[str] = []
    start = time.perf_counter()
    for chunk in chunks:
        for piece in splitter.feed(chunk):
            (reasoning if piece.kind == "reasoning" else answer).append(piece.text)
    pieces, _ = splitter.finish()
    for piece in pieces:
        (reasoning if piece.kind == "reasoning" else answer).append(piece.text)
    return time.perf_counter() - start, "".join(reasoning), "".join(answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=8.0, help="transcript size in MB")
    args = parser.parse_args()
    text = transcript(int(args.mb * 1_000_000), random.Random(1))
    expected = split_whole(text)
    mb = len(text.encode()) / 1_000_000
    print(f"{'chunk chars':>12} {'chunks':>10} {'seconds':>9} {'MB/s':>8}")
    for size in (4, 16, 64, 1024):
        chunks = chunked(text, size)
        seconds, reasoning, answer = run(chunks)
        assert (reasoning, answer) == expected, "split differs from the whole-string parse"
        print(f"{size:>12} {len(chunks):>10} {seconds:>9.3f} {mb / seconds:>8.1f}")


if __name__ == "__main__":
    main()
