"""scrapy-playwright's download handler, as clinicwatch uses it: installed for http and https
by crawler.renderjs.RenderJs only when CLINICWATCH_RENDER_JS is on. Requests without
meta["playwright"] (every request but the re-requests of script-written posts) go through
Scrapy's own HTTP handler, as without the option."""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import suppress

from playwright.async_api import Error as PlaywrightError
from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.page import PageMethod

from . import CONTEXT_KWARGS
from .guard import PageGuard, refusing_resolver, wait_for_text

logger = logging.getLogger(__name__)

PAGES_AT_A_TIME = 2
LAUNCH_SECONDS = 60  # for Chromium to start and open a page
SETTLE_SHARE = 0.5  # of CLINICWATCH_RENDER_JS_TIMEOUT spent at most waiting for the text to settle


class RenderFailed(Exception):
    """A page that could not be rendered: it never settled, or the browser failed on it."""


class RenderingDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """Every rendered page: its requests checked and fetched by a PageGuard, its text waited for,
    the whole page given CLINICWATCH_RENDER_JS_TIMEOUT at most (then closed, and the fetch fails
    with RenderFailed, which RecordFetches writes as the page's fetches row)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.crawler = crawler
        settings = crawler.settings
        self.timeout = settings.getfloat("CLINICWATCH_RENDER_JS_TIMEOUT")
        self.allow_private = settings.getbool("CLINICWATCH_ALLOW_PRIVATE_HOSTS")
        self.user_agent = settings.get("USER_AGENT")
        self.robots_agent = settings.get("ROBOTSTXT_USER_AGENT") or self.user_agent
        self.obey_robots = settings.getbool("ROBOTSTXT_OBEY")
        self.max_bytes = settings.getint("DOWNLOAD_MAXSIZE")
        self.max_redirects = settings.getint("REDIRECT_MAX_TIMES")
        self._session = None
        self.rendered = 0
        self.slots = asyncio.Semaphore(PAGES_AT_A_TIME)

    async def session(self):
        if self._session is None:
            import aiohttp

            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(resolver=refusing_resolver(self.allow_private), limit_per_host=2),
                cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=True)
        return self._session

    async def robots_allows(self, url: str) -> bool:
        """robots.txt as Scrapy's RobotsTxtMiddleware read it for the page itself (same host)."""
        middleware = next((m for m in self.crawler.engine.downloader.middleware.middlewares
                           if isinstance(m, RobotsTxtMiddleware)), None)
        if middleware is None:
            return True
        parser = await middleware.robot_parser(Request(url, meta={"dont_obey_robotstxt": True}))
        return parser is None or parser.allowed(url, self.robots_agent)

    async def download_request(self, request):
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        site_url = request.meta.get("render_site_url") or request.url
        guard = PageGuard(site_url, session_of=self.session, allow_private=self.allow_private,
                          user_agent=self.user_agent, max_bytes=self.max_bytes, max_redirects=self.max_redirects,
                          seconds=self.timeout,
                          robots_allows=self.robots_allows if self.obey_robots else None)
        # A context of its own for each page: its own renderer process (an endless script in one page
        # cannot stall the others of the same site), and nothing stored by one page seen by the next.
        self.rendered += 1
        request.meta["playwright_context"] = f"render-{self.rendered}"
        request.meta["playwright_context_kwargs"] = CONTEXT_KWARGS
        request.meta["playwright_page_init_callback"] = guard.install
        request.meta["playwright_page_methods"] = [
            PageMethod(wait_for_text, request.meta.get("render_min_words", 1), self.timeout * SETTLE_SHARE * 1000)]
        try:
            async with self.slots:  # the pages waiting here are not on the clock
                started = time.monotonic()
                response = await self.capped(super().download_request(request), guard)
        except TimeoutError:
            raise RenderFailed(f"the page did not settle within CLINICWATCH_RENDER_JS_TIMEOUT ({self.timeout:g} s) "
                               "in the browser; it was closed") from None
        except PlaywrightError as exc:
            raise RenderFailed(f"the browser failed on the page: {exc.message.splitlines()[0]}") from None
        finally:
            # The page may hang (an endless script): it is closed with its context, not waited for.
            if guard.page is not None:
                with suppress(Exception):
                    await asyncio.wait_for(guard.page.context.close(), 5)
            for key in ("playwright_page_init_callback", "playwright_page_methods", "playwright_context_kwargs",
                        "playwright_context"):
                request.meta.pop(key, None)  # not picklable: a retried or JOBDIR-queued request must not carry them
            request.meta["render_refused"] = guard.refused
            for url, reason in guard.refused:
                logger.info("rendering %s: did not load %s: %s", request.url, url, reason)
        seconds = time.monotonic() - started
        logger.info("rendered %s in %.2f s (%d request(s) fulfilled, %d not loaded)", request.url, seconds,
                    guard.requests, len(guard.refused))
        self.crawler.stats.inc_value("clinicwatch/render/pages")
        self.crawler.stats.inc_value("clinicwatch/render/seconds", seconds)
        return response

    async def capped(self, download, guard: PageGuard):
        """The download, given LAUNCH_SECONDS to open its page (the browser may be starting) and then
        CLINICWATCH_RENDER_JS_TIMEOUT from the page's opening; cancelled past either."""
        task = asyncio.ensure_future(download)
        opened = asyncio.ensure_future(guard.opened.wait())
        try:
            await asyncio.wait({task, opened}, timeout=LAUNCH_SECONDS, return_when=asyncio.FIRST_COMPLETED)
            if not task.done() and not guard.opened.is_set():
                raise RenderFailed(f"the browser did not open a page within {LAUNCH_SECONDS} s")
            return await asyncio.wait_for(task, max(guard.deadline - time.monotonic(), 0.001))
        finally:
            opened.cancel()
            if not task.done():
                task.cancel()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        await super().close()
