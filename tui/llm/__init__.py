"""The model-facing core: endpoint, auth, streaming as typed events, think splitting, retry.

Nothing here imports textual; the CLI and the UI consume the events.
"""
