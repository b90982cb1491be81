"""The command fronts: ``ask``, ``history`` and ``doctor`` (no Textual)."""
