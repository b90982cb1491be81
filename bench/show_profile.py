"""Summarise a cProfile file from ``bench_stream.py --profile``: top functions, and time per area.

Run: python bench/show_profile.py FILE.prof [--top 25]
"""

from __future__ import annotations

import argparse
import pstats

AREAS = [("tui/ui/", "tui/ui (our widgets)"), ("tui/llm/", "tui/llm"), ("tui/store/", "tui/store"),
         ("textual/widgets/_markdown", "textual Markdown"), ("textual/_compositor", "textual compositor"),
         ("textual/strip", "textual strips"), ("textual/", "textual (other)"), ("rich/", "rich"),
         ("markdown_it", "markdown-it"), ("httpx", "httpx"), ("sqlite3", "sqlite3"), ("asyncio", "asyncio"),
         ("{", "builtins")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    stats = pstats.Stats(args.file)
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    by_area: dict[str, float] = {}
    for (path, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        area = next((label for key, label in AREAS if key in path), "other")
        by_area[area] = by_area.get(area, 0.0) + tt
    print(f"total own time {total:.2f} s (main thread)")
    for area, tt in sorted(by_area.items(), key=lambda i: -i[1]):
        print(f"  {area:<24}{tt:8.2f} s {tt / total:6.1%}")
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
