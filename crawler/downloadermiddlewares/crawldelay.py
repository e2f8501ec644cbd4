"""robots.txt Crawl-delay, which Scrapy's RobotsTxtMiddleware reads but does not apply."""

from __future__ import annotations

from urllib.parse import urlsplit

from protego import Protego


class ObeyCrawlDelay:
    """Learns each host's Crawl-delay from its robots.txt as it passes and holds the host's
    download slot to at least that delay (capped by CLINICWATCH_MAX_CRAWL_DELAY, so a
    robots.txt asking for an hour between pages cannot stall a night)."""

    def __init__(self, crawler, user_agent: str, max_delay: float):
        self.crawler = crawler
        self.user_agent = user_agent
        self.max_delay = max_delay
        self.delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, settings.get("USER_AGENT") or "*", settings.getfloat("CLINICWATCH_MAX_CRAWL_DELAY"))

    def process_response(self, request, response):
        if urlsplit(request.url).path == "/robots.txt" and response.status == 200:
            try:
                delay = Protego.parse(response.body.decode("utf-8", "replace")).crawl_delay(self.user_agent)
            except Exception:  # a broken robots.txt has no usable delay; RobotsTxtMiddleware reports it
                delay = None
            if delay:
                self.delays[urlsplit(request.url).hostname or ""] = min(float(delay), self.max_delay)
        return response

    def process_request(self, request):
        delay = self.delays.get(urlsplit(request.url).hostname or "")
        if delay:
            # AutoThrottle would lower the slot's delay again; this request must not.
            request.meta["autothrottle_dont_adjust_delay"] = True
            slot = self.crawler.engine.downloader.slots.get(request.meta.get("download_slot") or
                                                             urlsplit(request.url).hostname)
            if slot is not None and slot.delay < delay:
                slot.delay = delay
        return None
