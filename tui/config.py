"""Configuration: command-line flags > environment > config file > defaults.

The file is ``config.toml`` in platformdirs' user config dir (XDG_CONFIG_HOME honoured)::

    default_profile = "azure"

    [profiles.azure]
    endpoint = "https://my-resource.openai.azure.com/openai/v1/"
    deployment = "DeepSeek-R1"          # the deployment name, not the model name
    auth = "entra"                      # entra | key | none
    max_tokens = 4096

    [profiles.azure.retry]
    max_attempts = 6

    [profiles.azure.prices]             # optional; nothing is built in (prices change)
    input_per_mtok = 1.35               # per million prompt tokens, in your currency
    output_per_mtok = 5.40              # per million completion tokens
    currency = "USD"                    # a label for display

    [trace]
    pivots = ["Wait", "But", "Hmm"]     # phrases that open a new step in a reasoning trace

A profile named explicitly with ``--profile`` wins over the environment for the values it
sets; otherwise the environment (AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY,
AZURE_OPENAI_DEPLOYMENT, OPENAI_BASE_URL, OPENAI_API_KEY) wins over the file.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui import paths
from tui.config_request import REQUEST_KEYS, ProfileValueError, read_request_shape
from tui.llm.endpoint import (
    AUTH_MODES,
    DEFAULT_TOKEN_SCOPE,
    EndpointError,
    EndpointSettings,
    check_transport_security,
    is_azure_host,
    is_loopback_host,
    normalize_endpoint,
)
from tui.config_values import (
    MAX_TIMEOUT_S,
    ConfigError,
    find_api_key,
    bounded,
    key_variable,
    retry_policy,
    secrets_in,
    shown_variable,
    typed,
)
from tui.llm.errors import redact
from tui.llm.request import RequestDefaults
from tui.metrics import Prices

DEMO_DEPLOYMENT = "demo-r1"
DEMO_DEPLOYMENTS = ("demo-r1", "demo-v3")  # what the demo endpoint serves (tui/demo/wire.py MODELS)
SAMPLING_KEYS = ("temperature", "top_p", "presence_penalty", "frequency_penalty")
PROFILE_KEYS = frozenset({
    "endpoint", "deployment", "auth", "api_key_env", "api_key", "token_scope", "max_tokens", "stop", "n",
    "system_prompt", "retry", "timeout_s", "prices", *SAMPLING_KEYS, *REQUEST_KEYS,
})
PRICE_KEYS = frozenset({"input_per_mtok", "output_per_mtok", "currency"})
RETRY_KEYS = frozenset({"max_attempts", "base_delay_s", "max_delay_s"})
TOP_LEVEL_KEYS = frozenset({"default_profile", "profiles", "theme", "keys", "ui", "trace"})
TRACE_KEYS = frozenset({"pivots"})

SETUP_HINT = (
    "No endpoint configured. Set AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT (and `az login`, or "
    "AZURE_OPENAI_API_KEY), pass --endpoint and --deployment, or {profile_advice}. "
    "To try r1-tui without an endpoint, run it with --demo."
)


class PartialConfigError(ConfigError):
    """An endpoint is known but no deployment: what is known, so setup can start from it.

    ``endpoint`` is the normalised base URL, ``endpoint_from`` where it came from (``--endpoint``,
    ``AZURE_OPENAI_ENDPOINT``, ``OPENAI_BASE_URL`` or ``[profiles.NAME]``), ``profile`` the profile
    in force (None when none), ``missing`` the settings still needed.
    """

    def __init__(self, message: str, *, endpoint: str, endpoint_from: str, profile: str | None,
                 config_path: Path, missing: tuple[str, ...] = ("deployment",)) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.endpoint_from = endpoint_from
        self.profile = profile
        self.config_path = config_path
        self.missing = missing


def profile_advice(path: Path, profile: str | None, *, what: str = "endpoint and deployment") -> str:
    """Where a profile setting goes; names ``path`` only when that file exists."""
    section = f"[profiles.{profile or 'NAME'}]"
    if path.exists():
        return f"set {what} in {section} of {path}"
    return f"run `r1-tui` and save a profile in its setup dialog (a {section} section with {what})"


@dataclass(frozen=True, slots=True)
class Overrides:
    """Values given on the command line (None: not given)."""

    profile: str | None = None
    endpoint: str | None = None
    deployment: str | None = None
    auth: str | None = None
    system: str | None = None
    max_tokens: int | None = None
    stop: tuple[str, ...] | None = None
    n: int | None = None
    demo_url: str | None = None  # set when --demo started the built-in server


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the CLI needs to build a client and requests."""

    endpoint: EndpointSettings | None
    defaults: RequestDefaults
    profile_name: str | None
    config_path: Path
    warnings: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)  # theme, keys, ui: read by the app
    prices: Prices | None = None  # [profiles.NAME.prices]: answers get a cost
    notices: tuple[str, ...] = ()  # said once at start, not warnings (e.g. a context window assumed)

    @property
    def setup_hint(self) -> str:
        """How to configure an endpoint."""
        return SETUP_HINT.format(profile_advice=profile_advice(self.config_path, None))


