"""Benchmark the history store at scale.

Builds 5,000 conversations / 100,000 messages (assistant reasoning 1-3 KB) in a temp
dir through the public store API (import_conversation, so triggers and the FTS index
do the real work), then reports list latency (first 500), search latency (median of
20 queries, common and rare words) and the peak RSS of a process that opens the
store and lists, against an empty history.

    /work/venv/bin/python bench/bench_history.py [--conversations N] [--messages N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tui.store import HistoryStore  # noqa: E402

COMMON = ("the and that this is to of for with because answer user think function value "
          "number question maybe however should first check wait let example result time").split()
SEARCH_TARGET_MS = 30.0
RARE = [f"zyx{name}" for name in ("quartz", "fjord", "glyph", "nymph", "crwth", "sphinx", "jinx",
                                   "vex", "waltz", "kumquat")]


def make_vocabulary(rng: random.Random, size: int = 20000) -> list[str]:
    syllables = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"] + ["qu", "th", "sh", "ch"]
    words = list(COMMON)
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


class TextMaker:
    """Zipf-distributed words so common words are very common and rare words rare."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = make_vocabulary(rng)
        self.weights = [1.0 / (rank + 1) for rank in range(len(self.words))]
        self.pool = rng.choices(self.words, self.weights, k=2_000_000)

    def text(self, n_bytes: int) -> str:
        n_words = max(1, n_bytes // 6)
        start = self.rng.randrange(0, len(self.pool) - n_words)
        return " ".join(self.pool[start:start + n_words])


def stamp(base: datetime, seconds: float) -> str:
    t = base + timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def build(path: Path, n_convs: int, n_msgs: int, seed: int = 7) -> tuple[float, TextMaker]:
    rng = random.Random(seed)
    maker = TextMaker(rng)
    base = datetime(2025, 1, 1, tzinfo=timezone.utc)
    per_conv = max(2, n_msgs // n_convs)
    t0 = time.perf_counter()
    with HistoryStore.open(path) as store:
        for c in range(n_convs):
            created = c * 3600.0
            messages = []
            for k in range(0, per_conv, 2):
                uid, aid = f"m{c:05d}u{k:03d}", f"m{c:05d}a{k:03d}"
                when = stamp(base, created + k * 30)
                messages.append({"id": uid, "role": "user", "content": maker.text(rng.randint(60, 400)),
                                 "reasoning": None, "state": "complete", "created_at": when})
                messages.append({
                    "id": aid, "role": "assistant", "content": maker.text(rng.randint(300, 1500)),
                    "reasoning": maker.text(rng.randint(1000, 3000)) + (
                        " " + RARE[(c + k) % len(RARE)] if (c * per_conv + k) % 1999 == 0 else ""),
                    "state": "complete",
                    "finish_reason": "stop", "model": "DeepSeek-R1", "deployment": "r1",
                    "endpoint_host": "bench.services.ai.azure.com", "reply_to": uid,
                    "usage": {"prompt_tokens": 100, "completion_tokens": 800, "total_tokens": 900,
                              "reasoning_tokens": 500, "estimated": False},
                    "timing": {"first_token_s": 0.8, "reasoning_s": 9.5, "total_s": 14.2},
                    "created_at": when})
            store.import_conversation({
                "id": f"c{c:05d}", "title": maker.text(40)[:60], "created_at": stamp(base, created),
                "updated_at": stamp(base, created + per_conv * 30), "archived": False,
                "messages": messages})
    return time.perf_counter() - t0, maker


def timed_ms(fn, repeat: int = 1) -> float:
    best = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best.append((time.perf_counter() - t0) * 1000)
    return statistics.median(best)


RSS_CHILD = """
import resource, sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from tui.store import HistoryStore
store = HistoryStore.open(Path({path!r}), read_only=True)
rows = store.list_conversations(limit=500)
store.close()
print(len(rows), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_kib(path: Path) -> tuple[int, int]:
    out = subprocess.run([sys.executable, "-c", RSS_CHILD.format(repo=str(REPO), path=str(path))],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=100_000)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="r1-bench-") as tmp:
        full, empty = Path(tmp) / "full" / "history.db", Path(tmp) / "empty" / "history.db"
        HistoryStore.open(empty).close()
        build_s, maker = build(full, opts.conversations, opts.messages)
        size_mb = sum(p.stat().st_size for p in full.parent.iterdir()) / 1e6

        queries = [("common", q) for q in ("the", "answer", "think", "function value", "wait let",
                                           "question", "however", "exampl", "number result",
                                           "because")]
        queries += [("rare", q) for q in RARE]  # each in a handful of reasoning texts
        with HistoryStore.open(full, read_only=True) as store:
            list_cold = timed_ms(lambda: store.list_conversations(limit=500))
            list_warm = timed_ms(lambda: store.list_conversations(limit=500), repeat=20)
            results = []
            for kind, q in queries:
                store.search(q)  # warm the page cache for this term
                ms = timed_ms(lambda: store.search(q), repeat=3)
                results.append((kind, q, ms, len(store.search(q))))
            n_msgs = store._conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        empty_rows, empty_rss = peak_rss_kib(empty)
        full_rows, full_rss = peak_rss_kib(full)

    all_ms = [r[2] for r in results]
    print(f"history: {opts.conversations} conversations, {n_msgs} messages, "
          f"{size_mb:.0f} MB on disk, built in {build_s:.0f} s")
    print()
    print(f"{'measure':<38}{'value':>12}")
    print(f"{'list first 500 (cold)':<38}{list_cold:>9.2f} ms")
    print(f"{'list first 500 (median of 20)':<38}{list_warm:>9.2f} ms")
    for kind in ("common", "rare"):
        vals = [r[2] for r in results if r[0] == kind]
        print(f"{'search ' + kind + ' words (median of 10)':<38}{statistics.median(vals):>9.2f} ms")
    print(f"{'search all 20 queries (median)':<38}{statistics.median(all_ms):>9.2f} ms")
    print(f"{'search slowest query':<38}{max(all_ms):>9.2f} ms")
    print(f"{'peak RSS open+list, empty history':<38}{empty_rss / 1024:>9.1f} MB")
    print(f"{'peak RSS open+list, full history':<38}{full_rss / 1024:>9.1f} MB  ({full_rows} rows)")
    print()
    print("per query:")
    for kind, q, ms, hits in results:
        print(f"  {kind:<7}{q!r:<20}{ms:>8.2f} ms  {hits:>3} hits")
    verdict = "OK" if statistics.median(all_ms) <= SEARCH_TARGET_MS else "OVER TARGET"
    print(f"\nsearch target <= {SEARCH_TARGET_MS:.0f} ms (median): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
