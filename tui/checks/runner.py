"""Run the checks in order; a failure skips the checks that depend on it."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.config import Overrides
from tui.checks.credential import BorrowedCredential, check_credential, default_credential
from tui.checks.model import CHECKS, Check, DoctorReport, skipped
from tui.checks.network import check_dns, check_tcp, check_tls
from tui.checks.probe import check_deployment, check_reasoning, check_usage, list_endpoint_models, run_probe
from tui.checks.request_info import RequestInfo
from tui.checks.setup import check_config, check_endpoint, key_source
from tui.llm.auth import EntraTokenSource


class _Run:
    """Collects checks, cleans them, reports each as it completes."""

    def __init__(self, on_check: Callable[[Check], None] | None) -> None:
        self.report = DoctorReport()
        self.secrets: tuple[str, ...] = ()
        self._on_check = on_check

    def add(self, check: Check) -> bool:
        check = check.cleaned(self.secrets)
        self.report.checks.append(check)
        if self._on_check is not None:
            self._on_check(check)
        return check.ok

    def finish(self) -> DoctorReport:
        done = {c.name for c in self.report.checks}
        for name, _ in CHECKS:
            if name not in done:
                self.add(skipped(name))
        return self.report


async def run_checks(overrides: Overrides, *, env: Mapping[str, str] | None = None, config_path: Path | None = None,
                     credential: Any | None = None, on_check: Callable[[Check], None] | None = None) -> DoctorReport:
    """Run every check; ``credential`` replaces DefaultAzureCredential (tests, embedding)."""
    env = os.environ if env is None else env
    run = _Run(on_check)
    config, settings = check_config(overrides, env, config_path)
    if not run.add(config) or settings is None or settings.endpoint is None:
        return run.finish()
    ep = settings.endpoint
    run.secrets = (ep.api_key or "",)
    run.report.info = info = RequestInfo.of(settings.defaults, ep.deployment, run.secrets)
    parts = urlsplit(ep.base_url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    if not (run.add(check_endpoint(ep, env)) and run.add(await check_dns(host, port))
            and run.add(await check_tcp(host, port, env=env))
            and run.add(await check_tls(host, port, scheme=parts.scheme))):
        return run.finish()
    owned = None
    if ep.auth == "entra" and credential is None:
        credential = owned = default_credential()
    try:
        key_from = key_source(env, settings) if ep.auth == "key" else ""
        if not run.add(await check_credential(ep, key_from, credential)):
            return run.finish()
        tokens = EntraTokenSource(ep.token_scope, BorrowedCredential(credential)) if ep.auth == "entra" else None
        result = await run_probe(ep, tokens, settings.defaults)
        if run.add(check_deployment(ep, result)):
            run.add(check_usage(result))
            run.add(check_reasoning(result, settings.defaults))
        info.models = await list_endpoint_models(ep, tokens)
        return run.finish()
    finally:
        if owned is not None:
            owned.close()
