"""Configuration precedence, endpoint normalisation, auth defaults and file errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.config import ConfigError, Overrides, load_settings
from tui.llm.endpoint import EndpointError, check_transport_security, normalize_endpoint


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://res.openai.azure.com", "https://res.openai.azure.com/openai/v1/"),
        ("https://res.openai.azure.com/", "https://res.openai.azure.com/openai/v1/"),
        ("https://res.openai.azure.com/openai/v1", "https://res.openai.azure.com/openai/v1/"),
        ("https://res.openai.azure.com/openai/v1/", "https://res.openai.azure.com/openai/v1/"),
        ("https://res.services.ai.azure.com", "https://res.services.ai.azure.com/openai/v1/"),
        ("https://res.services.ai.azure.com/openai/v1/", "https://res.services.ai.azure.com/openai/v1/"),
        ("res.openai.azure.com", "https://res.openai.azure.com/openai/v1/"),
        ("http://localhost:11434/v1", "http://localhost:11434/v1/"),
        ("https://api.deepseek.com", "https://api.deepseek.com/"),
        ("http://127.0.0.1:8000/v1/", "http://127.0.0.1:8000/v1/"),
    ],
)
def test_normalize_endpoint(raw: str, expected: str) -> None:
    assert normalize_endpoint(raw) == expected


def test_legacy_azure_url_gets_the_v1_form() -> None:
    with pytest.raises(EndpointError) as err:
        normalize_endpoint("https://res.openai.azure.com/openai/deployments/r1/chat/completions?api-version=2024-10-21")
    assert "https://res.openai.azure.com/openai/v1/" in str(err.value)
    assert "api-version=2024" not in str(err.value)


def test_credentials_never_over_plain_http_to_remote_hosts() -> None:
    check_transport_security("http://127.0.0.1:8000/v1/", "key")
    check_transport_security("http://example.com/v1/", "none")
    with pytest.raises(EndpointError, match="plain http"):
        check_transport_security("http://example.com/v1/", "key")


def write(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    os.chmod(path, mode)
    return path


PROFILES = """
default_profile = "azure"

[profiles.azure]
endpoint = "https://res.openai.azure.com"
deployment = "my-r1"
max_tokens = 2048
stop = ["END"]
system_prompt = "Be brief."

[profiles.azure.retry]
max_attempts = 3

