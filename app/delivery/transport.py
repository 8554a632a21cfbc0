"""The SSRF-safe HTTP client: resolve, check, connect to the checked address.

The check runs inside the connection itself: the host name is resolved once,
every address is checked against the global-internet rule (plus
WEBHOOK_ALLOWED_NETWORKS), and the socket is opened to a checked IP. The URL
keeps its name, so the Host header, TLS SNI, certificate checks and the
connection pool all stay per name, while a DNS answer that changes between
saving and sending (rebinding) cannot slip through.
"""

import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

import httpcore
import httpx

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
        return "an IPv4-mapped IPv6 address"
    if ip.version == 6 and any(ip in net for net in NAT64):
        return "a NAT64 address"
    if ip.version == 6 and (ip.sixtofour is not None or ip.teredo is not None):
        return "a tunnelled (6to4/Teredo) address"
    checks = (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.version == 4 and ip in CGNAT, "a carrier-grade NAT address"),
        (ip.version == 6 and ip in ipaddress.ip_network("fc00::/7"), "a unique-local address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
    )
    return next((name for hit, name in checks if hit), None if ip.is_global else "not a globally routable address")


def address_problem(address, allowed_networks=()):
    """Why an IP may not be called, or None when it may."""
    ip = ipaddress.ip_address(str(address).split("%", 1)[0])
    if any(ip in net for net in _networks(tuple(allowed_networks))):
        return None
    kind = _kind_of(ip)
    return f"{ip} is {kind}" if kind else None


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
            raise AddressRefused(f"DNS lookup for {host} failed", "dns") from exc
    if not addresses:
        raise AddressRefused(f"DNS lookup for {host} found no address", "dns")
    for address in addresses:
        problem = address_problem(address, allowed_networks)
        if problem:
            raise AddressRefused(f"blocked: {problem}" if literal else f"blocked: {host} resolves to {problem}")
    return addresses


def split_url(url):
    """Return (scheme, host, port) of a URL that may be called, or raise AddressRefused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise AddressRefused("only http and https URLs can be called", "invalid_url")
    if not parts.hostname:
        raise AddressRefused("the URL has no host", "invalid_url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise AddressRefused("the URL has an invalid port", "invalid_url") from exc
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


class CheckingBackend(httpcore.SyncBackend):
    """Opens every connection to an address that passed the check, never to a fresh DNS answer."""

    def __init__(self, allowed_networks=()):
        self.allowed_networks = tuple(allowed_networks)

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last_error = None
        for address in checked_addresses(host, port, self.allowed_networks):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc  # the next checked address may answer
        raise last_error


class CheckingHTTPTransport(httpx.HTTPTransport):
    """httpx's transport over a pool whose connections go through CheckingBackend."""

    def __init__(self, allowed_networks=(), verify=True, max_connections=100):
        super().__init__(verify=verify, trust_env=False)
        self._pool.close()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=5.0,
            network_backend=CheckingBackend(allowed_networks),
        )


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


def _describe_error(exc, timeout):
    """A plain-language message and a short error class for a failed request."""
    text = str(exc)
    chain = [exc, exc.__cause__, exc.__context__]
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {timeout:g} s", "timeout"
    if any(isinstance(item, ssl.SSLCertVerificationError) for item in chain) or "CERTIFICATE_VERIFY_FAILED" in text:
        return f"TLS certificate not trusted: {text}", "tls"
    if any(isinstance(item, ssl.SSLError) for item in chain) or "SSL" in text:
        return f"TLS error: {text}", "tls"
    if "refused" in text.lower():
        return "connection refused", "connection_refused"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"bad HTTP response: {text}", "protocol"
    return f"connection failed: {text or type(exc).__name__}", "connection"


def _header_bytes(headers):
    # header values may carry any answer; send them as UTF-8 rather than fail on non-ASCII
    return {name: value.encode("utf-8") if isinstance(value, str) else value for name, value in headers.items()}


class Transport:
    """A pooled, thread-safe client that only talks to checked addresses."""

    def __init__(self, timeout=15.0, allowed_networks=(), max_connections=100, verify=True):
        self.timeout = timeout
        self.allowed_networks = tuple(allowed_networks)
        self.client = httpx.Client(
            transport=CheckingHTTPTransport(self.allowed_networks, verify, max_connections),
            trust_env=False,  # never a proxy from the environment
            follow_redirects=False,
            timeout=httpx.Timeout(timeout),
        )

    def close(self):
        self.client.close()

    def send(self, method, url, headers, body):
        """Send one request; never raises for network trouble, returns an Outcome."""
        started = time.monotonic()
        outcome = Outcome()
        try:
            split_url(url)
            request_headers = {**_header_bytes(headers), "Accept-Encoding": "identity"}
            # raw bytes only (identity): a compressed response could expand far past the cap
            request = self.client.build_request(
                method, url, headers=request_headers, content=body if method != "GET" else None,
            )
            response = self.client.send(request, stream=True)
            try:
                outcome.status = response.status_code
                outcome.headers = dict(response.headers)
                outcome.address = _peer_address(response)
                outcome.body = _read_capped(response, started + self.timeout)
            finally:
                response.close()
        except AddressRefused as exc:
            outcome.error, outcome.error_class = str(exc), exc.error_class
        except httpx.InvalidURL as exc:
            outcome.error, outcome.error_class = f"invalid URL: {exc}", "invalid_url"
        except httpx.HTTPError as exc:
            outcome.error, outcome.error_class = _describe_error(exc, self.timeout)
        outcome.duration_ms = int((time.monotonic() - started) * 1000)
        return outcome


def _peer_address(response):
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    return peer[0] if peer else None


def _read_capped(response, deadline):
    """Read at most MAX_RESPONSE_BYTES of the body before the deadline, then stop."""
    chunks, size = [], 0
    for chunk in response.iter_raw():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_RESPONSE_BYTES:
            break
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("the response body did not finish in time")
    return excerpt(b"".join(chunks))


def excerpt(data, limit=MAX_RESPONSE_BYTES):
    """Decode at most limit bytes as text whose UTF-8 form also fits in limit bytes."""
    text = data[:limit].decode("utf-8", errors="replace")
    encoded = text.encode("utf-8")
    if len(encoded) > limit:
        text = encoded[:limit].decode("utf-8", errors="ignore")
    return text
