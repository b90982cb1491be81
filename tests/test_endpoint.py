"""Endpoint settings, URL normalisation, loopback by address and the proxy route, as units (no network).

Names are resolved by the resolver each test passes in, never by the machine's DNS.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tui.llm import endpoint as endpoints
from tui.llm.endpoint import (
    V1_EXAMPLE,
    EndpointError,
    EndpointSettings,
    Loopback,
    check_transport_security,
    is_azure_host,
    is_loopback_host,
    loopback_verdict,
    normalize_endpoint,
    system_resolve,
)
from tui.llm.retry import RetryPolicy
from tui.llm.route import Route, route_for, shown_proxy


def resolver(table: dict[str, list[str]]) -> Callable[[str], list[str]]:
    def resolve(host: str) -> list[str]:
        if host not in table:
            raise OSError(f"{host}: no address")
        return table[host]
    return resolve


# --- settings ----------------------------------------------------------------------------------

def test_settings_defaults_and_names() -> None:
    ep = EndpointSettings("https://Res.openai.azure.com:443/openai/v1/", "dep", "entra")
    assert ep.api_key is None and ep.token_scope == "https://cognitiveservices.azure.com/.default"
    assert ep.retry == RetryPolicy() and ep.timeout_s == 600.0 and ep.is_demo is False
    assert ep.host == "res.openai.azure.com" and ep.label == "res.openai.azure.com"
    assert EndpointSettings("http://127.0.0.1:9/v1/", "d", "none", is_demo=True).label == "demo"
    assert EndpointSettings("not a url", "d", "none").host == "not a url"
    assert "secret" not in repr(EndpointSettings("https://h/", "d", "key", api_key="secret"))


@pytest.mark.parametrize(("host", "azure"), [
    ("res.openai.azure.com", True), ("RES.services.ai.azure.com.", True), ("x.cognitiveservices.azure.com", True),
    ("azure.com.evil.example", False), ("notazure.com", False), ("api.deepseek.com", False),
])
def test_is_azure_host(host: str, azure: bool) -> None:
    assert is_azure_host(host) is azure


@pytest.mark.parametrize(("host", "loopback"), [
    ("localhost", True), ("LOCALHOST", True), ("api.localhost", True), ("[::1]", True), ("127.0.0.2", True),
    ("::ffff:127.0.0.1", True), ("localhost.example", False), ("notlocalhost", False), ("10.0.0.1", False),
    ("example.com", False), ("::2", False),
])
def test_is_loopback_host_by_name(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


# --- loopback by address ------------------------------------------------------------------------

def test_address_literals_are_judged_as_they_are() -> None:
    assert loopback_verdict("127.0.0.1") == Loopback(True, "127.0.0.1 is a loopback address")
    assert loopback_verdict("[::1]") == Loopback(True, "::1 is a loopback address")
    assert loopback_verdict("10.0.0.1") == Loopback(False, "10.0.0.1 is not a loopback address")
    assert loopback_verdict("fe80::1%eth0") == Loopback(False, "fe80::1%eth0 is not a loopback address")
    assert loopback_verdict("::1%lo").is_loopback


def test_names_are_judged_by_every_address_they_resolve_to() -> None:
    resolve = resolver({"model.internal": ["127.0.0.1", "::1"], "half.localhost": ["127.0.0.1", "10.1.2.3"],
                        "many.example": ["127.0.0.1"] * 3 + ["127.0.0.2", "127.0.0.3"], "empty.example": [],
                        "four.example": ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"]})
    assert loopback_verdict("Model.Internal", resolve) == Loopback(True, "model.internal \u2192 127.0.0.1, ::1")
    assert loopback_verdict("half.localhost", resolve) == Loopback(False, "half.localhost \u2192 127.0.0.1, 10.1.2.3")
    assert loopback_verdict("gone.localhost", resolve) == Loopback(False, "gone.localhost does not resolve")
    assert loopback_verdict("empty.example", resolve) == Loopback(False, "empty.example does not resolve")
    assert loopback_verdict("many.example", resolve).how == ("many.example \u2192 127.0.0.1, 127.0.0.1, 127.0.0.1, "
                                                             "127.0.0.2 \u2026")
    assert loopback_verdict("four.example", resolve).how == "four.example \u2192 127.0.0.1, 127.0.0.2, 127.0.0.3, 127.0.0.4"


@pytest.mark.parametrize("error", [UnicodeError("label too long"), ValueError("bad"), OSError("no")])
def test_a_name_the_resolver_chokes_on_does_not_resolve(error: Exception) -> None:
    def resolve(host: str) -> list[str]:
        raise error

    assert loopback_verdict("odd.example", resolve) == Loopback(False, "odd.example does not resolve")


def test_the_system_resolver_answers_are_kept_for_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def fake_system(host: str) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(endpoints, "_verdicts", {})
    monkeypatch.setattr(endpoints, "system_resolve", fake_system)
    first = loopback_verdict("cached.example")
    assert loopback_verdict("cached.example") == first == Loopback(True, "cached.example \u2192 127.0.0.1")
    assert asked == ["cached.example"]
    assert loopback_verdict("cached.example", resolver({"cached.example": ["10.0.0.1"]})).is_loopback is False
    assert loopback_verdict("cached.example").is_loopback  # a resolver given for one call does not touch the cache


def test_system_resolve_lists_each_address_once() -> None:
    assert system_resolve("127.0.0.1") == ["127.0.0.1"]


def test_credentials_only_over_https_or_to_loopback() -> None:
    resolve = resolver({"evil.localhost": ["93.184.216.34"], "model.internal": ["127.0.0.1"]})
    check_transport_security("http://model.internal:8000/v1/", "key", resolve)
    check_transport_security("http://evil.localhost/v1/", "none", resolve)
    check_transport_security("https://evil.localhost/v1/", "entra", resolve)
    with pytest.raises(EndpointError) as caught:
        check_transport_security("http://evil.localhost:8000/v1/", "entra", resolve)
    assert str(caught.value) == (
        "Refusing to send credentials over plain http:// to evil.localhost (evil.localhost \u2192 93.184.216.34). "
        "Use https://, or auth = \"none\" for an endpoint that needs no credentials.")


# --- normalising what the user typed ------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("  https://res.openai.azure.com  ", "https://res.openai.azure.com/openai/v1/"),
    ("https://res.openai.azure.com/openai", "https://res.openai.azure.com/openai/v1/"),
    ("https://res.openai.azure.com/models", "https://res.openai.azure.com/openai/v1/"),
    ("https://res.openai.azure.com/openai/v1?x=1", "https://res.openai.azure.com/openai/v1/"),
    ("https://res.services.ai.azure.com/api/projects/p/openai/v1", "https://res.services.ai.azure.com/api/projects/p/openai/v1/"),
    ("https://res.services.ai.azure.com/custom?tag=1", "https://res.services.ai.azure.com/custom/?tag=1"),
    ("http://localhost:11434", "http://localhost:11434/"),
    ("http://localhost:11434/v1?key=x#frag", "http://localhost:11434/v1/?key=x"),
    ("HTTPS://api.example.com/v1//", "https://api.example.com/v1/"),
    ("https://[::1]:8000/v1", "https://[::1]:8000/v1/"),
    ("api.example.com:8443/v1", "https://api.example.com:8443/v1/"),
    ("https://api.example.com/APIX", "https://api.example.com/APIX/"),
])
def test_normalize_endpoint(raw: str, expected: str) -> None:
    assert normalize_endpoint(raw) == expected


def refused(url: str) -> str:
    with pytest.raises(EndpointError) as caught:
        normalize_endpoint(url)
    return str(caught.value)


def test_empty_and_unprintable_endpoints_are_refused_with_where() -> None:
    assert refused("   ") == "The endpoint is empty. Use the form " + V1_EXAMPLE
    assert refused("https://res.openai.azure.com/\nopenai") == (
        "The endpoint contains a control character or space (U+000A at position 30); check for a stray newline "
        f"or tab from copy-paste. Use the form {V1_EXAMPLE}")
    assert "U+0020 at position 7" in refused("https: //x")
    assert "U+007F" in refused("https://x\x7f") and "U+009B" in refused("https://x\x9b") and "U+2028" in refused("https://x\u2028y")
    assert "U+001B at position 1" in refused("\x1b]0;x")


def test_user_info_in_the_url_is_refused_without_being_shown() -> None:
    message = refused("https://alice:hunter2@res.openai.azure.com")
    assert message == (
        "The endpoint URL holds a user name or password (user:pass@host): r1-tui never sends credentials in a URL, "
        "nor shows them. Remove them from the URL and give the key through AZURE_OPENAI_API_KEY, OPENAI_API_KEY or "
        "the profile's api_key_env (auth = \"key\").")


@pytest.mark.parametrize("url", ["ftp://res.openai.azure.com", "https://", "http:///v1", "file:///etc/passwd"])
def test_only_http_urls_with_a_host(url: str) -> None:
    assert refused(url) == f"{url!r} is not an http(s) URL. Use the form {V1_EXAMPLE}"


@pytest.mark.parametrize("url", ["https://res.openai.azure.com:99999/", "http://localhost:port/v1"])
def test_a_port_must_be_a_number(url: str) -> None:
    assert refused(url) == f"{url!r} has a port that is not a number from 0 to 65535. Use the form {V1_EXAMPLE}"


def test_legacy_azure_urls_get_the_v1_form_without_the_query() -> None:
    assert refused("https://res.openai.azure.com/openai/deployments/r1/chat/completions?api-version=2024-10-21") == (
        "https://res.openai.azure.com/openai/deployments/r1/chat/completions is a legacy Azure OpenAI URL "
        "(deployments + api-version). r1-tui uses the v1 API: set the endpoint to "
        "https://res.openai.azure.com/openai/v1/ and the deployment name separately.")
    assert "set the endpoint to https://res.services.ai.azure.com:8443/openai/v1/" in refused(
        "http://res.services.ai.azure.com:8443/openai?api-version=2024-10-21")
    assert "is a legacy Azure OpenAI URL" in refused("https://res.openai.azure.com/openai/deployments/r1")
    assert "is a legacy Azure OpenAI URL" in refused("https://res.openai.azure.com/openai/v1/?api-version=1")
    assert normalize_endpoint("https://api.example.com/openai/deployments/x?api-version=1") == (
        "https://api.example.com/openai/deployments/x/?api-version=1")  # not Azure: used as given


# --- the proxy route --------------------------------------------------------------------------------

REMOTE = resolver({"api.example.com": ["203.0.113.9"], "model.internal": ["127.0.0.1"],
                   "proxy.example": ["203.0.113.5"], "local-proxy": ["127.0.0.1"]})


def test_shown_proxy_drops_user_info_and_keeps_the_port() -> None:
    assert shown_proxy("http://alice:pw@proxy.example:3128") == "http://proxy.example:3128"
    assert shown_proxy("proxy.example:8080") == "http://proxy.example:8080"
    assert shown_proxy("socks5://[::1]:1080") == "socks5://[::1]:1080"
    assert shown_proxy("http://proxy.example") == "http://proxy.example"
    assert shown_proxy("http://proxy.example:notaport") == "http://proxy.example"
    assert shown_proxy("http://:3128") == "http://?:3128"
    assert Route(None, None, "direct").shown == "direct"
    assert Route("http://u:p@h:1", "ALL_PROXY", "x").shown == "http://h:1"


def test_no_proxy_set_means_direct() -> None:
    assert route_for("https://api.example.com/v1/", {}, resolve=REMOTE) == Route(None, None, "direct (no proxy set)")
    assert route_for("https://api.example.com/v1/", {"HTTPS_PROXY": "  "}, resolve=REMOTE).proxy is None
    assert route_for("https://api.example.com/v1/", {"HTTP_PROXY": "http://p:1"}, resolve=REMOTE).proxy is None


@pytest.mark.parametrize(("env", "variable"), [
    ({"https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:1", "all_proxy": "http://all:1"}, "https_proxy"),
    ({"HTTPS_PROXY": "http://upper:1", "all_proxy": "http://all:1"}, "HTTPS_PROXY"),
    ({"all_proxy": "http://all:1", "ALL_PROXY": "http://ALL:1"}, "all_proxy"),
    ({"ALL_PROXY": "http://ALL:1"}, "ALL_PROXY"),
])
def test_proxy_variables_lower_case_first_then_all_proxy(env: dict[str, str], variable: str) -> None:
    route = route_for("https://api.example.com/v1/", env, resolve=REMOTE)
    assert route.variable == variable and route.proxy == env[variable]
    assert route.why == f"via proxy {shown_proxy(env[variable])} (from {variable})"


def test_a_proxy_without_a_scheme_is_http() -> None:
    assert route_for("https://api.example.com/v1/", {"HTTPS_PROXY": "proxy.example:3128"}, resolve=REMOTE).proxy == (
        "http://proxy.example:3128")


@pytest.mark.parametrize(("no_proxy", "bypassed"), [
    ("*", True), ("api.example.com", True), (".example.com", True), ("*.example.com", True), ("example.com", True),
    ("EXAMPLE.COM", True), ("other.com, api.example.com", True), ("other.com,api.example.com", True),
    ("api.example.com:8443,api.example.com", True), (":443", False), ("api.example.com:443", True),
    ("api.example.com:8443", False), ("203.0.113.0/24", False), ("xample.com", False), ("", False), (",", False),
    ("pi.example.com", False), ("com.example", False),
])
def test_no_proxy_names_hosts_domains_and_ports(no_proxy: str, bypassed: bool) -> None:
    route = route_for("https://api.example.com:443/v1/", {"HTTPS_PROXY": "http://proxy.example:1", "NO_PROXY": no_proxy},
                      resolve=REMOTE)
    assert (route.proxy is None) is bypassed
    if bypassed:
        assert route.why == "direct (HTTPS_PROXY is set, but NO_PROXY names api.example.com)"


@pytest.mark.parametrize(("host", "no_proxy", "bypassed"), [
    ("203.0.113.9", "203.0.113.0/24", True), ("203.0.113.9", "203.0.113.9", True), ("203.0.114.9", "203.0.113.0/24", False),
    ("[2001:db8::1]", "2001:db8::/32", True), ("[2001:db8::1]", "[2001:db8::1]", True), ("203.0.113.9", "example.com", False),
    ("203.0.113.9", "10.0.0.0/8,203.0.113.9", True), ("203.0.113.9", "203.0.113.77/24", True),
])
def test_no_proxy_addresses_and_ranges(host: str, no_proxy: str, bypassed: bool) -> None:
    route = route_for(f"https://{host}/v1/", {"HTTPS_PROXY": "http://proxy.example:1", "no_proxy": no_proxy}, resolve=REMOTE)
    assert (route.proxy is None) is bypassed


def test_lower_case_no_proxy_wins() -> None:
    env = {"HTTPS_PROXY": "http://proxy.example:1", "no_proxy": "other.com", "NO_PROXY": "api.example.com"}
    assert route_for("https://api.example.com/v1/", env, resolve=REMOTE).proxy == "http://proxy.example:1"


def test_a_port_in_no_proxy_must_match_the_default_less_url() -> None:
    env = {"HTTPS_PROXY": "http://proxy.example:1", "NO_PROXY": "api.example.com:443"}
    assert route_for("https://api.example.com/v1/", env, resolve=REMOTE).proxy is not None  # the URL names no port


def test_loopback_endpoints_bypass_every_proxy() -> None:
    route = route_for("http://model.internal:8000/v1/", {"HTTP_PROXY": "http://proxy.example:1"}, auth="key",
                      resolve=REMOTE)
    assert route == Route(None, None, "direct: proxies are bypassed for a loopback endpoint (HTTP_PROXY is set)")


@pytest.mark.parametrize("proxy", ["socks4://proxy.example:1080", "ftp://proxy.example", "http://", "https://:8080"])
def test_a_proxy_r1_tui_cannot_use_is_a_clear_error(proxy: str) -> None:
    with pytest.raises(EndpointError) as caught:
        route_for("https://api.example.com/v1/", {"ALL_PROXY": proxy}, resolve=REMOTE)
    assert str(caught.value) == (
        f"ALL_PROXY = {shown_proxy(proxy)} is not a proxy r1-tui can use (it takes http, https, socks5 and socks5h "
        "proxies). Fix ALL_PROXY, or name api.example.com in NO_PROXY.")


def test_https_and_upper_case_proxy_schemes_are_taken() -> None:
    assert route_for("https://api.example.com/v1/", {"ALL_PROXY": "HTTPS://proxy.example:1"}, resolve=REMOTE).proxy


def test_socks_needs_socksio(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "socksio" else real(name, *a))
    for scheme in ("socks5", "socks5h"):
        with pytest.raises(EndpointError) as caught:
            route_for("https://api.example.com/v1/", {"ALL_PROXY": f"{scheme}://proxy.example:1080"}, resolve=REMOTE)
        assert str(caught.value) == (
            f"ALL_PROXY = {scheme}://proxy.example:1080 is a SOCKS proxy, which needs the optional socksio package: "
            "`pip install socksio` where r1-tui is installed, or name api.example.com in NO_PROXY.")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object() if name == "socksio" else None)
    assert route_for("https://api.example.com/v1/", {"ALL_PROXY": "socks5://proxy.example:1080"}, resolve=REMOTE).proxy


def test_credentials_never_cross_a_remote_proxy_in_clear_text() -> None:
    env = {"HTTP_PROXY": "http://u:secret@proxy.example:3128"}
    with pytest.raises(EndpointError) as caught:
        route_for("http://api.example.com/v1/", env, auth="key", resolve=REMOTE)
    assert str(caught.value) == (
        "Refusing to send credentials for plain http://api.example.com through the proxy http://proxy.example:3128 "
        "(HTTP_PROXY): the proxy would read them. Use https://, or name api.example.com in NO_PROXY.")
    for auth in ("key", "entra"):
        with pytest.raises(EndpointError):
            route_for("http://api.example.com/v1/", env, auth=auth, resolve=REMOTE)  # type: ignore[arg-type]
    assert route_for("http://api.example.com/v1/", env, auth="none", resolve=REMOTE).proxy  # nothing to read
    assert route_for("https://api.example.com/v1/", {"HTTPS_PROXY": env["HTTP_PROXY"]}, auth="key", resolve=REMOTE).proxy
    assert route_for("http://api.example.com/v1/", {"HTTP_PROXY": "http://local-proxy:3128"}, auth="key",
                     resolve=REMOTE).proxy == "http://local-proxy:3128"  # a loopback proxy is this machine


def test_the_environment_is_read_when_none_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:9")
    monkeypatch.delenv("https_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert route_for("https://api.example.com/v1/", resolve=REMOTE).proxy == "http://proxy.example:9"
