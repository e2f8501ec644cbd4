"""What a rendered page may load. Chromium fetches nothing itself: every request the page makes
is routed here, checked (only http(s), only the page's own site, no trackers, images, media, fonts
or style sheets, no private address unless CLINICWATCH_ALLOW_PRIVATE_HOSTS, robots.txt), fetched by
us within the crawl's limits (DOWNLOAD_MAXSIZE for each response and for the page as a whole, a
deadline for the page, REDIRECT_MAX_TIMES, each hop checked again) and handed to the browser.
No Playwright import: the route and request are whatever Playwright passes."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urljoin, urlsplit

from pipeline.urls import is_private_address, same_site

logger = logging.getLogger(__name__)

# Nothing a post's text needs, and what a site's visitors are tracked and billed by.
BLOCKED_TYPES = {"image", "media", "font", "stylesheet", "texttrack", "manifest", "eventsource", "websocket",
                 "ping", "beacon", "other"}
TRACKERS = re.compile(
    r"google-analytics|googletagmanager|doubleclick|googlesyndication|facebook\.(net|com)/tr|connect\.facebook"
    r"|hotjar|segment\.(io|com)|mixpanel|clarity\.ms|fullstory|newrelic|nr-data|quantserve|scorecardresearch"
    r"|/(gtag|gtm|pixel|beacon|collect|analytics|track(ing)?)(\.js|/|\?|$)", re.IGNORECASE)
MAX_REQUESTS_PER_PAGE = 50
REDIRECTS = {301, 302, 303, 307, 308}
# Headers the browser sets that we do not pass on: ours decide who we are, and no cookie is sent.
DROPPED_HEADERS = {"cookie", "host", "accept-encoding", "connection", "content-length", "user-agent"}
# Response headers that describe the bytes on the wire, not the body handed to the browser.
WIRE_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection", "set-cookie"}


class Refused(Exception):
    """A request of the rendered page that is not made, and why."""


def resolve_host(host: str) -> list[str]:
    try:
        return [info[4][0].split("%")[0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)]
    except (socket.gaierror, UnicodeError):
        return []


def refusal(url: str, resource_type: str, site_url: str, *, allow_private: bool,
            resolve: Callable[[str], list[str]] = resolve_host) -> str | None:
    """Why the rendered page of site_url may not load url, or None when it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "only http and https URLs are loaded"
    if resource_type in BLOCKED_TYPES:
        return f"{resource_type} requests are not made"
    if TRACKERS.search(url):
        return "a tracker"
    if not same_site(url, site_url):
        return f"another host than the site's ({urlsplit(site_url).netloc})"
    if not allow_private:
        private = next((ip for ip in resolve(parts.hostname) if is_private_address(ip)), None)
        if private:
            return (f"{parts.hostname} is {private}: loopback, private and link-local addresses are not "
                    "crawled unless --allow-private-hosts is given")
    return None


def refusing_resolver(allow_private: bool):
    """aiohttp's resolver, refusing private answers at connection time (a DNS answer that changed
    since refusal() looked cannot lead to an internal address)."""
    import aiohttp
    from aiohttp.abc import AbstractResolver

    class RefusingResolver(AbstractResolver):
        def __init__(self):
            self.inner = aiohttp.ThreadedResolver()

        async def resolve(self, host, port=0, family=socket.AF_INET):
            answers = await self.inner.resolve(host, port, family)
            if not allow_private and any(is_private_address(a["host"]) for a in answers):
                raise OSError(f"{host} resolves to a private address")
            return answers

        async def close(self):
            await self.inner.close()

    return RefusingResolver()


