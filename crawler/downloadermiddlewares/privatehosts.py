"""Which targets may be fetched: only http(s), and no address that is not globally routable
unless CLINICWATCH_ALLOW_PRIVATE_HOSTS. This middleware refuses what it can tell from the URL
alone (the scheme, an IP literal); a host name is checked where the connection's address is
chosen, by the resolver crawler.resolver.RefusePrivateAddresses (TWISTED_DNS_RESOLVER), so a
second DNS answer cannot differ from the one checked. Every request passes here, redirect
targets included. Tests: tests/test_downloadermiddleware_privatehosts.py."""

from __future__ import annotations

import ipaddress
from typing import Callable
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from crawler.resolver import RefusePrivateAddresses, refusal_message
from pipeline.urls import is_private_address


class RefusedTarget(IgnoreRequest):
    """A URL clinicwatch will not fetch: a scheme other than http(s), a private address, or past a limit."""


def installed_resolver_checks() -> bool:
    """Does the reactor resolve names with RefusePrivateAddresses (TWISTED_DNS_RESOLVER)?"""
    from twisted.internet import reactor

    return isinstance(getattr(reactor, "resolver", None), RefusePrivateAddresses)


def ip_literal(host: str):
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


class RefusePrivateHosts:
    """Refuse non-http(s) URLs and URLs whose host is an address that is not globally routable,
    unless allow_private. Host names go on to the resolver; if the resolver in use is not the
    one that checks (TWISTED_DNS_RESOLVER replaced), every name is refused: fail closed."""

    def __init__(self, allow_private: bool, resolver_checks: Callable[[], bool] = installed_resolver_checks):
        self.allow_private = allow_private
        self.resolver_checks = resolver_checks

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("CLINICWATCH_ALLOW_PRIVATE_HOSTS"))

    def process_request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise RefusedTarget(f"refused {request.url}: only http and https URLs are crawled")
        if self.allow_private:
            return None
        host = parts.hostname
        if not host:
            raise RefusedTarget(f"refused {request.url}: the URL has no host")
        address = ip_literal(host)
        if address is not None:
            if is_private_address(str(address)):
                raise RefusedTarget(refusal_message(host, str(address)))
        elif not self.resolver_checks():
            raise RefusedTarget(
                f"refused {host}: the DNS resolver in use does not refuse private addresses; set "
                "TWISTED_DNS_RESOLVER to crawler.resolver.RefusePrivateAddresses, or pass --allow-private-hosts")
        return None
