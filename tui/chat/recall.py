"""Earlier prompts for the composer: a walk back (Up) and forward (Down), newest first.

The prompts come from the engine (:meth:`tui.chat.session.Session.recent_prompts`, every
conversation, each text once); they are read a page at a time as the walk goes back.
Walking forward past the newest returns what was being typed before the walk began.
"""

from __future__ import annotations

from collections.abc import Callable

PAGE = 50


class PromptRecall:
    """Where the walk through earlier prompts is, and the draft it started from."""

    def __init__(self, source: Callable[[int, int], list[str]]) -> None:
        self._source = source  # (limit, offset) -> prompts, newest first
        self._loaded: list[str] = []
        self._exhausted = False
        self.index = -1  # -1: not walking; 0: the newest prompt
        self.draft = ""  # what was in the composer when the walk began
        self.shown: str | None = None  # the prompt the walk last put in the composer

    @property
    def walking(self) -> bool:
        return self.index >= 0

    def back(self, current: str) -> str | None:
        """The next older prompt (None when there is none); ``current`` is kept as the draft."""
        if not self.walking:
            self.reset()
            self.draft = current
        want = self.index + 1
        if want >= len(self._loaded) and not self._exhausted:
            page = self._source(PAGE, len(self._loaded))
            self._exhausted = len(page) < PAGE
            self._loaded.extend(page)
        if want >= len(self._loaded):
            return None
        self.index = want
        self.shown = self._loaded[want]
        return self.shown

    def forward(self) -> str | None:
        """The next newer prompt, the draft after the newest; None when not walking."""
        if not self.walking:
            return None
        self.index -= 1
        if self.index < 0:
            self.shown = None
            return self.draft
        self.shown = self._loaded[self.index]
        return self.shown

    def reset(self) -> None:
        """Forget the walk (after a send, or an edit): the next walk reads the prompts afresh."""
        self._loaded = []
        self._exhausted = False
        self.index = -1
        self.draft = ""
        self.shown = None