[profiles.local]
endpoint = "http://localhost:11434/v1"
deployment = "deepseek-r1:8b"
"""


def test_nothing_configured(tmp_path: Path) -> None:
    settings = load_settings(Overrides(), env={}, path=tmp_path / "missing.toml")
    assert settings.endpoint is None
    assert "--demo" in settings.setup_hint and "AZURE_OPENAI_ENDPOINT" in settings.setup_hint


def test_file_profile_defaults_to_entra_on_azure(tmp_path: Path) -> None:
    settings = load_settings(Overrides(), env={}, path=write(tmp_path, PROFILES))
    ep = settings.endpoint
    assert ep is not None and settings.profile_name == "azure"
    assert (ep.base_url, ep.deployment, ep.auth) == ("https://res.openai.azure.com/openai/v1/", "my-r1", "entra")
    assert ep.token_scope == "https://cognitiveservices.azure.com/.default"
    assert ep.retry.max_attempts == 3
    assert (settings.defaults.max_tokens, settings.defaults.stop, settings.defaults.system) == (2048, ("END",), "Be brief.")


def test_key_in_environment_means_key_auth(tmp_path: Path) -> None:
    settings = load_settings(Overrides(), env={"AZURE_OPENAI_API_KEY": "k" * 32}, path=write(tmp_path, PROFILES))
    assert settings.endpoint is not None and settings.endpoint.auth == "key"
    assert "k" * 32 not in repr(settings.endpoint)


def test_loopback_without_key_means_no_auth(tmp_path: Path) -> None:
    settings = load_settings(Overrides(profile="local"), env={}, path=write(tmp_path, PROFILES))
    assert settings.endpoint is not None and settings.endpoint.auth == "none"


def test_precedence_flags_over_env_over_file(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILES)
    env = {"AZURE_OPENAI_ENDPOINT": "https://envres.openai.azure.com", "AZURE_OPENAI_DEPLOYMENT": "env-dep"}
    s = load_settings(Overrides(), env=env, path=path)
    assert s.endpoint is not None and (s.endpoint.host, s.endpoint.deployment) == ("envres.openai.azure.com", "env-dep")
    s = load_settings(Overrides(deployment="flag-dep", max_tokens=9), env=env, path=path)
    assert s.endpoint is not None and s.endpoint.deployment == "flag-dep" and s.defaults.max_tokens == 9


def test_explicit_profile_beats_environment(tmp_path: Path) -> None:
    env = {"AZURE_OPENAI_ENDPOINT": "https://envres.openai.azure.com", "AZURE_OPENAI_DEPLOYMENT": "env-dep"}
    s = load_settings(Overrides(profile="local"), env=env, path=write(tmp_path, PROFILES))
    assert s.endpoint is not None and s.endpoint.host == "localhost"


def test_openai_env(tmp_path: Path) -> None:
    env = {"OPENAI_BASE_URL": "https://api.deepseek.com", "OPENAI_API_KEY": "sk-" + "x" * 20}
    s = load_settings(Overrides(deployment="deepseek-reasoner"), env=env, path=tmp_path / "none.toml")
    assert s.endpoint is not None and s.endpoint.auth == "key" and s.endpoint.base_url == "https://api.deepseek.com/"


def test_unknown_profile(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no profile named 'nope'.*azure, local"):
        load_settings(Overrides(profile="nope"), env={}, path=write(tmp_path, PROFILES))


def test_broken_file_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'default_profile = "a"\n[profiles.a]\nendpoint = "https://x.openai.azure.com\n')
    with pytest.raises(ConfigError) as err:
        load_settings(Overrides(), env={}, path=path)
    assert str(path) in str(err.value) and "line 3" in str(err.value)


def test_unknown_profile_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown key 'endpont'"):
        load_settings(Overrides(), env={}, path=write(tmp_path, '[profiles.a]\nendpont = "x"\n'))


def test_sampling_parameters_warned_not_sent(tmp_path: Path) -> None:
    text = '[profiles.a]\nendpoint = "http://127.0.0.1:1/v1"\ndeployment = "d"\ntemperature = 0.6\n'
    s = load_settings(Overrides(), env={}, path=write(tmp_path, text))
    assert any("temperature is ignored" in w for w in s.warnings)


def test_api_key_in_file_requires_private_file(tmp_path: Path) -> None:
    text = '[profiles.a]\nendpoint = "https://r.openai.azure.com"\ndeployment = "d"\napi_key = "secret-in-file"\n'
    with pytest.raises(ConfigError, match="chmod 600"):
        load_settings(Overrides(), env={}, path=write(tmp_path, text, 0o644))
    s = load_settings(Overrides(), env={}, path=write(tmp_path, text, 0o600))
    assert s.endpoint is not None and s.endpoint.auth == "key" and s.endpoint.api_key == "secret-in-file"


def test_key_auth_without_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="AZURE_OPENAI_API_KEY"):
        load_settings(Overrides(endpoint="https://r.openai.azure.com", deployment="d", auth="key"), env={},
                      path=tmp_path / "none.toml")


def test_missing_deployment_explains_deployment_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not the model name"):
        load_settings(Overrides(endpoint="https://r.openai.azure.com"), env={}, path=tmp_path / "none.toml")


def test_plain_http_with_key_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="plain http"):
        load_settings(Overrides(endpoint="http://example.com/v1", deployment="d"), env={"OPENAI_API_KEY": "sk-123456789"},
                      path=tmp_path / "none.toml")


def test_demo(tmp_path: Path) -> None:
    s = load_settings(Overrides(demo_url="http://127.0.0.1:5/v1/"), env={}, path=tmp_path / "none.toml")
    assert s.endpoint is not None and s.endpoint.is_demo and s.endpoint.label == "demo"
