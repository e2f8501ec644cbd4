"""Middlewares: which targets may be fetched, the limits on what is fetched, and a record of
every fetch. Whatever goes wrong with a page, its row of `fetches` says what happened.

Downloader side, from the engine to the network (the order of DOWNLOADER_MIDDLEWARES in
crawler/settings.py):

- RefusePrivateHosts: only http(s); no loopback, private or link-local targets, also when a
  redirect or a DNS answer leads there.
- SizeLimits: sitemaps get their own download limit (CLINICWATCH_MAX_SITEMAP_BYTES).
- RobotsTxtLimits: robots.txt as RFC 9309 reads it (a 5xx answer disallows the site; only the
  first CLINICWATCH_MAX_ROBOTS_BYTES are parsed).
- InspectBodies: HTML decoded with pipeline.extract.decode_html (the extractor's decoder), and
  bodies that cannot be what they claim (binary "HTML", empty pages, XML declaring entities)
  marked on their fetch row.
- RedirectMiddleware, MetaRefreshMiddleware, HttpCompressionMiddleware: Scrapy's, noting on the
  fetch row why a response was dropped (a redirect loop, too many redirects, a redirect to a
  non-http URL, a body that inflates past DOWNLOAD_MAXSIZE).
- RecordFetches: next to the downloader, so it sees every redirect hop and retry.

Spider side: LimitSitemapDepth stops sitemap indexes nested deeper than CLINICWATCH_MAX_SITEMAP_DEPTH;
SitemapsOneAtATime fetches the child sitemaps of an index one after another, so the requests
waiting in memory are one sitemap's pages, whatever the size of the site.
"""

from __future__ import annotations

import logging
import re
import socket
from collections import defaultdict, deque
from typing import Callable
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.downloadermiddlewares import httpcompression, redirect
from scrapy.exceptions import DontCloseSpider, IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.spidermiddlewares.httperror import HttpError
from w3lib.url import canonicalize_url

from pipeline.extract import decode_html

from .extensions import CrawlRun, UsesCrawlRun
from .urls import is_private_address

logger = logging.getLogger(__name__)


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


# -- limits -----------------------------------------------------------------------------------

class SizeLimits:
    """Sitemaps may be larger than pages (sitemaps.org allows 50 MiB), so requests for them carry
    their own download limit; HttpCompressionMiddleware applies the same limit to the inflated body."""

    def __init__(self, max_sitemap_bytes: int):
        self.max_sitemap_bytes = max_sitemap_bytes

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("CLINICWATCH_MAX_SITEMAP_BYTES"))

    def process_request(self, request):
        if request.meta.get("purpose") == "sitemap" and "download_maxsize" not in request.meta:
            request.meta["download_maxsize"] = self.max_sitemap_bytes
            request.meta["size_limit_setting"] = "CLINICWATCH_MAX_SITEMAP_BYTES"
        return None


def size_limit_of(request, settings) -> tuple[str, int]:
    """The setting that limits this request's response size, and its value."""
    return (request.meta.get("size_limit_setting", "DOWNLOAD_MAXSIZE"),
            request.meta.get("download_maxsize", settings.getint("DOWNLOAD_MAXSIZE")))


DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


def is_robots_rules_request(request) -> bool:
    """The robots.txt request Scrapy's RobotsTxtMiddleware makes to learn a host's rules (the
    spider's own robots.txt request, for Sitemap: lines, has a callback)."""
    return request.callback is NO_CALLBACK and request.meta.get("dont_obey_robotstxt") and \
        urlsplit(request.url).path == "/robots.txt"


def first_bytes_of_lines(body: bytes, limit: int) -> bytes:
    """At most `limit` bytes of body, cut at the end of a line."""
    if len(body) <= limit:
        return body
    head = body[:limit]
    return head[:head.rfind(b"\n") + 1] if b"\n" in head else head


