"""Stored conversations rendered for people and tools: text, Markdown, safe JSON (no I/O)."""
