"""A workspace's block lists: posts from these emails, email domains and client addresses are spam."""

import ipaddress
from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.spam.signals import reason

MAX_ENTRIES = 1000  # per list: a list is read on every post
MAX_ENTRY_LENGTH = 254


@dataclass
class Blocklist:
    enabled: bool = True
    emails: list = field(default_factory=list)
    domains: list = field(default_factory=list)
    addresses: list = field(default_factory=list)

    def as_dict(self):
        return {"enabled": self.enabled, "emails": self.emails, "domains": self.domains, "addresses": self.addresses}


def blocklist_of(workspace):
    saved = workspace.spam_blocklist or {}
    return Blocklist(
        enabled=saved.get("enabled", True), emails=list(saved.get("emails") or []),
        domains=list(saved.get("domains") or []), addresses=list(saved.get("addresses") or []),
    )


class BlocklistError(ValueError):
    """An entry that cannot be used, with the list it is in."""

    def __init__(self, list_name, message):
        super().__init__(message)
        self.list_name = list_name


def _lines(text, list_name):
    entries = list(dict.fromkeys(line.strip().lower() for line in (text or "").splitlines() if line.strip()))
    if len(entries) > MAX_ENTRIES:
        raise BlocklistError(list_name, _("at most %(count)d entries", count=MAX_ENTRIES))
    for entry in entries:
        if len(entry) > MAX_ENTRY_LENGTH:
            raise BlocklistError(list_name, _("“%(entry)s…” is too long", entry=entry[:40]))
    return entries


def parse_blocklist(enabled, emails, domains, addresses):
    """The lists as typed (one entry a line) → a Blocklist, or BlocklistError naming the bad entry."""
    email_entries = _lines(emails, "emails")
    for entry in email_entries:
        if "@" not in entry.strip("@"):
            raise BlocklistError("emails", _("“%(entry)s” is not an email address", entry=entry))
    domain_entries = [entry.lstrip("@").lstrip(".") for entry in _lines(domains, "domains")]
    for entry in domain_entries:
        if "." not in entry or "@" in entry or " " in entry:
            raise BlocklistError("domains", _("“%(entry)s” is not a domain", entry=entry))
    address_entries = _lines(addresses, "addresses")
    for entry in address_entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise BlocklistError(
                "addresses", _("“%(entry)s” is not an IP address or network", entry=entry),
            ) from exc
    return Blocklist(bool(enabled), email_entries, domain_entries, address_entries)


def _domain_listed(domain, domains):
    return any(domain == listed or domain.endswith("." + listed) for listed in domains)


def _address_listed(address, addresses):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(entry, strict=False) for entry in addresses)


def blocked(blocklist, emails, address):
    """The reason the post is blocked (the entry it matched), or None."""
    if not blocklist.enabled:
        return None
    for email in (email.strip().lower() for email in emails if email):
        if email in blocklist.emails:
            return reason("blocked_email", email)
        domain = email.rpartition("@")[2]
        if domain and _domain_listed(domain, blocklist.domains):
            return reason("blocked_domain", domain)
    if address and _address_listed(address, blocklist.addresses):
        return reason("blocked_address", address)
    return None
