"""Run ``r1-tui`` in this process under cProfile (the bench's pty is its terminal).

Usage (the benches do this for you): python bench/profile_app.py OUT.prof -- [r1-tui args]
Read: python -m pstats OUT.prof   (or bench/show_profile.py OUT.prof)
"""

from __future__ import annotations

import cProfile
import sys


def main() -> int:
    out, sep, *argv = sys.argv[1:]
    assert sep == "--", "usage: profile_app.py OUT.prof -- ARGS"
    from tui.cli import main as r1_main

    prof = cProfile.Profile()
    prof.enable()
    try:
        return r1_main(argv)
    finally:
        prof.disable()
        prof.dump_stats(out)


if __name__ == "__main__":
    sys.exit(main())
