"""Reviewing reasoning traces: steps, math as Unicode, timelines, votes (pure; no Textual, no I/O)."""