class RobotsTxtLimits(UsesCrawlRun):
    """robots.txt read the way RFC 9309 says, where Scrapy reads every answer's body as rules:
    a 5xx answer (after retries) means the whole site is disallowed until it answers (§2.3.1.4),
    and only the first CLINICWATCH_MAX_ROBOTS_BYTES are parsed (§2.5: at least 500 KiB)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.max_bytes = crawler.settings.getint("CLINICWATCH_MAX_ROBOTS_BYTES")

    def process_response(self, request, response):
        if not is_robots_rules_request(request):
            return response
        if response.status >= 500:
            self.run.note_fetch_error(request.url, (
                f"robots.txt answered {response.status}: nothing of this site is crawled until it answers "
                "(RFC 9309 §2.3.1.4)"))
            return response.replace(body=DISALLOW_ALL)
        if len(response.body) > self.max_bytes:
            logger.info("%s: %d bytes; only the first %d are read as rules (CLINICWATCH_MAX_ROBOTS_BYTES)",
                        request.url, len(response.body), self.max_bytes)
            return response.replace(body=first_bytes_of_lines(response.body, self.max_bytes))
        return response


# -- bodies -----------------------------------------------------------------------------------

# File signatures of binary formats a misconfigured server sends as text/html.
BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive", b"\x1f\x8b": "gzip data", b"RIFF": "a RIFF (WebP, WAV, AVI) file",
    b"\x00\x00\x00": "a binary file",
}
# Purposes whose empty body means a failed fetch (robots.txt may be empty; a probe may find nothing).
NEEDS_A_BODY = {"page", "listing", "sitemap", "feed"}


def binary_kind(body: bytes) -> str | None:
    """What a body is when it is not text: its file signature, or NUL bytes (never in HTML) near its start."""
    kind = next((name for signature, name in BINARY_SIGNATURES.items() if body.startswith(signature)), None)
    if kind is None and b"\x00" in body[:1024]:
        kind = "a binary file"
    return kind


class InspectBodies(UsesCrawlRun):
    """Sits after decompression. HTML is re-decoded with decode_html, so a page is read the same
    way in a crawl as by `clinicwatch extract`: BOM, HTTP charset, <meta>, detection, and stray
    bytes read as windows-1252 where Scrapy's decoder would put U+FFFD. A binary body served as
    HTML is passed on as a plain (non-text) response, which the spider skips."""

    def process_response(self, request, response):
        purpose = request.meta.get("purpose")
        if response.status != 200 or request.method == "HEAD":
            return response
        if not response.body:
            if purpose in NEEDS_A_BODY:
                self.run.note_fetch_error(request.url, "empty response body (200 with no content)")
            return response
        if purpose in ("sitemap", "feed", "probe") and b"<!ENTITY" in response.body[:4096]:
            self.run.note_fetch_error(request.url, "XML declares entities (<!ENTITY>): they are not expanded, "
                                                   "and no URL is taken from this document")
            return response
        if not isinstance(response, HtmlResponse):
            return response
        kind = binary_kind(response.body)
        if kind:
            self.run.note_fetch_error(request.url, f"served as {response.headers.get('Content-Type', b'').decode()}"
                                                   f" but is {kind}; skipped")
            return response.replace(cls=Response)
        text = decode_html(response.body, (response.headers.get("Content-Type") or b"").decode("latin-1"))
        return response.replace(body=text.encode("utf-8"), encoding="utf-8")


# -- responses Scrapy drops -------------------------------------------------------------------

class NotesDroppedResponses:
    """Scrapy drops some responses by raising IgnoreRequest from process_response, which no
    downloader middleware's process_exception sees: this says why on the fetch row."""

    crawler = None

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        middleware.crawler = crawler
        return middleware

    def note(self, request, error: str) -> None:
        self.crawler.get_extension(CrawlRun).note_fetch_error(request.url, error)

    def dropped(self, request, exception: IgnoreRequest) -> str:
        return str(exception)

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            self.note(request, self.dropped(request, exc))
            raise


