"""The built-in demo endpoint (``r1-tui --demo``): canned reasoning streams over real HTTP."""

from tui.demo.server import DemoServer

__all__ = ["DemoServer"]
