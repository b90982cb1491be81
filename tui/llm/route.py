"""How requests reach the endpoint: directly or through a proxy from the environment.

The HTTP client gets exactly the route decided here (an explicit transport, so the
environment is not read a second time behind our back):

- a loopback endpoint (by resolved address) is always reached directly: proxies are
  bypassed, so a key for a local server never crosses a proxy;
- otherwise ``<scheme>_proxy`` / ``ALL_PROXY`` (lower case first, like curl) apply unless
  ``NO_PROXY`` names the host;
- a credential never goes in cleartext to a proxy that is not loopback: a plain-http
  endpoint with credentials through such a proxy is refused (an https endpoint is
  tunnelled: the proxy sees only the host name);
- a proxy type the client cannot use (``socks4://``, or ``socks5://`` without the optional
  ``socksio`` package) is a clear error naming the variable, not a traceback.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from tui.llm.endpoint import AuthMode, EndpointError, Resolver, loopback_verdict

PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


@dataclass(frozen=True, slots=True)
class Route:
    """The proxy to use (None: direct), the variable it came from, and why, for doctor."""

    proxy: str | None
    variable: str | None
    why: str

    @property
    def shown(self) -> str:
        """The proxy URL without user name or password (safe to print)."""
        return shown_proxy(self.proxy) if self.proxy else "direct"


def shown_proxy(url: str) -> str:
    """``url`` without its user info."""
    parts = urlsplit(url if "://" in url else "http://" + url)  # pragma: no mutate (the scheme is case-insensitive)
    host = parts.hostname or "?"
    host = f"[{host}]" if ":" in host else host
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}"


def _from_env(scheme: str, env: Mapping[str, str]) -> tuple[str | None, str | None]:
    for name in (f"{scheme}_proxy", f"{scheme.upper()}_PROXY", "all_proxy", "ALL_PROXY"):
        value = (env.get(name) or "").strip()
        if value:
            return value, name
    return None, None


def _no_proxy(host: str, port: int | None, env: Mapping[str, str]) -> bool:
    """``NO_PROXY`` names ``host`` (curl's rules: ``*``, a domain and its subdomains, an address or a
    CIDR range, each optionally with ``:port``)."""
    value = env.get("no_proxy") or env.get("NO_PROXY") or ""  # pragma: no mutate (no entry: any filler names no host)
    for entry in (e.strip().lower() for e in value.split(",")):
        name, entry_port = entry, ""
        if entry.count(":") == 1:  # host:port (an IPv6 address has more colons)
            name, _, entry_port = entry.partition(":")
        if not name or (entry_port and entry_port != str(port)):
            continue
        if name == "*":
            return True
        try:
            if ipaddress.ip_address(host) in ipaddress.ip_network(name.strip("[]"), strict=False):
                return True
            continue
        except ValueError:
            pass
        domain = name.lstrip("*").lstrip(".")  # pragma: no mutate (stripping more characters changes no real name)
        if host == domain or host.endswith("." + domain):
            return True
    return False


def route_for(base_url: str, env: Mapping[str, str] | None = None, *, auth: AuthMode = "none",
              resolve: Resolver | None = None) -> Route:
    """The route to ``base_url``; raises :class:`EndpointError` for a proxy that cannot or must not be used."""
    env = os.environ if env is None else env
    parts = urlsplit(base_url)
    host = parts.hostname or ""  # pragma: no mutate (lower-cased, without brackets; only shown when not empty)
    proxy, variable = _from_env(parts.scheme, env)
    if proxy is None:
        return Route(None, None, "direct (no proxy set)")
    if _no_proxy(host, parts.port, env):
        return Route(None, None, f"direct ({variable} is set, but NO_PROXY names {host})")
    verdict = loopback_verdict(host, resolve)
    if verdict.is_loopback:
        return Route(None, None, f"direct: proxies are bypassed for a loopback endpoint ({variable} is set)")
    url = proxy if "://" in proxy else "http://" + proxy
    proxy_parts = urlsplit(url)
    scheme = proxy_parts.scheme.lower()
    if scheme not in PROXY_SCHEMES or not proxy_parts.hostname:
        raise EndpointError(f"{variable} = {shown_proxy(url)} is not a proxy r1-tui can use (it takes http, https, "
                            f"socks5 and socks5h proxies). Fix {variable}, or name {host} in NO_PROXY.")
    if scheme.startswith("socks") and importlib.util.find_spec("socksio") is None:
        raise EndpointError(f"{variable} = {shown_proxy(url)} is a SOCKS proxy, which needs the optional socksio "
                            f"package: `pip install socksio` where r1-tui is installed, or name {host} in NO_PROXY.")
    if auth != "none" and parts.scheme == "http" and not loopback_verdict(proxy_parts.hostname, resolve).is_loopback:
        raise EndpointError(f"Refusing to send credentials for plain http://{host} through the proxy "
                            f"{shown_proxy(url)} ({variable}): the proxy would read them. Use https://, "
                            f"or name {host} in NO_PROXY.")
    return Route(url, variable, f"via proxy {shown_proxy(url)} (from {variable})")
