"""The SSRF-safe HTTP client: resolve, check, connect to the checked address.

The check runs inside the connection itself: the host name is resolved once,
every address is checked against the global-internet rule (plus
WEBHOOK_ALLOWED_NETWORKS), and the socket is opened to a checked IP. The URL
keeps its name, so the Host header, TLS SNI, certificate checks and the
connection pool all stay per name, while a DNS answer that changes between
saving and sending (rebinding) cannot slip through.
"""

import asyncio
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from yarl import URL

MAX_RESPONSE_BYTES = 64 * 1024
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class AddressRefused(Exception):
    """A URL that must not be called: bad scheme, unresolvable, or not public."""

    def __init__(self, message, error_class="blocked"):
        super().__init__(message)
        self.error_class = error_class


def resolve(host, port):
    """Every address host resolves to; tests patch this, nothing else."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


@lru_cache(maxsize=64)
def _networks(allowed_networks):
    return tuple(ipaddress.ip_network(net, strict=False) for net in allowed_networks)


def _kind_of(ip):
    """Name the class of a non-global address, most specific first."""
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return _("an IPv4-mapped IPv6 address")
    if ip.version == 6 and any(ip in net for net in NAT64):
        return _("a NAT64 address")
    if ip.version == 6 and (ip.sixtofour is not None or ip.teredo is not None):
        return _("a tunnelled (6to4/Teredo) address")
    checks = (
        (ip.is_unspecified, lazy_gettext("an unspecified address")),
        (ip.is_loopback, lazy_gettext("a loopback address")),
        (ip.is_link_local, lazy_gettext("a link-local address")),
        (ip.is_multicast, lazy_gettext("a multicast address")),
        (ip.version == 4 and ip in CGNAT, lazy_gettext("a carrier-grade NAT address")),
        (ip.version == 6 and ip in ipaddress.ip_network("fc00::/7"), lazy_gettext("a unique-local address")),
        (ip.is_reserved, lazy_gettext("a reserved address")),
        (ip.is_private, lazy_gettext("a private address")),
    )
    name = next((name for hit, name in checks if hit), None if ip.is_global else _("not a globally routable address"))
    return str(name) if name is not None else None


def address_problem(address, allowed_networks=()):
    """Why an IP may not be called, or None when it may."""
    ip = ipaddress.ip_address(str(address).split("%", 1)[0])
    if any(ip in net for net in _networks(tuple(allowed_networks))):
        return None
    kind = _kind_of(ip)
    return _("%(address)s is %(kind)s", address=ip, kind=kind) if kind else None


def checked_addresses(host, port, allowed_networks=()):
    """Resolve host and return its addresses, refusing if any of them may not be called."""
    literal = host.strip("[]")
    try:
        addresses = [str(ipaddress.ip_address(literal))]
    except ValueError:
        literal = None
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise AddressRefused(_("DNS lookup for %(host)s failed", host=host), "dns") from exc
    if not addresses:
        raise AddressRefused(_("DNS lookup for %(host)s found no address", host=host), "dns")
    for address in addresses:
        problem = address_problem(address, allowed_networks)
        if problem:
            raise AddressRefused(_("blocked: %(problem)s", problem=problem) if literal else
                                 _("blocked: %(host)s resolves to %(problem)s", host=host, problem=problem))
    return addresses


def split_url(url):
    """Return (scheme, host, port) of a URL that may be called, or raise AddressRefused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise AddressRefused(_("only http and https URLs can be called"), "invalid_url")
    if not parts.hostname:
        raise AddressRefused(_("the URL has no host"), "invalid_url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise AddressRefused(_("the URL has an invalid port"), "invalid_url") from exc
    return parts.scheme, parts.hostname, port


def check_url(url, allowed_networks=()):
    """Check a URL for sending; return its checked addresses."""
    _, host, port = split_url(url)
    return checked_addresses(host, port, allowed_networks)


def check_url_for_saving(url, allowed_networks=()):
    """Refuse a URL at save time; a host that does not resolve yet is allowed."""
    try:
        check_url(url, allowed_networks)
    except AddressRefused as exc:
        if exc.error_class != "dns":
            raise


class CheckingResolver(AbstractResolver):
    """aiohttp's resolver: every connection goes to an address that passed the check, never a fresh DNS answer."""

    def __init__(self, allowed_networks=()):
        self.allowed_networks = tuple(allowed_networks)

    async def resolve(self, host, port=0, family=socket.AF_INET):
        loop = asyncio.get_running_loop()
        # getaddrinfo blocks; the loop keeps serving other deliveries meanwhile
        addresses = await loop.run_in_executor(None, checked_addresses, host, port, self.allowed_networks)
        return [
            {"hostname": host, "host": address, "port": port,
             "family": socket.AF_INET6 if ":" in address else socket.AF_INET, "proto": 0, "flags": 0}
            for address in addresses
        ]

    async def close(self):
        return None


@dataclass
class Outcome:
    """What one HTTP attempt did."""

    status: int | None = None
    headers: dict = field(default_factory=dict)
    body: str = ""
    error: str | None = None
    error_class: str | None = None
    duration_ms: int = 0
    address: str | None = None
    via: str | None = None  # "listen": carried by a listen session to the user's machine, not connected to


def _describe_error(exc, timeout):
    """A plain-language message and a short error class for a failed request."""
    text = str(exc)
    chain = [exc, exc.__cause__, exc.__context__, getattr(exc, "os_error", None)]
    if isinstance(exc, TimeoutError | aiohttp.ServerTimeoutError):
        return f"timed out after {timeout:g} s", "timeout"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError) or any(
        isinstance(item, ssl.SSLCertVerificationError) for item in chain
    ) or "CERTIFICATE_VERIFY_FAILED" in text:
        return f"TLS certificate not trusted: {text}", "tls"
    if isinstance(exc, aiohttp.ClientSSLError) or any(isinstance(item, ssl.SSLError) for item in chain):
        return f"TLS error: {text}", "tls"
    if any(isinstance(item, ConnectionRefusedError) for item in chain) or "refused" in text.lower():
        return "connection refused", "connection_refused"
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError | aiohttp.ClientResponseError):
        return f"bad HTTP response: {text or type(exc).__name__}", "protocol"
    return f"connection failed: {text or type(exc).__name__}", "connection"