class FollowsRedirectsOnce(NotesDroppedResponses):
    """A redirect back to a URL of the same chain is a loop: stopped at once, with the chain on
    the fetch row (Scrapy's duplicate filter would drop it without a word)."""

    def dropped(self, request, exception):
        return f"more than REDIRECT_MAX_TIMES ({self.max_redirect_times}) redirects in a row"

    def process_response(self, request, response):
        result = super().process_response(request, response)
        if isinstance(result, Request):
            chain = [*request.meta.get("redirect_urls", []), request.url]
            keys = [canonicalize_url(url) for url in chain]
            target = canonicalize_url(result.url)
            if target in keys:
                loop = " → ".join([*chain[keys.index(target):], result.url])
                self.note(request, f"redirect loop: {loop}")
                raise IgnoreRequest(f"redirect loop: {loop}")
        elif result is response and 300 <= response.status < 400 and response.headers.get("Location"):
            target = response.headers["Location"].decode("latin-1")
            if urlsplit(target).scheme not in ("", "http", "https"):
                self.note(request, f"redirects to {target}: only http and https URLs are followed")
        return result


class RedirectMiddleware(FollowsRedirectsOnce, redirect.RedirectMiddleware):
    pass


class MetaRefreshMiddleware(FollowsRedirectsOnce, redirect.MetaRefreshMiddleware):
    pass


class HttpCompressionMiddleware(NotesDroppedResponses, httpcompression.HttpCompressionMiddleware):
    def dropped(self, request, exception):
        setting, limit = size_limit_of(request, self.crawler.settings)
        return f"the body inflates past {setting} ({limit} bytes): a compression bomb? ({exception})"


# -- the record -------------------------------------------------------------------------------

FAILURE_HINTS = {
    "CannotResolveHostError": "the host name does not resolve; check the site's url in the sources file",
    "DNSLookupError": "the host name does not resolve; check the site's url in the sources file",
    "DownloadConnectionRefusedError": "the server refused the connection; the site may be down",
    "ConnectionRefusedError": "the server refused the connection; the site may be down",
    "DownloadTimeoutError": "no answer within DOWNLOAD_TIMEOUT",
    "TimeoutError": "no answer within DOWNLOAD_TIMEOUT",
    "TCPTimedOutError": "the connection timed out",
    "ResponseNeverReceived": "the connection closed before a response came",
    "DownloadFailedError": "the connection closed before a whole response came",
    "ResponseDataLossError": "the connection closed before the whole body came",
    "ConnectError": "could not connect",
}


WRAPPED_TWISTED_FAILURE = re.compile(r"<twisted\.python\.failure\.Failure ([\w.]+): ([^>]*)>")


def describe_failure(exception: BaseException, size_limit: tuple[str, int] | None = None) -> str:
    """A one-line error for the fetches table that says what happened and what to check.
    size_limit: the setting and value that limit the request's response size."""
    name = type(exception).__name__
    detail = str(exception).strip()
    if name == "DownloadCancelledError" and size_limit:
        # Scrapy cancels a download past its size limit, sometimes with no message at all.
        setting, limit = size_limit
        return f"{name}: the response is larger than {setting} ({limit} bytes)" + (
            f": {detail}" if detail and detail != name else "")
    wrapped = WRAPPED_TWISTED_FAILURE.search(detail)
    if wrapped:  # Scrapy's message is the repr of a list of Twisted failures: keep the first's class and text
        detail = f"{wrapped.group(1).rsplit('.', 1)[-1]}: {wrapped.group(2)}"
    detail = detail or name
    hint = FAILURE_HINTS.get(name)
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
        error = str(exception) if isinstance(exception, RefusedTarget) else describe_failure(
            exception, size_limit_of(request, self.crawler.settings))
        self.run.record_fetch(request, None, error, None)
        return None


# -- spider side ------------------------------------------------------------------------------

