"""The child sitemaps of an index fetched one after another, so the requests waiting in
memory are one sitemap's pages, whatever the size of the site."""

from __future__ import annotations

from collections import defaultdict, deque

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.spidermiddlewares.httperror import HttpError


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