def read_config_file(path: Path) -> dict[str, Any]:
    """Parse the config file (missing: empty). Errors name the file and the line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file: {exc.strerror}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}: line {line}: the file is not valid UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"line {match.group(1)}, column {match.group(2)}" if match else "somewhere"
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(f"{path}: {where}: {reason}") from exc
    _check_shape(path, data)
    return data


def trace_pivots(data: Mapping[str, Any], path: Path) -> tuple[str, ...] | None:
    """``[trace] pivots`` of a parsed config file (None: not set, use the defaults in tui/trace/steps.py)."""
    trace = data.get("trace", {})
    if not isinstance(trace, dict):
        raise ConfigError(f"{path}: 'trace' must be a table ([trace])")
    unknown = sorted(set(trace) - TRACE_KEYS)
    if unknown:
        raise ConfigError(f"{path}: [trace]: unknown key {unknown[0]!r}; known keys: {', '.join(sorted(TRACE_KEYS))}")
    pivots = trace.get("pivots")
    if pivots is None:
        return None
    if not isinstance(pivots, list) or not all(isinstance(p, str) and p.strip() for p in pivots):
        raise ConfigError(f"{path}: [trace]: pivots must be a list of non-empty strings, e.g. [\"Wait\", \"But\"]")
    return tuple(p.strip() for p in pivots)


def configured_pivots(path: Path | None = None) -> tuple[str, ...] | None:
    """The pivot phrases set in the config file, or None for the defaults. Raises ConfigError."""
    path = path or paths.config_file()
    return trace_pivots(read_config_file(path), path)


def _check_shape(path: Path, data: dict[str, Any]) -> None:
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(f"{path}: 'profiles' must be a table of [profiles.NAME] sections")
    for name, profile in profiles.items():
        if not isinstance(profile, dict):
            raise ConfigError(f"{path}: [profiles.{name}] must be a table")
        unknown = sorted(set(profile) - PROFILE_KEYS)
        if unknown:
            raise ConfigError(f"{path}: [profiles.{name}]: unknown key {unknown[0]!r}; known keys: {', '.join(sorted(PROFILE_KEYS - set(SAMPLING_KEYS)))}")
        retry = profile.get("retry", {})
        if not isinstance(retry, dict) or set(retry) - RETRY_KEYS:
            raise ConfigError(f"{path}: [profiles.{name}.retry] takes only {', '.join(sorted(RETRY_KEYS))}")
        prices = profile.get("prices", {})
        if not isinstance(prices, dict) or set(prices) - PRICE_KEYS:
            raise ConfigError(f"{path}: [profiles.{name}.prices] takes only {', '.join(sorted(PRICE_KEYS))}")
        if "api_key" in profile:
            _require_private(path)


def _require_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(
            f"{path} holds an api_key but is readable by others (mode {mode:04o}). "
            f"Run `chmod 600 {path}`, or keep the key in an environment variable named by api_key_env."
        )


def load_settings(overrides: Overrides, env: Mapping[str, str] | None = None, path: Path | None = None) -> Settings:
    """Resolve the settings in force. Raises :class:`ConfigError` with a message to show.

    No message ever holds a key: values that are or may be keys are redacted by value.
    """
    env = os.environ if env is None else env
    path = path or paths.config_file()
    data = read_config_file(path)
    profiles = data.get("profiles", {})
    secrets = tuple(s for p in profiles.values() for s in secrets_in(p, env)) or secrets_in({}, env)
    try:
        return _load(overrides, env, path, data)
    except ConfigError as exc:  # the same error (a PartialConfigError keeps what it knows), key-free
        exc.args = (redact(str(exc), secrets),)
        raise


def _load(overrides: Overrides, env: Mapping[str, str], path: Path, data: dict[str, Any]) -> Settings:
    extra: dict[str, Any] = {k: data[k] for k in ("theme", "keys", "ui", "trace") if k in data}
    trace_pivots(data, path)  # a bad [trace] table is reported now, not when a trace is shown
    warnings = [f"{path}: unknown top-level key {k!r} ignored" for k in sorted(set(data) - TOP_LEVEL_KEYS)]
    profiles: dict[str, dict[str, Any]] = data.get("profiles", {})
    name = overrides.profile or data.get("default_profile") or (next(iter(profiles)) if len(profiles) == 1 else None)
    if name is not None and name not in profiles:
        if overrides.profile or profiles:
            known = ", ".join(sorted(profiles)) or "none"
            raise ConfigError(f"{path}: no profile named {name!r} (profiles: {known})")
        name = None
    profile = profiles.get(name, {}) if name else {}
    where = f"[profiles.{name}]" if name else "[profiles.NAME]"
    for key in SAMPLING_KEYS:
        if key in profile:
            warnings.append(f"{where}: {key} is ignored: reasoning models do not take temperature, top_p or penalties")
    defaults = _request_defaults(path, where, profile, overrides)
    endpoint = _endpoint(path, name, profile, overrides, env, explicit_profile=overrides.profile is not None)
    try:
        shape = read_request_shape(path, where, profile, endpoint.deployment if endpoint else None,
                                   demo=bool(endpoint and endpoint.is_demo))
    except ProfileValueError as exc:
        raise ConfigError(str(exc)) from exc
    defaults = dataclasses.replace(defaults, extra_body=shape.extra_body, thinking=shape.thinking,
                                   thinking_recipe=shape.recipe, context=shape.context)
    prices = None if overrides.demo_url else _prices(path, where, profile.get("prices"))
    return Settings(endpoint, defaults, name, path, (*warnings, *shape.warnings), extra, prices, shape.notices)


def _prices(path: Path, where: str, raw: Mapping[str, Any] | None) -> Prices | None:
    """The profile's price table (both prices, non-negative finite numbers), or None."""
    if not raw:
        return None
    values = []
    for key in ("input_per_mtok", "output_per_mtok"):
        value = typed(path, where, f"prices.{key}", raw.get(key), (int, float))
        if value is None or not math.isfinite(value) or value < 0:
            raise ConfigError(f"{path}: {where}.prices: {key} must be a price per million tokens (0 or more)")
        values.append(float(value))
    currency = typed(path, where, "prices.currency", raw.get("currency", ""), str)
    return Prices(values[0], values[1], currency)