class LimitSitemapDepth(UsesCrawlRun):
    """Sitemap indexes may list indexes: a sitemap found in another is one level deeper (those
    named by robots.txt or the sources file are level 1). Past CLINICWATCH_MAX_SITEMAP_DEPTH the
    request is not made, and a fetches row without a status says so."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.max_depth = crawler.settings.getint("CLINICWATCH_MAX_SITEMAP_DEPTH")

    def process_spider_output(self, response, result):
        for output in result:
            yield from self.within_depth(response, output)

    async def process_spider_output_async(self, response, result):
        async for output in result:
            for kept in self.within_depth(response, output):
                yield kept

    def within_depth(self, response, output):
        if isinstance(output, Request) and output.meta.get("purpose") == "sitemap" and \
                response.meta.get("purpose") in ("sitemap", "probe"):
            depth = response.meta.get("sitemap_depth", 1) + 1
            if depth > self.max_depth:
                self.run.record_fetch(output, None, (
                    f"not fetched: sitemaps nested {depth} deep; CLINICWATCH_MAX_SITEMAP_DEPTH is {self.max_depth}"),
                    None)
                return
            output.meta["sitemap_depth"] = depth
        yield output


class SitemapsOneAtATime:
    """An index of 20 sitemaps of 1,000 posts would put 20,000 requests in the scheduler at
    once (a couple of KiB each); here the index's child sitemaps wait in line, per site, and
    the next goes out when the one before has been read or has failed, below the priority of
    pages, so it is fetched once that sitemap's pages are. Not with JOBDIR, whose disk queue
    bounds memory already (and a request held here would not survive a pause)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.waiting: defaultdict[str, deque[Request]] = defaultdict(deque)
        crawler.signals.connect(self.send_waiting_when_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.get("JOBDIR"):
            raise NotConfigured
        return cls(crawler)

    def process_spider_output(self, response, result):
        held = False
        for output in result:
            if self.hold(response, output):
                held = True
            else:
                yield output
        yield from self.next_after(response.meta, held)

    async def process_spider_output_async(self, response, result):
        held = False
        async for output in result:
            if self.hold(response, output):
                held = True
            else:
                yield output
        for output in self.next_after(response.meta, held):
            yield output

    def hold(self, response, output) -> bool:
        """Keep a child sitemap of an index in line; True when held."""
        if isinstance(output, Request) and output.meta.get("purpose") == "sitemap" and \
                response.meta.get("purpose") in ("sitemap", "probe"):
            self.waiting[output.meta.get("site")].append(output.replace(
                errback=self.sitemap_failed,
                meta={**output.meta, "in_sitemap_line": True, "spider_errback": output.errback}))
            return True
        return False

    def sitemap_failed(self, failure):
        """A download error (timeout, refused connection, robots.txt) reaches the errback without
        passing through spider middlewares: here it moves the line on all the same. An HTTP error
        status does pass through process_spider_output, which moves it on."""
        request = failure.request
        spider_errback = request.meta.get("spider_errback")
        yield from (spider_errback(failure) if spider_errback else None) or ()
        if not failure.check(HttpError):
            yield from self.next_after(request.meta, held=False)

    def next_after(self, meta: dict, held: bool) -> list[Request]:
        """The site's next waiting sitemap, behind the pages just found, when a sitemap of the line
        has been read or has failed, or when an index has just started a line. Only then: other
        answers of the site (feeds, pages) would let several sitemaps out at once."""
        line = self.waiting.get(meta.get("site"))
        if not line or not (held or meta.get("in_sitemap_line")):
            return []
        return [self.release(line)]

    @staticmethod
    def release(line: deque[Request]) -> Request:
        request = line.popleft()
        request.priority -= 1
        return request

    def send_waiting_when_idle(self):
        """Last resort, when a sitemap left nothing to move the line on (its callback raised, or
        the scheduler dropped it). The spider's own idle handler asks for known posts then, some
        of them listed in sitemaps still waiting: those are fetched as conditional GETs rather
        than skipped by their lastmod."""
        lines = [line for line in self.waiting.values() if line]
        for line in lines:
            self.crawler.engine.crawl(self.release(line))
        if lines:
            raise DontCloseSpider
