"""r1-tui: a keyboard-driven terminal client for reasoning models."""

__version__ = "0.1.0"
