"""Which targets may be fetched: only http(s), and no loopback, private or link-local
address, also when a redirect or a DNS answer leads there (CLINICWATCH_ALLOW_PRIVATE_HOSTS lifts
the address check)."""

from __future__ import annotations

import socket
from typing import Callable
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from pipeline.urls import is_private_address


class RefusedTarget(IgnoreRequest):
    """A URL clinicwatch will not fetch: a scheme other than http(s), a private address, or past a limit."""


# -- targets ----------------------------------------------------------------------------------

def resolve_host(host: str) -> list[str]:
    """Every address the host resolves to; [] when it does not resolve (the download then fails with a DNS error)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    return [info[4][0].split("%")[0] for info in infos]


class RefusePrivateHosts:
    """Refuse non-http(s) URLs, and hosts that resolve to loopback, private or link-local
    addresses unless CLINICWATCH_ALLOW_PRIVATE_HOSTS is set. Every request passes here,
    redirect targets included, so a public page redirecting to an internal one is refused too;
    one private address among a host's DNS answers is enough to refuse it."""

    def __init__(self, allow_private: bool, resolve: Callable[[str], list[str]] = resolve_host):
        self.allow_private = allow_private
        self.resolve = resolve
        self._private_ip: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("CLINICWATCH_ALLOW_PRIVATE_HOSTS"))

    def private_ip_of(self, host: str) -> str | None:
        """The first private address the host resolves to, or None."""
        if host not in self._private_ip:
            self._private_ip[host] = next((ip for ip in self.resolve(host) if is_private_address(ip)), None)
        return self._private_ip[host]

    def process_request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise RefusedTarget(f"refused {request.url}: only http and https URLs are crawled")
        if self.allow_private or not parts.hostname:
            return None
        address = self.private_ip_of(parts.hostname)
        if address:
            raise RefusedTarget(
                f"refused {parts.hostname} ({address}): loopback, private and link-local addresses are not "
                "crawled unless --allow-private-hosts is given")
        return None
