"""``r1-tui doctor`` against the loopback server (real HTTP on 127.0.0.1), via its API and as a subprocess."""

from __future__ import annotations

import asyncio
import datetime
import io
import json
import os
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.loopback import (
    AZURE_401_BODY,
    AZURE_403_BODY,
    AZURE_404_BODY,
    ErrorResponse,
    Stream,
    azure_429_body,
    rate_limit_headers,
    usage,
)
from tui.config import Overrides
from tui.commands.doctor import DoctorReport, run_checks, run_doctor
from tui.checks.model import CHECKS
from tui.checks.network import check_dns, check_tls

NAMES = [name for name, _ in CHECKS]


class FakeCredential:
    """Implements azure-identity's get_token; no network."""

    def __init__(self, token: str = "fake-entra-token-123", lifetime_s: int = 3600, error: str | None = None) -> None:
        self.token, self.lifetime_s, self.error, self.calls = token, lifetime_s, error, 0

    def get_token(self, *scopes: str, **kwargs: object):
        from azure.core.credentials import AccessToken

        self.calls += 1
        assert scopes == ("https://cognitiveservices.azure.com/.default",)
        if self.error:
            raise RuntimeError(self.error)
        return AccessToken(self.token, int(time.time()) + self.lifetime_s)


def overrides(server, **kw: str) -> Overrides:
    values = {"endpoint": server.base_url, "deployment": "d", "auth": "none", **kw}
    return Overrides(**values)  # type: ignore[arg-type]


async def doctor(tmp_path: Path, ov: Overrides, env: dict[str, str] | None = None, **kw: object) -> DoctorReport:
    return await run_checks(ov, env=env or {}, config_path=tmp_path / "config.toml", **kw)  # type: ignore[arg-type]


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "OPENAI_"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"), R1_TUI_DEMO_RATE="5000")
    env.update(extra)
    return env


def doctor_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", "doctor", *args], capture_output=True, text=True,
                          timeout=60, env=env_for(tmp_path, **env))


def states(report: DoctorReport) -> dict[str, str]:
    return {c.name: "skip" if c.skipped and not c.ok else "ok" if c.ok else "FAIL" for c in report.checks}


# --------------------------------------------------------------------------- healthy

async def test_healthy_think_tags_all_pass(tmp_path: Path, azure_server) -> None:
    report = await doctor(tmp_path, overrides(azure_server))
    assert [c.name for c in report.checks] == NAMES
    assert report.ok and report.exit_code == 0, report.to_json()
    assert report.get("reasoning").detail.startswith("<think> tags (")
    assert report.get("tls").skipped and report.get("tls").ok  # not applicable over http
    assert "OpenAI-compatible endpoint" in report.get("endpoint").detail
    assert "127.0.0.1" in report.get("dns").detail and " ms" in report.get("tcp").detail
    assert "first token after" in report.get("deployment").detail
    assert report.get("usage").detail == "prompt 9, completion 9 (reasoning 4), total 18 tokens"
    assert report.get("config").detail.startswith("endpoint from --endpoint; deployment 'd'")
    body = azure_server.requests[0].json
    assert body["model"] == "d" and body["max_tokens"] == 64 and body["stream"] is True


