"""TRUSTED_PROXIES: believe X-Forwarded-* only as far as the operator's own proxies set them."""

import ipaddress

from werkzeug.middleware.proxy_fix import ProxyFix

SETTING_HELP = "TRUSTED_PROXIES must be a number of proxies (0 trusts none) or comma-separated CIDRs"


def parse_trusted_proxies(text):
    """'0' or '2' → that many proxies; '10.0.0.0/8, 192.0.2.7' → the proxies' networks."""
    text = str(text if text is not None else "0").strip() or "0"
    if text.isdigit():
        return int(text)
    try:
        return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise ValueError(f"{SETTING_HELP}: {exc}") from None


def _proxy_fix(wsgi_app, hops):
    return ProxyFix(wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)


class TrustedNetworks:
    """ProxyFix trusting as many hops as there are addresses of trusted networks at the end of the chain.

    The peer must be a trusted proxy; then each X-Forwarded-For entry, from the nearest, that is
    itself a trusted proxy makes the entry before it believable. The first untrusted one is the client.
    """

    def __init__(self, wsgi_app, networks):
        self.networks = [ipaddress.ip_network(network, strict=False) for network in networks]
        self.fixes = {}
        self.wsgi_app = wsgi_app

    def _trusted(self, address):
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def hops(self, environ):
        if not self._trusted(environ.get("REMOTE_ADDR", "")):
            return 0
        chain = [part for part in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        hops = 1
        for address in reversed(chain):
            if hops >= len(chain) or not self._trusted(address):
                break
            hops += 1
        return hops

    def __call__(self, environ, start_response):
        hops = self.hops(environ)
        if hops == 0:
            return self.wsgi_app(environ, start_response)
        if hops not in self.fixes:
            self.fixes[hops] = _proxy_fix(self.wsgi_app, hops)
        return self.fixes[hops](environ, start_response)


def trust_proxies(wsgi_app, setting):
    """Wrap wsgi_app so request.remote_addr (rate limits, logs) and the scheme are the client's."""
    if isinstance(setting, str):
        setting = parse_trusted_proxies(setting)
    if isinstance(setting, int):
        if setting < 0:
            raise ValueError(SETTING_HELP)
        return _proxy_fix(wsgi_app, setting) if setting else wsgi_app
    return TrustedNetworks(wsgi_app, setting) if setting else wsgi_app
