"""Downloader middlewares: which targets may be fetched, and a record of every fetch."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from .extensions import UsesCrawlRun
from .urls import is_private_address


class RefusedTarget(IgnoreRequest):
    """A URL clinicwatch will not fetch (a scheme other than http(s), or a private address)."""


class RefusePrivateHosts:
    """Refuse non-http(s) URLs, and hosts that resolve to loopback, private or link-local
    addresses unless CLINICWATCH_ALLOW_PRIVATE_HOSTS is set. Redirects pass through here
    again, so a public page redirecting to an internal one is refused too."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private
        self._private_ip: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("CLINICWATCH_ALLOW_PRIVATE_HOSTS"))

    def private_ip_of(self, host: str) -> str | None:
        """The first private address the host resolves to, or None (unresolvable hosts fail later, in the download)."""
        if host not in self._private_ip:
            try:
                infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
            except (socket.gaierror, UnicodeError):
                infos = []
            self._private_ip[host] = next(
                (info[4][0] for info in infos if is_private_address(info[4][0].split("%")[0])), None)
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


def describe_failure(exception: BaseException) -> str:
    """A one-line error for the fetches table that says what happened and what to check."""
    name = type(exception).__name__
    hints = {
        "DNSLookupError": "the host name does not resolve; check the site's url in the sources file",
        "ConnectionRefusedError": "the server refused the connection; the site may be down",
        "TimeoutError": "no answer within DOWNLOAD_TIMEOUT",
        "TCPTimedOutError": "the connection timed out",
        "ResponseNeverReceived": "the connection closed before a response came",
        "ConnectError": "could not connect",
    }
    detail = str(exception).strip() or name
    hint = hints.get(name)
    return f"{name}: {detail}" + (f" ({hint})" if hint and hint not in detail else "")


class RecordFetches(UsesCrawlRun):
    """Every fetch, failed ones included, becomes a row of `fetches`: each redirect hop and
    each retry too, because this sits next to the downloader."""

    def process_response(self, request, response):
        self.run.record_fetch(request, response.status, None, len(response.body))
        return response

    def process_exception(self, request, exception):
        # robots.txt refusals are not fetches: nothing was asked of the server.
        if isinstance(exception, IgnoreRequest) and not isinstance(exception, RefusedTarget):
            return None
        error = str(exception) if isinstance(exception, RefusedTarget) else describe_failure(exception)
        self.run.record_fetch(request, None, error, None)
        return None