def _request_defaults(path: Path, where: str, profile: Mapping[str, Any], o: Overrides) -> RequestDefaults:
    max_tokens = o.max_tokens if o.max_tokens is not None else typed(path, where, "max_tokens", profile.get("max_tokens"), int)
    n = o.n if o.n is not None else typed(path, where, "n", profile.get("n"), int)
    stop_raw = o.stop if o.stop is not None else profile.get("stop", ())
    if isinstance(stop_raw, str):
        stop_raw = (stop_raw,)
    if not isinstance(stop_raw, (list, tuple)) or not all(isinstance(s, str) for s in stop_raw):
        raise ConfigError(f"{path}: {where}: stop must be a string or a list of strings")
    system = o.system if o.system is not None else typed(path, where, "system_prompt", profile.get("system_prompt"), str)
    if max_tokens is not None and max_tokens < 1:
        raise ConfigError(f"max_tokens must be at least 1, not {max_tokens}")
    if n is not None and not 1 <= n <= 16:
        raise ConfigError(f"n must be between 1 and 16, not {n}")
    return RequestDefaults(system or None, max_tokens, tuple(stop_raw), n)


def _endpoint(path: Path, name: str | None, profile: Mapping[str, Any], o: Overrides, env: Mapping[str, str],
              explicit_profile: bool) -> EndpointSettings | None:
    where = f"[profiles.{name}]" if name else "[profiles.NAME]"
    retry = retry_policy(path, where, profile.get("retry", {}))
    timeout_s = float(bounded(path, where, "timeout_s", profile.get("timeout_s", 600.0), 1, MAX_TIMEOUT_S))
    if o.demo_url:
        demo_deployment = o.deployment or DEMO_DEPLOYMENT
        if demo_deployment not in DEMO_DEPLOYMENTS:
            raise ConfigError(f"The demo endpoint serves {' and '.join(DEMO_DEPLOYMENTS)} (hybrid thinking), "
                              f"not {demo_deployment!r}: use --deployment demo-v3, or leave --deployment out.")
        return EndpointSettings(o.demo_url, demo_deployment, "none", None, DEFAULT_TOKEN_SCOPE, retry, timeout_s, is_demo=True)

    sources: dict[str, str] = {}

    def pick(flag: str | None, env_names: tuple[str, ...], key: str) -> str | None:
        env_name = next((n for n in env_names if env.get(n)), None)
        file_value = typed(path, where, key, profile.get(key), str)
        if flag:
            sources[key] = f"--{key}"
        elif file_value and (explicit_profile or not env_name):
            sources[key] = where
        else:
            sources[key] = env_name or where
        if flag:
            return flag
        if explicit_profile and file_value:
            return file_value
        return (env[env_name] if env_name else None) or file_value

    raw_endpoint = pick(o.endpoint, ("AZURE_OPENAI_ENDPOINT", "OPENAI_BASE_URL"), "endpoint")
    if not raw_endpoint:
        return None
    try:
        base_url = normalize_endpoint(raw_endpoint)
    except EndpointError as exc:
        raise ConfigError(str(exc)) from exc
    host = base_url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0]
    deployment = pick(o.deployment, ("AZURE_OPENAI_DEPLOYMENT",), "deployment")
    if not deployment:
        raise PartialConfigError(
            f"No deployment for {base_url} (endpoint from {sources['endpoint']}). Set AZURE_OPENAI_DEPLOYMENT, "
            f"pass --deployment, or {profile_advice(path, name, what='deployment')}. On Azure this is the "
            "deployment name shown in the Foundry portal, not the model name.",
            endpoint=base_url, endpoint_from=sources["endpoint"], profile=name, config_path=path,
        )
    api_key = find_api_key(path, where, profile, env, is_azure_host(host))
    auth = o.auth or typed(path, where, "auth", profile.get("auth"), str)
    if auth is None:
        auth = "key" if api_key else "entra" if is_azure_host(host) else "none"
    if auth not in AUTH_MODES:
        raise ConfigError(f"auth must be one of {', '.join(AUTH_MODES)}, not {auth!r}")
    if auth == "key" and not api_key:
        named = key_variable(path, where, profile)
        var = shown_variable(named) if named else ("AZURE_OPENAI_API_KEY" if is_azure_host(host) else "OPENAI_API_KEY")
        raise ConfigError(f"auth is 'key' but no API key was found: set {var} (keys are never taken on the command line).")
    if auth == "none" and not is_loopback_host(host) and is_azure_host(host):
        raise ConfigError("Azure endpoints need credentials: use auth 'entra' (after `az login`) or 'key'.")
    scope = typed(path, where, "token_scope", profile.get("token_scope"), str) or DEFAULT_TOKEN_SCOPE
    try:
        check_transport_security(base_url, auth)  # type: ignore[arg-type]
    except EndpointError as exc:
        raise ConfigError(str(exc)) from exc
    return EndpointSettings(base_url, deployment, auth, api_key if auth == "key" else None, scope, retry, timeout_s)  # type: ignore[arg-type]
