"""The DNS resolver Scrapy connects with (TWISTED_DNS_RESOLVER in crawler/settings.py): an
address that is not globally routable is refused where the connection's address is chosen,
unless CLINICWATCH_ALLOW_PRIVATE_HOSTS is set.

Why here and not in a downloader middleware: a middleware that looks a name up and then lets
Scrapy connect asks the name server twice, and a name server answering a public address first
and 127.0.0.1 next (DNS rebinding) got through (issue 12, item 2). This resolver is the lookup the
connection uses, so the address checked is the address connected to; a name that does not
resolve fails the download (fails closed). IP literals never reach a resolver: the downloader
middleware crawler.downloadermiddlewares.privatehosts refuses those.
Tests: tests/test_downloadermiddleware_privatehosts.py.
"""

from __future__ import annotations

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from pipeline.urls import is_private_address

# Host names refused at connect time, with the reason, for the fetch row: Twisted reports a failed
# lookup as "no results for hostname lookup", so RecordFetches asks here why (refusal_of).
_refusals: dict[str, str] = {}


def refusal_message(host: str, address: str) -> str:
    return (f"refused {host} ({address}): loopback, private and other addresses that are not globally "
            "routable are not crawled unless --allow-private-hosts is given")


def refusal_of(host: str | None) -> str | None:
    """Why this resolver refused the host, or None if it did not."""
    return _refusals.get((host or "").lower())


class RefusedAddress(DNSLookupError):
    """A name resolved to an address that is not globally routable."""


class RefusePrivateAddresses(CachingThreadedResolver):
    """Scrapy's default resolver (cached, DNS_TIMEOUT, IPv4), refusing every answer that is not
    globally routable (pipeline.urls.is_private_address) unless allow_private. The check runs on
    every answer handed to a connection, cached ones included."""

    def __init__(self, reactor, cache_size: int, timeout: float, allow_private: bool = False):
        super().__init__(reactor, cache_size, timeout)
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.allow_private = crawler.settings.getbool("CLINICWATCH_ALLOW_PRIVATE_HOSTS")
        return resolver

    def getHostByName(self, name: str, timeout=()):  # noqa: N802 (Twisted's interface)
        return self.lookup(name, timeout).addCallback(self.checked, name)

    def lookup(self, name: str, timeout=()):
        """The name server's answer (Scrapy's cached threaded lookup); the tests replace it."""
        return super().getHostByName(name, timeout)

    def checked(self, address: str, name: str) -> str:
        if not self.allow_private and is_private_address(address):
            message = refusal_message(name, address)
            _refusals[name.lower()] = message
            raise RefusedAddress(message)
        return address


def follow_run_settings(reactor, settings) -> None:
    """A process that runs several crawls with their own settings (`clinicwatch worker`) installs
    one resolver when it starts, before it knows any run: each run's CLINICWATCH_ALLOW_PRIVATE_HOSTS
    is applied to it here, so the run's flag, not the worker's, decides."""
    resolver = getattr(reactor, "resolver", None)
    if isinstance(resolver, RefusePrivateAddresses):
        resolver.allow_private = settings.getbool("CLINICWATCH_ALLOW_PRIVATE_HOSTS")