class PageGuard:
    """The route handler of one rendered page (page.route("**", guard.handle)): checks, fetches
    and fulfills each request, or aborts it; `refused` says what was not loaded and why."""

    def __init__(self, site_url: str, *, session_of: Callable[[], Awaitable], allow_private: bool,
                 user_agent: str, max_bytes: int, max_redirects: int, seconds: float,
                 robots_allows: Callable[[str], Awaitable[bool]] | None = None,
                 resolve: Callable[[str], list[str]] = resolve_host):
        self.site_url = site_url
        self.session_of = session_of
        self.allow_private = allow_private
        self.user_agent = user_agent
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.seconds = seconds  # the page's time, from its opening (not while it waits for the browser)
        self.deadline = float("inf")
        self.opened = asyncio.Event()
        self.robots_allows = robots_allows
        self.resolve = resolve
        self.page = None
        self.requests = 0
        self.bytes = 0
        self.refused: list[tuple[str, str]] = []

    async def install(self, page, request=None) -> None:
        """scrapy-playwright's page init callback: runs after its own route, so this one is asked first."""
        self.page = page
        self.deadline = time.monotonic() + self.seconds
        self.opened.set()
        await page.route("**", self.handle)

    async def check(self, url: str, resource_type: str) -> None:
        reason = refusal(url, resource_type, self.site_url, allow_private=self.allow_private, resolve=self.resolve)
        if reason is None and self.robots_allows is not None and not await self.robots_allows(url):
            reason = "robots.txt disallows it"
        if reason is None and self.requests >= MAX_REQUESTS_PER_PAGE:
            reason = f"more than {MAX_REQUESTS_PER_PAGE} requests from one page"
        if reason:
            raise Refused(reason)
        self.requests += 1

    async def handle(self, route, request) -> None:
        try:
            await self.check(request.url, request.resource_type)
            status, headers, body = await self.fetch(request)
        except Exception as exc:  # an unanswered route would hang the page: every failure aborts it
            self.refused.append((request.url, str(exc) or type(exc).__name__))
            logger.debug("rendered page of %s: not loaded %s: %s", self.site_url, request.url, exc)
            await route.abort("blockedbyclient" if isinstance(exc, Refused) else "failed")
            return
        await route.fulfill(status=status, headers=headers, body=body)

    async def fetch(self, request) -> tuple[int, dict, bytes]:
        """The response to the page's request, redirects followed here (each hop checked), the body
        read up to what is left of the page's byte budget."""
        import aiohttp

        url, method, data = request.url, request.method, request.post_data_buffer
        headers = {name: value for name, value in (await request.all_headers()).items()
                   if not name.startswith(":") and name.lower() not in DROPPED_HEADERS}
        headers["User-Agent"] = self.user_agent
        session = await self.session_of()
        for hop in range(self.max_redirects + 1):
            if hop:
                await self.check(url, request.resource_type)
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise Refused("the page's time is up (CLINICWATCH_RENDER_JS_TIMEOUT)")
            timeout = aiohttp.ClientTimeout(total=remaining)
            async with session.request(method, url, headers=headers, data=data, allow_redirects=False,
                                       timeout=timeout) as response:
                if response.status in REDIRECTS and response.headers.get("Location"):
                    url = urljoin(url, response.headers["Location"])
                    if response.status == 303 or (response.status in (301, 302) and method == "POST"):
                        method, data = "GET", None
                    continue
                body = await self.read(response)
                kept = {name: value for name, value in response.headers.items() if name.lower() not in WIRE_HEADERS}
                return response.status, kept, body
        raise Refused(f"more than REDIRECT_MAX_TIMES ({self.max_redirects}) redirects")

    async def read(self, response) -> bytes:
        chunks = []
        async for chunk in response.content.iter_chunked(64 * 1024):
            self.bytes += len(chunk)
            if self.bytes > self.max_bytes:
                raise Refused(f"the page's responses are larger than DOWNLOAD_MAXSIZE ({self.max_bytes} bytes)")
            chunks.append(chunk)
        return b"".join(chunks)


async def wait_for_text(page, min_words: int, timeout_ms: float) -> None:
    """A scrapy-playwright page method: wait until the page shows min_words words and its text has
    not changed for 300 ms (a script that writes the post after a fetch or a timer), at most
    timeout_ms; then the page is taken as it is, and the extractor decides."""
    settled = """(minWords) => {
        const text = document.body ? document.body.innerText : "";
        const now = performance.now();
        if (window.__clinicwatchLength !== text.length) {
            window.__clinicwatchLength = text.length; window.__clinicwatchSince = now; return false;
        }
        return text.split(/\\s+/).filter(Boolean).length >= minWords && now - window.__clinicwatchSince >= 300;
    }"""
    try:
        await page.wait_for_function(settled, arg=min_words, timeout=timeout_ms, polling=100)
    except Exception as exc:  # Playwright's TimeoutError: the page is read as it is
        if type(exc).__name__ != "TimeoutError":
            raise
        logger.debug("%s: text still changing or short after %d ms", page.url, timeout_ms)
