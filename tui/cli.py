"""Command-line entry point (being written)."""
def main(argv=None) -> int:
    return 0
