"""Time the migrations a real-sized history goes through on the first start of a newer r1-tui.

Builds a history at schema 0004 (the last release before the conversation tree) with
5,000 conversations and 100,000 messages (prompts, answers with 1-3 KB of reasoning, every
tenth prompt answered twice), then opens it with the current code, which applies 0005 (the
tree: parent links backfilled) and every later migration, and checks every message got a
parent. Prints the seconds the open took.

    python bench/bench_migration.py [--conversations N] [--messages N]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tui.store import HistoryStore, db  # noqa: E402
from tui.store.schema import migrate  # noqa: E402

STAMP = "2026-01-02T03:04:05.{:03d}Z"


def build(path: Path, conversations: int, messages: int, rng: random.Random) -> int:
    """A schema-0004 history; returns the number of messages written."""
    db.ensure_private_file(path)
    conn = db.connect(path, read_only=False)
    db.configure_rw(conn)
    migrate(conn, path, upto=4)
    per = max(2, messages // conversations)
    words = "the model thinks about the question and checks the answer again wait".split()
    written = 0
    conn.execute("BEGIN")
    for c in range(conversations):
        cid = f"c{c:07d}"
        conn.execute("INSERT INTO conversations(id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
                     (cid, f"conversation {c}", STAMP.format(0), STAMP.format(c % 1000)))
        n = 0
        turn = 0
        while n < per:
            uid = f"{cid}u{turn}"
            conn.execute("INSERT INTO messages(id, conversation_id, role, content, created_at, updated_at) "
                         "VALUES (?, ?, 'user', ?, ?, ?)", (uid, cid, f"question {turn}", STAMP.format(n), STAMP.format(n)))
            n += 1
            for alt in range(2 if turn % 10 == 0 else 1):
                reasoning = " ".join(rng.choices(words, k=rng.randint(170, 500)))
                conn.execute("INSERT INTO messages(id, conversation_id, role, content, reasoning, state, reply_to, "
                             "choice_index, created_at, updated_at) VALUES (?, ?, 'assistant', ?, ?, 'complete', ?, ?, ?, ?)",
                             (f"{uid}a{alt}", cid, f"answer {turn}.{alt}", reasoning, uid, alt,
                              STAMP.format(n), STAMP.format(n)))
                n += 1
            turn += 1
        written += n
    conn.execute("COMMIT")
    conn.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.db"
        started = time.perf_counter()
        count = build(path, args.conversations, args.messages, random.Random(7))
        print(f"built {args.conversations} conversations, {count} messages at schema 0004 "
              f"in {time.perf_counter() - started:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
        started = time.perf_counter()
        store = HistoryStore.open(path)
        took = time.perf_counter() - started
        with store._read() as conn:
            orphans = conn.execute("SELECT count(*) FROM messages WHERE parent_id IS NULL AND role = 'assistant'"
                                   ).fetchone()[0]
        store.close()
        print(f"migrated to the current schema in {took:.2f} s; answers without a parent: {orphans}")


if __name__ == "__main__":
    main()