class AsyncTransport:
    """The sending core: one keep-alive pool per worker process, on the worker's event loop.

    No proxy from the environment, no redirects, no decompression (a compressed answer could
    expand far past the cap), and a body read stops at MAX_RESPONSE_BYTES.
    """

    def __init__(self, timeout=15.0, allowed_networks=(), max_connections=100, verify=True):
        self.timeout = timeout
        self.allowed_networks = tuple(allowed_networks)
        self._max_connections = max_connections
        self._verify = verify
        self._session = None

    def _open(self):
        ssl_setting = self._verify if isinstance(self._verify, ssl.SSLContext) else (None if self._verify else False)
        connector = aiohttp.TCPConnector(
            limit=self._max_connections, limit_per_host=0, use_dns_cache=False, keepalive_timeout=5.0,
            resolver=CheckingResolver(self.allowed_networks), ssl=ssl_setting,
        )
        return aiohttp.ClientSession(
            connector=connector, trust_env=False, auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar(),
            skip_auto_headers=("Accept-Encoding",), timeout=aiohttp.ClientTimeout(total=self.timeout),
        )

    async def close(self):
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, method, url, headers, body):
        """Send one request; never raises for network trouble, returns an Outcome."""
        started = time.monotonic()
        outcome = Outcome()
        try:
            _, host, port = split_url(url)
            if _is_literal(host):
                # aiohttp does not ask the resolver about an IP literal: check it here
                checked_addresses(host, port, self.allowed_networks)
            if self._session is None:
                self._session = self._open()
            request_headers = {**headers, "Accept-Encoding": "identity"}
            # encoded=True: the rendered URL goes out byte for byte, as its template escaped it
            async with self._session.request(
                method, URL(url, encoded=True), headers=request_headers, data=body if method != "GET" else None,
                allow_redirects=False,
            ) as response:
                outcome.status = response.status
                outcome.headers = _lowercase_headers(response.headers)
                outcome.address = _peer_address(response)
                outcome.body = await _read_capped(response, started + self.timeout)
        except AddressRefused as exc:
            outcome.error, outcome.error_class = str(exc), exc.error_class
        except aiohttp.InvalidURL as exc:
            outcome.error, outcome.error_class = f"invalid URL: {exc}", "invalid_url"
        except (TimeoutError, aiohttp.ClientError, OSError, ValueError) as exc:
            outcome.error, outcome.error_class = _describe_error(exc, self.timeout)
        outcome.duration_ms = int((time.monotonic() - started) * 1000)
        return outcome


def _lowercase_headers(headers):
    """Response headers as a dict of lowercase names; repeated headers joined as HTTP allows."""
    merged = {}
    for name, value in headers.items():
        name = name.lower()
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return merged


def _is_literal(host):
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _peer_address(response):
    # the protocol outlives the connection, which a closing server's short answer releases at once
    protocol = getattr(response, "_protocol", None)
    transport = protocol.transport if protocol is not None else None
    peer = transport.get_extra_info("peername") if transport is not None else None
    return peer[0] if peer else None


async def _read_capped(response, deadline):
    """Read at most MAX_RESPONSE_BYTES of the body before the deadline, then stop."""
    chunks, size = [], 0
    async for chunk in response.content.iter_chunked(MAX_RESPONSE_BYTES):
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_RESPONSE_BYTES:
            break
        if time.monotonic() > deadline:
            raise TimeoutError("the response body did not finish in time")
    return excerpt(b"".join(chunks))


def excerpt(data, limit=MAX_RESPONSE_BYTES):
    """Decode at most limit bytes as text whose UTF-8 form also fits in limit bytes."""
    text = data[:limit].decode("utf-8", errors="replace")
    encoded = text.encode("utf-8")
    if len(encoded) > limit:
        text = encoded[:limit].decode("utf-8", errors="ignore")
    return text
