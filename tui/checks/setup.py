"""Checks 1 and 2: the configuration loads, and the endpoint is in the v1 form."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.config import ConfigError, Overrides, Settings, load_settings, read_config_file
from tui.checks.model import Check, failed, passed
from tui.llm.endpoint import (
    AZURE_SUFFIXES,
    V1_EXAMPLE,
    EndpointError,
    EndpointSettings,
    Resolver,
    check_transport_security,
    is_azure_host,
    is_loopback_host,
    loopback_verdict,
)
from tui.llm.route import route_for

ENDPOINT_ENV = ("AZURE_OPENAI_ENDPOINT", "OPENAI_BASE_URL")


def check_config(overrides: Overrides, env: Mapping[str, str], path: Path | None) -> tuple[Check, Settings | None]:
    """Load the settings as the app would; say where the endpoint came from."""
    try:
        settings = load_settings(overrides, env, path)
    except ConfigError as exc:
        return failed("config", str(exc), "Fix what the message names (config file, flags or environment)."), None
    if settings.endpoint is None:
        return failed("config", "no endpoint configured", settings.setup_hint), None
    ep = settings.endpoint
    source = endpoint_source(overrides, env, settings)
    detail = f"endpoint from {source}; deployment {ep.deployment!r}; auth {ep.auth}"
    if settings.warnings:
        detail += f"; warnings: {'; '.join(settings.warnings)}"
    return passed("config", detail), settings


def _profile(settings: Settings) -> dict[str, Any]:
    if not settings.profile_name:
        return {}
    try:
        data = read_config_file(settings.config_path)
    except ConfigError:
        return {}
    return data.get("profiles", {}).get(settings.profile_name, {})


def endpoint_source(overrides: Overrides, env: Mapping[str, str], settings: Settings) -> str:
    """Which flag, environment variable or profile supplied the endpoint (same order as tui.config)."""
    if settings.endpoint is not None and settings.endpoint.is_demo:
        return "--demo (the built-in demo server)"
    if overrides.endpoint:
        return "--endpoint"
    in_file = bool(_profile(settings).get("endpoint"))
    where = f"profile {settings.profile_name!r} in {settings.config_path}"
    env_name = next((n for n in ENDPOINT_ENV if env.get(n)), None)
    if overrides.profile and in_file:
        return where
    if env_name:
        return f"environment ({env_name})"
    return where if in_file else "configuration"


def key_source(env: Mapping[str, str], settings: Settings) -> str:
    """Where the API key came from (never the key itself)."""
    profile = _profile(settings)
    var = profile.get("api_key_env")
    if isinstance(var, str) and var:
        return var
    assert settings.endpoint is not None
    name = "AZURE_OPENAI_API_KEY" if is_azure_host(settings.endpoint.host) else "OPENAI_API_KEY"
    if env.get(name):
        return name
    return f"api_key in {settings.config_path}" if profile.get("api_key") else "the configuration"


def display_url(base_url: str) -> str:
    """The URL without user info or query (safe to show)."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def check_endpoint(ep: EndpointSettings, env: Mapping[str, str] | None = None, resolve: Resolver | None = None) -> Check:
    """The Azure v1 form (``https://NAME.openai.azure.com/openai/v1/``), or any OpenAI-compatible URL;
    whether it is loopback (by resolved address) and the route: direct or which proxy."""
    url = display_url(ep.base_url)
    if ep.is_demo:
        return passed("endpoint", f"{url} (built-in demo endpoint)")
    try:
        check_transport_security(ep.base_url, ep.auth, resolve)
    except EndpointError as exc:
        return failed("endpoint", str(exc), "Use https:// for an endpoint that needs credentials.")
    try:
        route = route_for(ep.base_url, env, auth=ep.auth, resolve=resolve)
    except EndpointError as exc:
        return failed("endpoint", str(exc), "Fix the proxy variable it names, or set NO_PROXY for this host.")
    check = _endpoint_form(ep, url, resolve)
    return dataclasses.replace(check, detail=f"{check.detail}; {route.why}")


def _endpoint_form(ep: EndpointSettings, url: str, resolve: Resolver | None) -> Check:
    parts = urlsplit(ep.base_url)
    host = (parts.hostname or "").lower()
    if is_azure_host(host):
        resource = host.split(".", 1)[0]
        v1 = f"https://{resource}.openai.azure.com/openai/v1/"
        if parts.scheme != "https":
            return failed("endpoint", f"{url} uses plain http", f"Azure endpoints need https: use {v1}")
        if not host.endswith(AZURE_SUFFIXES):
            return failed("endpoint", f"{url} is not an Azure OpenAI / Foundry resource host",
                          f"Use the resource endpoint from the Foundry portal, in the form {V1_EXAMPLE}")
        if parts.path != "/openai/v1/":
            return failed("endpoint", f"{url} is not the v1 API path (/openai/v1/)",
                          f"Set the endpoint to {v1} and the deployment name separately.")
        return passed("endpoint", f"{url} (Azure v1 API)")
    note = "OpenAI-compatible endpoint"
    loopback = loopback_verdict(host, resolve) if parts.scheme == "http" or is_loopback_host(host) else None
    if loopback is not None:
        note += f", loopback by resolved address ({loopback.how})" if loopback.is_loopback else f", not loopback ({loopback.how})"
    if parts.scheme == "http":
        note += ", plain http" + ("" if ep.auth == "none" else ": credentials allowed because it is loopback")
    return passed("endpoint", f"{url} ({note})")
