"""#15.2, #15.7, #15.8, #15.12: credentials reach only the endpoint; proxies, loopback and config values checked first."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.loopback import LoopbackServer, Stream
from tui.checks.setup import check_endpoint
from tui.config import ConfigError, Overrides, load_settings
from tui.llm import endpoint as endpoints
from tui.llm.endpoint import EndpointError, EndpointSettings, check_transport_security, normalize_endpoint


def route_for(*args, **kwargs):
    from tui.llm.route import route_for as decide  # imported here: the module is what is tested

    return decide(*args, **kwargs)


def loopback_verdict(*args):
    return endpoints.loopback_verdict(*args)

try:
    from tests.test_ask_cli import env_for
except ImportError:  # tests/ itself on sys.path
    from test_ask_cli import env_for  # type: ignore[no-redef]

KEY = "sk-test-SECRETKEY-0123456789"
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy", "NO_PROXY", "no_proxy")


def resolver(table: dict[str, list[str]]):
    def resolve(host: str) -> list[str]:
        if host not in table:
            raise OSError("no such name")
        return table[host]
    return resolve


@pytest.fixture
def proxy_recorder():
    """A loopback server standing in for a proxy: it records every request that reaches it."""
    server = LoopbackServer().start()
    try:
        yield server
    finally:
        server.stop()


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {name: "" for name in PROXY_VARS}
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=60,
                          env=env_for(tmp_path, **{**base, **env}))


def everything(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


# --------------------------------------------------------------------------- #15.2 proxies

def test_loopback_endpoint_bypasses_every_proxy(tmp_path: Path, azure_server, proxy_recorder) -> None:
    azure_server.require_auth(bearer=KEY)
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>", "ok"]))
    proxy = proxy_recorder.origin
    result = run_cli(tmp_path, "ask", "--endpoint", azure_server.base_url, "--deployment", "d", "--auth", "key", "q",
                     OPENAI_API_KEY=KEY, HTTP_PROXY=proxy, HTTPS_PROXY=proxy, ALL_PROXY=proxy, http_proxy=proxy)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"
    assert proxy_recorder.requests == []  # the key never reached the proxy
    assert azure_server.requests[0].headers["authorization"] == f"Bearer {KEY}"


def test_route_decisions() -> None:
    resolve = resolver({"model.internal": ["127.0.0.1"], "api.example.com": ["203.0.113.9"]})
    env = {"HTTPS_PROXY": "http://alice:pw@proxy.example:3128", "http_proxy": "proxy.example:8080"}
    via = route_for("https://api.example.com/v1/", env, auth="key", resolve=resolve)
    assert via.proxy == "http://alice:pw@proxy.example:3128" and via.variable == "HTTPS_PROXY"
    assert via.why == "via proxy http://proxy.example:3128 (from HTTPS_PROXY)" and "pw" not in via.shown
    assert route_for("http://model.internal:8000/v1/", env, auth="key", resolve=resolve).proxy is None
    assert route_for("https://api.example.com/v1/", {**env, "NO_PROXY": ".example.com"}, resolve=resolve).proxy is None
    assert route_for("https://api.example.com/v1/", {}, resolve=resolve).why == "direct (no proxy set)"
    plain = route_for("http://api.example.com/v1/", env, auth="none", resolve=resolve)  # no credential: fine
    assert plain.proxy == "http://proxy.example:8080"
    with pytest.raises(EndpointError, match="the proxy would read them"):
        route_for("http://api.example.com/v1/", env, auth="key", resolve=resolve)


@pytest.mark.parametrize("proxy,words", [
    ("socks4://127.0.0.1:1080", "not a proxy r1-tui can use"),
    ("ftp://127.0.0.1:21", "not a proxy r1-tui can use"),
    pytest.param("socks5://127.0.0.1:1080", "needs the optional socksio", marks=pytest.mark.skipif(
        importlib.util.find_spec("socksio") is not None, reason="socksio is installed: SOCKS proxies work")),
])
def test_unusable_proxy_is_a_clear_error_before_connecting(tmp_path: Path, proxy: str, words: str) -> None:
    result = run_cli(tmp_path, "ask", "--endpoint", "https://203.0.113.7/v1", "--deployment", "d", "--json", "q",
                     ALL_PROXY=proxy)
    assert "Traceback" not in result.stderr
    assert result.returncode == 2 and words in json.loads(result.stdout)["error"]["message"]
    doctor = check_endpoint(EndpointSettings("https://203.0.113.7/v1/", "d", "none"), {"ALL_PROXY": proxy})
    assert not doctor.ok and words in doctor.detail


def test_doctor_reports_the_proxy_in_use(tmp_path: Path, azure_server) -> None:
    ep = EndpointSettings("https://203.0.113.7/openai/v1/", "d", "key", "k" * 20)
    check = check_endpoint(ep, {"HTTPS_PROXY": "http://bob:hunter22@proxy.example:3128"})
    assert check.ok and "via proxy http://proxy.example:3128 (from HTTPS_PROXY)" in check.detail
    assert "hunter22" not in check.detail
    result = run_cli(tmp_path, "doctor", "--json", "--endpoint", azure_server.base_url, "--deployment", "d",
                     HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert "proxies are bypassed for a loopback endpoint (HTTP_PROXY is set)" in checks["endpoint"]["detail"]
    assert "connects directly too" not in checks["tcp"]["detail"] and checks["deployment"]["ok"]


# --------------------------------------------------------------------------- #15.8 loopback by address

def test_loopback_is_decided_by_the_resolved_address() -> None:
    resolve = resolver({"evil.localhost": ["93.184.216.34"], "model.internal": ["127.0.0.1", "::1"],
                        "half.localhost": ["127.0.0.1", "10.1.2.3"]})
    assert not loopback_verdict("evil.localhost", resolve).is_loopback
    assert not loopback_verdict("half.localhost", resolve).is_loopback
    assert not loopback_verdict("gone.localhost", resolve).is_loopback
    assert loopback_verdict("model.internal", resolve).is_loopback
    assert loopback_verdict("::ffff:127.0.0.1").is_loopback and loopback_verdict("[::1]").is_loopback
    assert not loopback_verdict("10.0.0.1").is_loopback
    with pytest.raises(EndpointError, match=r"evil\.localhost \u2192 93\.184\.216\.34"):
        check_transport_security("http://evil.localhost:8000/v1/", "key", resolve)
    check_transport_security("http://model.internal:8000/v1/", "key", resolve)


def test_a_localhost_name_that_is_not_loopback_gets_no_credential(tmp_path: Path, azure_server, proxy_recorder) -> None:
    endpoint = f"http://evil.localhost:{azure_server.port}/v1"  # not in /etc/hosts: it does not resolve here
    result = run_cli(tmp_path, "ask", "--endpoint", endpoint, "--deployment", "d", "--auth", "key", "q",
                     OPENAI_API_KEY=KEY, HTTP_PROXY=proxy_recorder.origin)
    assert result.returncode == 2 and "Refusing to send credentials" in result.stderr
    assert "evil.localhost does not resolve" in result.stderr
    assert proxy_recorder.requests == [] and azure_server.requests == []


def test_doctor_says_how_loopback_was_decided(tmp_path: Path, azure_server) -> None:
    endpoint = f"http://localhost:{azure_server.port}/v1"
    result = run_cli(tmp_path, "doctor", "--json", "--endpoint", endpoint, "--deployment", "d")
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert "loopback by resolved address (localhost \u2192 127.0.0.1" in checks["endpoint"]["detail"]
    ep = EndpointSettings("http://evil.localhost:1/v1/", "d", "none")
    check = check_endpoint(ep, {}, resolver({"evil.localhost": ["93.184.216.34"]}))
    assert "not loopback (evil.localhost \u2192 93.184.216.34)" in check.detail


# --------------------------------------------------------------------------- #15.7 secrets in messages

def write_config(tmp_path: Path, profile: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[profiles.p]\nendpoint = "https://x.openai.azure.com"\ndeployment = "d"\n{profile}\n')
    path.chmod(0o600)
    return path


@pytest.mark.parametrize("profile,words", [
    (f'api_key = ["{KEY}"]', "api_key must be str, not a list (its value is not shown)"),
    ("api_key = 1234567890123456789", "api_key must be str, not a int (its value is not shown)"),
    (f'api_key_env = "{KEY}"', "api_key_env must be the name of an environment variable"),
    ('api_key_env = "abcdef0123456789abcdef0123456789"\nauth = "key"', "set the variable named by api_key_env"),
])
def test_a_key_in_the_wrong_place_is_never_printed(tmp_path: Path, profile: str, words: str) -> None:
    path = write_config(tmp_path, profile)
    with pytest.raises(ConfigError) as info:
        load_settings(Overrides(), {}, path)
    message = str(info.value)
    assert words in message
    for secret in (KEY, "1234567890123456789", "abcdef0123456789abcdef0123456789"):
        assert secret not in message


@pytest.mark.parametrize("key,words", [
    ("sk-abc\nSECONDHALF-xyz", "control character (U+000A at position 7"),
    ("sk-abc\tSECONDHALF-xyz", "control character (U+0009 at position 7"),
    ("sk-abc\u2013SECONDHALF-xyz", "not ASCII (U+2013 at position 7"),
])
def test_keys_with_control_or_non_ascii_characters_are_refused(tmp_path: Path, azure_server, key: str, words: str) -> None:
    result = run_cli(tmp_path, "ask", "--endpoint", azure_server.base_url, "--deployment", "d", "--auth", "key", "q",
                     OPENAI_API_KEY=key)
    assert result.returncode == 2 and words in result.stderr and "OPENAI_API_KEY" in result.stderr
    assert "SECONDHALF" not in everything(result) and "Traceback" not in result.stderr
    assert azure_server.requests == []


def test_user_info_in_the_endpoint_is_refused_and_never_shown(tmp_path: Path, azure_server) -> None:
    endpoint = f"http://alice:s3cr3t-pass@127.0.0.1:{azure_server.port}/v1"
    for command in (["ask", "q"], ["doctor"]):
        result = run_cli(tmp_path, *command, "--endpoint", endpoint, "--deployment", "d")
        assert result.returncode == 2 and "user name or password" in everything(result)
        assert "s3cr3t-pass" not in everything(result) and "alice" not in everything(result)
    assert azure_server.requests == []
    with pytest.raises(EndpointError):
        normalize_endpoint("alice:pw@example.com")


# --------------------------------------------------------------------------- #15.12 odd values

@pytest.mark.parametrize("retry,words", [
    ("base_delay_s = inf", "retry.base_delay_s must be a number from 0 to 3600, not inf"),
    ("base_delay_s = nan", "retry.base_delay_s must be a number from 0 to 3600, not nan"),
    ("max_delay_s = -1", "retry.max_delay_s must be a number from 0 to 3600"),
    ("max_delay_s = 1e300", "retry.max_delay_s must be a number from 0 to 3600"),
    ("max_attempts = 1000000", "retry.max_attempts must be from 1 to 100"),
    ("max_attempts = 0", "retry.max_attempts must be from 1 to 100"),
])
def test_retry_settings_are_validated(tmp_path: Path, retry: str, words: str) -> None:
    path = write_config(tmp_path, f"[profiles.p.retry]\n{retry}")
    with pytest.raises(ConfigError, match="retry") as info:
        load_settings(Overrides(), {}, path)
    assert words in str(info.value)


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-5"])
def test_timeout_is_validated(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="timeout_s must be a number from 1 to 86400"):
        load_settings(Overrides(), {}, write_config(tmp_path, f"timeout_s = {value}"))


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:1/v\x01", "http://127.0.0.1:1/a b", "http://127.0.0.1:1/\x1b[2J",
                                      "http://127.0.0.1:1/v\x851", "http://127.0.0.1:99999/v1", "http://127.0.0.1:x/v1"])
def test_odd_endpoints_are_config_errors(tmp_path: Path, endpoint: str) -> None:
    result = run_cli(tmp_path, "ask", "--endpoint", endpoint, "--deployment", "d", "q")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr and "\x85" not in result.stderr
    assert "control character" in result.stderr or "port" in result.stderr

