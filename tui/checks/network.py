"""Checks 3 to 5: DNS, TCP and TLS to the endpoint's host, each with a timeout."""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
import time
from collections.abc import Mapping

from tui.checks.model import Check, failed, not_applicable, passed
from tui.llm.endpoint import EndpointError
from tui.llm.route import route_for

DNS_TIMEOUT_S = 5.0
TCP_TIMEOUT_S = 5.0
TLS_TIMEOUT_S = 10.0
PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


def _proxy_note(env: Mapping[str, str] | None, host: str = "", port: int = 443) -> str:
    env = os.environ if env is None else env
    name = next((n for n in PROXY_VARS if env.get(n)), None)
    if not name:
        return ""
    scheme = "http" if port == 80 else "https"
    try:
        route = route_for(f"{scheme}://{host}:{port}/", env)
    except EndpointError:
        return f" ({name} is set, but the client cannot use it: see the endpoint check)"
    if route.proxy is None:
        return f" (the client connects directly too: {route.why})"
    return f" (the client goes {route.why}; this check connects directly)"


async def check_dns(host: str, port: int, timeout_s: float = DNS_TIMEOUT_S) -> Check:
    """Resolve ``host`` (getaddrinfo in a thread); show the addresses."""
    try:
        infos = await asyncio.wait_for(
            asyncio.to_thread(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM), timeout_s)
    except asyncio.TimeoutError:
        return failed("dns", f"resolving {host} timed out after {timeout_s:g} s", _dns_fix(host))
    except (socket.gaierror, UnicodeError, OSError) as exc:
        return failed("dns", f"{host} does not resolve: {exc}", _dns_fix(host))
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    shown = ", ".join(addresses[:6]) + (f" and {len(addresses) - 6} more" if len(addresses) > 6 else "")
    return passed("dns", f"{host} \u2192 {shown}")


def _dns_fix(host: str) -> str:
    return (f"Check the resource name in the endpoint ({host}), your network, VPN and DNS. A resource with a "
            "private endpoint resolves only inside its virtual network (or with its private DNS zone).")


async def check_tcp(host: str, port: int, timeout_s: float = TCP_TIMEOUT_S, env: Mapping[str, str] | None = None) -> Check:
    """Open (and close) a TCP connection to ``host:port``; show how long it took."""
    start = time.monotonic()
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout_s)
    except asyncio.TimeoutError:
        what = f"connecting to {host}:{port} timed out after {timeout_s:g} s"
        return failed("tcp", what + _proxy_note(env, host, port), _tcp_fix())
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        return failed("tcp", f"cannot connect to {host}:{port}: {reason}" + _proxy_note(env, host, port), _tcp_fix())
    elapsed_ms = (time.monotonic() - start) * 1000
    await _close(writer)
    return passed("tcp", f"{host}:{port} connected in {elapsed_ms:.0f} ms")


def _tcp_fix() -> str:
    return ("Check the endpoint's port, your firewall, proxy and VPN. An Azure resource with public network access "
            "disabled (or limited to selected networks) accepts connections only from allowed networks.")


async def check_tls(host: str, port: int, *, scheme: str = "https", context: ssl.SSLContext | None = None,
                    timeout_s: float = TLS_TIMEOUT_S) -> Check:
    """TLS handshake with the default trust store; show the protocol and the certificate."""
    if scheme != "https":
        return not_applicable("tls", "not applicable: plain http (no TLS)")
    ctx = context or ssl.create_default_context()
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=ctx, server_hostname=host, ssl_handshake_timeout=timeout_s),
            timeout_s + 1)
    except ssl.SSLCertVerificationError as exc:
        return failed("tls", f"certificate not trusted: {exc.verify_message or exc}",
                      "A proxy or firewall may be intercepting TLS: point SSL_CERT_FILE at your organisation's "
                      "CA bundle, or check the system clock.")
    except (asyncio.TimeoutError, ssl.SSLError, OSError) as exc:
        reason = "timed out" if isinstance(exc, asyncio.TimeoutError) else str(exc) or type(exc).__name__
        return failed("tls", f"TLS handshake with {host}:{port} failed: {reason}",
                      "Check that the endpoint speaks https on this port and that no proxy breaks TLS.")
    ssl_object = writer.get_extra_info("ssl_object")
    version = ssl_object.version() if ssl_object is not None else "?"
    cert = ssl_object.getpeercert() if ssl_object is not None else None
    await _close(writer)
    return passed("tls", f"{version}; {_describe(cert)}")


def _describe(cert: dict | None) -> str:
    if not cert:
        return "no certificate details"
    subject = {k: v for rdn in cert.get("subject", ()) for k, v in rdn}
    name = subject.get("commonName") or "?"
    not_after = cert.get("notAfter")
    if not not_after:
        return f"certificate for {name}"
    days = (ssl.cert_time_to_seconds(not_after) - time.time()) / 86400
    return f"certificate for {name}, expires {not_after} (in {days:.0f} days)"


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), 2)
    except (OSError, asyncio.TimeoutError, ssl.SSLError):
        pass