def test_healthy_reasoning_content_subprocess_json(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(reasoning_chunks=["The user wants ", "OK."], content_chunks=["OK"], azure_quirks=True))
    result = doctor_cli(tmp_path, "--endpoint", azure_server.base_url, "--deployment", "d", "--auth", "none", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    obj = json.loads(result.stdout)
    assert obj["ok"] is True and [c["name"] for c in obj["checks"]] == NAMES
    assert all(set(c) == {"name", "ok", "skipped", "detail", "fix"} for c in obj["checks"])
    assert {c["name"]: c for c in obj["checks"]}["reasoning"]["detail"].startswith("reasoning_content field")


async def test_reasoning_field_and_missing_open_tag(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(reasoning_chunks=["hm"], content_chunks=["OK"], reasoning_field="reasoning"))
    azure_server.enqueue(Stream(content_chunks=["thinking first", "</think>", "OK"]))
    first = await doctor(tmp_path, overrides(azure_server))
    second = await doctor(tmp_path, overrides(azure_server))
    assert first.get("reasoning").detail.startswith("reasoning field")
    assert second.ok and second.get("reasoning").detail.startswith("<think> tags without an opening tag")


async def test_length_finish_passes_and_localhost_resolves(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>", "long reasoning"], finish_reason="length"))
    url = f"http://localhost:{azure_server.port}/openai/v1/"
    report = await doctor(tmp_path, overrides(azure_server, endpoint=url))
    assert report.ok, report.to_json()
    assert "finish_reason length" in report.get("deployment").detail
    assert report.get("dns").detail.startswith("localhost \u2192 ")


async def test_api_key_source_shown_never_the_key(tmp_path: Path, azure_server) -> None:
    key = "sk-loopback-secret-key-0123456789"
    azure_server.require_auth(bearer=key)
    report = await doctor(tmp_path, overrides(azure_server, auth="key"), env={"OPENAI_API_KEY": key})
    assert report.ok, report.to_json()
    assert report.get("credential").detail == "API key from OPENAI_API_KEY"
    assert key not in json.dumps(report.to_json()) and key[-4:] not in json.dumps(report.to_json())


# --------------------------------------------------------------------------- deployment failures

@pytest.mark.parametrize(("status", "body", "fix_words"), [
    (401, AZURE_401_BODY, ("`az login`", "Cognitive Services User")),
    (403, AZURE_403_BODY, ("Cognitive Services User", "az login")),
    (404, AZURE_404_BODY, ("not the model name", "few minutes")),
])
async def test_http_errors_map_to_fixes(tmp_path: Path, azure_server, status: int, body: dict,
                                        fix_words: tuple[str, ...]) -> None:
    azure_server.enqueue(ErrorResponse(status, body))
    report = await doctor(tmp_path, overrides(azure_server, auth="entra"), credential=FakeCredential())
    deployment = report.get("deployment")
    assert not deployment.ok and deployment.detail.startswith(f"{status}: ")
    assert all(word in deployment.fix for word in fix_words), deployment.fix
    assert states(report)["usage"] == states(report)["reasoning"] == "skip"
    assert report.exit_code == 1 and len(azure_server.requests) == 1  # 401/403/404 are not retried


def test_401_subprocess_human_output(tmp_path: Path, azure_server) -> None:
    azure_server.require_auth(api_key="never-sent")
    result = doctor_cli(tmp_path, "--endpoint", azure_server.base_url, "--deployment", "d", "--auth", "none")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("\u2713 configuration")
    failing = next(line for line in lines if line.startswith("\u2717 deployment streams"))
    assert "401: Access denied" in failing
    assert any(line.startswith("    fix: The endpoint wants credentials") for line in lines)
    assert any(line.startswith("\u2013 usage reported") and "skipped" in line for line in lines)
    assert lines[-1] == "1 of 9 checks failed, 2 skipped."


async def test_429_exhaustion_points_at_quota(tmp_path: Path, azure_server) -> None:
    for _ in range(3):
        azure_server.enqueue(ErrorResponse(429, azure_429_body(), headers=rate_limit_headers(retry_after_ms=10)))
    report = await doctor(tmp_path, overrides(azure_server))
    deployment = report.get("deployment")
    assert not deployment.ok and deployment.detail.startswith("429: ")
    assert "after 2 retries" in deployment.detail and "quota" in deployment.fix
    assert len([r for r in azure_server.requests if r.method == "POST"]) == 3 and report.exit_code == 1


def test_error_body_is_sanitised_and_redacted(tmp_path: Path, azure_server) -> None:
    key = "sk-loopback-secret-key-0123456789"
    azure_server.enqueue(ErrorResponse(404, {"error": {"message": f"no \x1b]0;pwned\x07 deployment for key {key}"}}))
    out = io.StringIO()
    code = run_doctor(overrides(azure_server, auth="key"), out=out, env={"OPENAI_API_KEY": key},
                      config_path=tmp_path / "config.toml")
    text = out.getvalue()
    assert code == 1 and "\x1b" not in text and "\x07" not in text and key not in text
    assert "\u241b]0;pwned" in text


# --------------------------------------------------------------------------- usage and reasoning

async def test_no_usage_is_a_warning_failure(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>OK"], usage_placement=None))
    report = await doctor(tmp_path, overrides(azure_server))
    u = report.get("usage")
    assert not u.ok and u.warning and "counts will be estimated (marked ~)" in u.fix
    assert report.get("reasoning").ok and not report.ok and report.exit_code == 1


def test_no_usage_human_output_marks_the_warning(tmp_path: Path, azure_server) -> None:
    out = io.StringIO()
    azure_server.enqueue(Stream(content_chunks=["<think>r</think>OK"], usage_placement=None))
    assert run_doctor(overrides(azure_server), out=out, env={}, config_path=tmp_path / "config.toml") == 1
    assert "\u2717 usage reported       warning: the endpoint reported no usage" in out.getvalue()
    assert out.getvalue().endswith("1 of 9 checks failed, 1 of them a warning.\n")


async def test_non_reasoning_stream_fails_reasoning(tmp_path: Path, azure_server) -> None:
    azure_server.enqueue(Stream(content_chunks=["just ", "an answer"], usage=usage(5, 3)))
    report = await doctor(tmp_path, overrides(azure_server))
    r = report.get("reasoning")
    assert not r.ok and r.detail == "no reasoning seen: is this a reasoning deployment (DeepSeek-R1)?"
    assert report.get("usage").ok and report.exit_code == 1


# --------------------------------------------------------------------------- network

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_unreachable_port_fails_tcp_and_skips_the_rest(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}/openai/v1/"
    report = await run_checks(Overrides(endpoint=url, deployment="d", auth="none"), env={},
                              config_path=tmp_path / "config.toml")
    assert states(report) == {"config": "ok", "endpoint": "ok", "dns": "ok", "tcp": "FAIL", "tls": "skip",
                              "credential": "skip", "deployment": "skip", "usage": "skip", "reasoning": "skip"}
    assert "firewall" in report.get("tcp").fix and report.exit_code == 1


def test_unreachable_port_subprocess_json(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}/openai/v1/"
    result = doctor_cli(tmp_path, "--endpoint", url, "--deployment", "d", "--auth", "none", "--json")
    obj = json.loads(result.stdout)
    assert result.returncode == 1 and obj["ok"] is False
    assert [c["skipped"] for c in obj["checks"]] == [False] * 4 + [True] * 5


async def test_dns_failure_without_touching_the_network() -> None:
    check = await check_dns("bad..name", 443, timeout_s=5)  # an empty label: refused before any DNS query
    assert not check.ok and check.detail.startswith("bad..name does not resolve") and "VPN" in check.fix


async def test_tls_handshake_against_plain_http_fails(azure_server) -> None:
    check = await check_tls("127.0.0.1", azure_server.port, timeout_s=3)
    assert not check.ok and "TLS handshake" in check.detail


async def test_tls_handshake_shows_version_and_certificate(tmp_path: Path) -> None:
    pytest.importorskip("cryptography")
    cert, key = _self_signed(tmp_path)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    try:
        trusting = ssl.create_default_context(cafile=str(cert))
        good = await check_tls("localhost", port, context=trusting)
        bad = await check_tls("localhost", port)  # the default trust store does not know this certificate
    finally:
        server.close()
        await server.wait_closed()
    assert good.ok and good.detail.startswith("TLSv1.") and "certificate for localhost" in good.detail
    assert "(in 30 days)" in good.detail or "(in 29 days)" in good.detail
    assert not bad.ok and "certificate not trusted" in bad.detail and "SSL_CERT_FILE" in bad.fix


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=30, hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


# --------------------------------------------------------------------------- Entra ID

async def test_entra_fake_credential_token_sent_as_bearer(tmp_path: Path, azure_server) -> None:
    azure_server.require_auth(bearer="fake-entra-token-123")
    credential = FakeCredential()
    report = await doctor(tmp_path, overrides(azure_server, auth="entra"), credential=credential)
    assert report.ok, report.to_json()
    detail = report.get("credential").detail
    assert "from FakeCredential" in detail and "expires in 60 min" in detail
    assert "fake-entra-token-123" not in json.dumps(report.to_json())
    assert azure_server.requests[0].headers["authorization"] == "Bearer fake-entra-token-123"


async def test_entra_names_the_chain_member_that_answered(tmp_path: Path, azure_server) -> None:
    from azure.identity import ChainedTokenCredential

    class AzureCliCredential(FakeCredential):
        """Stands in for the real CLI credential (same class name)."""

    chain = ChainedTokenCredential(AzureCliCredential())
    report = await doctor(tmp_path, overrides(azure_server, auth="entra"), credential=chain)
    assert "from AzureCliCredential (the Azure CLI sign-in (az login))" in report.get("credential").detail


async def test_entra_failing_credential(tmp_path: Path, azure_server) -> None:
    credential = FakeCredential(error="AzureCliCredential: Please run 'az login' to set up an account")
    report = await doctor(tmp_path, overrides(azure_server, auth="entra"), credential=credential)
    cred = report.get("credential")
    assert not cred.ok and cred.detail.startswith("no Microsoft Entra ID token; AzureCliCredential: Please run 'az login'")
    assert "`az login`" in cred.fix and "Cognitive Services User" in cred.fix
    assert states(report)["deployment"] == "skip" and azure_server.requests == []


# --------------------------------------------------------------------------- configuration

async def test_broken_config_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[profiles.azure\nendpoint = 1\n")
    report = await run_checks(Overrides(), env={}, config_path=path)
    config = report.get("config")
    assert not config.ok and str(path) in config.detail and "line 1" in config.detail
    assert all(c.skipped for c in report.checks[1:]) and report.exit_code == 2


def test_broken_config_file_subprocess(tmp_path: Path) -> None:
    cfg = tmp_path / "cfg" / "r1-tui"
    cfg.mkdir(parents=True)
    (cfg / "config.toml").write_text("[profiles.azure]\nendpoint = 'https://x.openai.azure.com'\nbogus = 1\n")
    result = doctor_cli(tmp_path)
    assert result.returncode == 2
    assert result.stdout.startswith("\u2717 configuration") and "unknown key 'bogus'" in result.stdout


async def test_nothing_configured_shows_setup_hint(tmp_path: Path) -> None:
    report = await run_checks(Overrides(), env={}, config_path=tmp_path / "config.toml")
    config = report.get("config")
    assert not config.ok and config.detail == "no endpoint configured" and "--demo" in config.fix


async def test_profile_and_environment_sources(tmp_path: Path, azure_server) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[profiles.loop]\nendpoint = '{azure_server.base_url}'\ndeployment = 'd'\nauth = 'none'\n")
    from_file = await run_checks(Overrides(), env={}, config_path=path)
    from_env = await run_checks(Overrides(), env={"OPENAI_BASE_URL": azure_server.base_url}, config_path=path)
    assert from_file.ok and f"endpoint from profile 'loop' in {path}" in from_file.get("config").detail
    assert "endpoint from environment (OPENAI_BASE_URL)" in from_env.get("config").detail


async def test_endpoint_form_rejects_non_v1_azure_path(tmp_path: Path) -> None:
    from tui.checks.setup import check_endpoint
    from tui.llm.endpoint import EndpointSettings

    check = check_endpoint(EndpointSettings("https://res.openai.azure.com/custom/", "d", "entra"))
    good = check_endpoint(EndpointSettings("https://res.services.ai.azure.com/openai/v1/", "d", "entra"))
    plain = check_endpoint(EndpointSettings("http://models.example/v1/", "d", "key", "k" * 20))
    assert not check.ok and "https://res.openai.azure.com/openai/v1/" in check.fix
    assert good.ok and "Azure v1 API" in good.detail
    assert not plain.ok and "Refusing to send credentials over plain http" in plain.detail


def test_demo_subprocess(tmp_path: Path) -> None:
    result = doctor_cli(tmp_path, "--demo")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "127.0.0.1" in result.stdout and result.stdout.endswith("All checks passed.\n")
