"""What doctor reports beside its checks: the request a profile sends, its context window, and
the deployments the endpoint lists. Not pass/fail: none of it changes doctor's exit status.

Text output shows the values (``extra_body`` included: doctor is where you look at them); the
``--json`` output carries the request's field *names* only, so a pasted report holds no values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tui.llm.context_window import ContextWindow
from tui.llm.errors import redact
from tui.llm.models import ModelList
from tui.llm.request import RequestDefaults, Turn, body_field_names, build_params
from tui.llm.thinking import state_name
from tui.sanitize import one_line

SHOWN_IDS = 20


@dataclass
class RequestInfo:
    """The profile's request as doctor describes it."""

    fields: list[str]
    extra_body: dict[str, Any]
    thinking: bool | None
    thinking_param: str | None
    thinking_fragment: dict[str, Any]
    context: ContextWindow
    models: ModelList | None = None  # None: not asked (an earlier check failed)
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def of(cls, defaults: RequestDefaults, deployment: str, secrets: tuple[str, ...] = ()) -> "RequestInfo":
        """Describe the requests ``defaults`` build for ``deployment``."""
        params = build_params(defaults.request([Turn("user", "…")]), deployment)
        recipe = defaults.thinking_recipe
        fragment = dict(recipe.fragment(defaults.thinking)) if recipe and defaults.thinking is not None else {}
        return cls(body_field_names(params), dict(defaults.extra_body), defaults.thinking,
                   recipe.name if recipe else None, fragment, defaults.context, secrets=secrets)

    def _clean(self, text: str, limit: int = 400) -> str:
        return one_line(redact(text, self.secrets), limit)

    def lines(self) -> list[str]:
        """Label and value per line, for the text report."""
        rows = [("request fields", ", ".join(self.fields))]
        if self.extra_body:
            rows.append(("extra_body", json.dumps(self.extra_body, ensure_ascii=False)))
        if self.thinking_param or self.thinking is not None:
            how = f"{self.thinking_param} recipe" if self.thinking_param else "no thinking_param: nothing sent"
            sent = f": {json.dumps(self.thinking_fragment, ensure_ascii=False)}" if self.thinking_fragment else ""
            rows.append(("thinking", f"{state_name(self.thinking)} ({how}{sent}); ask --think / --no-think flip it"))
        rows.append(("context window", self.context.describe()))
        rows.append(("deployments", self._models_line()))
        return [f"  {label:<20} {self._clean(value)}\n" for label, value in rows]

    def _models_line(self) -> str:
        if self.models is None:
            return "not listed: an earlier check failed"
        if not self.models.ok:
            return f"not listed by GET /models: {self.models.error}"
        ids = self.models.ids
        if not ids:
            return "GET /models listed none"
        more = f", … and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else ""
        return ", ".join(ids[:SHOWN_IDS]) + more + " (GET /models)"

    def to_json(self) -> dict[str, Any]:
        """The fields doctor --json adds: names and states, never extra_body values."""
        models = None if self.models is None else {
            "listed": self.models.ok, "ids": [self._clean(i, 200) for i in self.models.ids],
            "error": self._clean(self.models.error) if self.models.error else None}
        return {
            "request": {"fields": self.fields, "extra_body_fields": list(self.extra_body),
                        "thinking": None if self.thinking is None else state_name(self.thinking),
                        "thinking_param": self.thinking_param},
            "context_window": {"tokens": self.context.tokens, "source": self.context.source},
            "deployments": models,
        }
