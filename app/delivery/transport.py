"""The SSRF-safe HTTP client: resolve, check, connect to the checked address.

The host name is resolved once, every address is checked against the
global-internet rule (plus WEBHOOK_ALLOWED_NETWORKS), and the connection goes to
the checked IP itself while the Host header and TLS SNI keep the name, so a DNS
answer that changes between check and connect (rebinding) cannot slip through.
"""

import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import httpx

MAX_RESPONSE_BYTES = 64 * 1024
NAT64 = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


class AddressRefused(Exception):
    """A URL that must not be called: bad scheme, unresolvable, or not public."""

    def __init__(self, message, error_class="blocked"):
        super().__init__(message)
        self.error_class = error_class


def resolve(host, port):
    """Every address host resolves to; tests patch this, nothing else."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _kind_of(ip):
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.version == 4 and ip in ipaddress.ip_network("100.64.0.0/10"):
        return "a carrier-grade NAT address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    return "not a globally routable address"


def address_problem(address, allowed_networks=()):
    """Why an IP may not be called, or None when it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if any(ip in ipaddress.ip_network(net, strict=False) for net in allowed_networks):
        return None
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return f"{ip} is an IPv4-mapped address"
        if ip in NAT64 or ip in NAT64_LOCAL:
            return f"{ip} is a NAT64 address"
        if ip.sixtofour is not None or ip.teredo is not None:
            return f"{ip} is a tunnelled address"
    if ip.is_global and not ip.is_multicast:
        return None
    return f"{ip} is {_kind_of(ip)}"


@dataclass
class Target:
    """A URL checked and pinned to one address."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


def check_url(url, allowed_networks=(), resolver=None):
    """Check a URL for sending and pin it to the first checked address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise AddressRefused("only http and https URLs can be called", "invalid_url")
    host = parts.hostname
    if not host:
        raise AddressRefused("the URL has no host", "invalid_url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise AddressRefused("the URL has an invalid port", "invalid_url") from exc
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            addresses = (resolver or resolve)(host, port)
        except (OSError, UnicodeError) as exc:
            raise AddressRefused(f"DNS lookup for {host} failed", "dns") from exc
    if not addresses:
        raise AddressRefused(f"DNS lookup for {host} found no address", "dns")
    for address in addresses:
        problem = address_problem(address, allowed_networks)
        if problem:
            raise AddressRefused(f"blocked: {problem}")
    return Target(url=url, scheme=parts.scheme, host=host, port=port, address=addresses[0])


def check_url_for_saving(url, allowed_networks=()):
    """Refuse a URL at save time; a host that does not resolve yet is allowed."""
    try:
        check_url(url, allowed_networks)
    except AddressRefused as exc:
        if exc.error_class != "dns":
            raise


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


def _pinned_url(target):
    parts = urlsplit(target.url)
    host = f"[{target.address}]" if ":" in target.address else target.address
    netloc = f"{host}:{target.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def _host_header(target):
    default_port = 443 if target.scheme == "https" else 80
    host = f"[{target.host}]" if ":" in target.host else target.host
    return host if target.port == default_port else f"{host}:{target.port}"


def _describe_error(exc, timeout):
    text = str(exc)
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {timeout:g} s", "timeout"
    if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in text:
        return "TLS certificate not trusted", "tls"
    if isinstance(cause, ssl.SSLError) or "SSL" in text:
        return f"TLS error: {text}", "tls"
    if "refused" in text.lower():
        return "connection refused", "connection_refused"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"bad HTTP response: {text}", "protocol"
    return f"connection failed: {text or type(exc).__name__}", "connection"


class Transport:
    """A pooled, thread-safe client that only talks to checked addresses."""

    def __init__(self, timeout=15.0, allowed_networks=(), max_connections=100, verify=True):
        self.timeout = timeout
        self.allowed_networks = tuple(allowed_networks)
        self.client = httpx.Client(
            trust_env=False,  # never a proxy from the environment
            follow_redirects=False,
            timeout=httpx.Timeout(timeout),
            verify=verify,
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
        )

    def close(self):
        self.client.close()

    def send(self, method, url, headers, body):
        """Send one request; never raises for network trouble, returns an Outcome."""
        started = time.monotonic()
        outcome = Outcome()
        try:
            target = check_url(url, self.allowed_networks)
            outcome.address = target.address
            request_headers = dict(headers)
            request_headers["Host"] = _host_header(target)
            # raw bytes only: a compressed response could expand far past the cap
            request_headers["Accept-Encoding"] = "identity"
            extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
            request = self.client.build_request(
                method, _pinned_url(target), headers=request_headers,
                content=body if method != "GET" else None, extensions=extensions,
            )
            response = self.client.send(request, stream=True)
            try:
                outcome.status = response.status_code
                outcome.headers = dict(response.headers)
                outcome.body = _read_capped(response)
            finally:
                response.close()
        except AddressRefused as exc:
            outcome.error, outcome.error_class = str(exc), exc.error_class
        except httpx.HTTPError as exc:
            outcome.error, outcome.error_class = _describe_error(exc, self.timeout)
        outcome.duration_ms = int((time.monotonic() - started) * 1000)
        return outcome


def _read_capped(response):
    """Read at most MAX_RESPONSE_BYTES of the body, then stop."""
    chunks, size = [], 0
    for chunk in response.iter_raw():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_RESPONSE_BYTES:
            break
    return b"".join(chunks)[:MAX_RESPONSE_BYTES].decode("utf-8", errors="replace")
