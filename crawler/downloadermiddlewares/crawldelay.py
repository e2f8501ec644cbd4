"""robots.txt Crawl-delay, which Scrapy's RobotsTxtMiddleware reads but does not apply: one
request at a time to the host, each starting at least the delay after the previous one ended."""

from __future__ import annotations

from time import monotonic
from urllib.parse import urlsplit

from protego import Protego
from scrapy.core.downloader import Slot


class StampsEnds(set):
    """A download slot's `transferring` set that stamps the slot's `lastseen` when a request
    leaves it. Scrapy sets `lastseen` when a request is sent and waits `delay - (now - lastseen)`
    before the next (scrapy/core/downloader/__init__.py, Downloader._process_queue); a download
    ends with `slot.transferring.remove(request)` then `_process_queue(slot)` (Downloader._download,
    on success and on failure alike). Stamped there, the wait runs from the end of the previous
    request, not from its start."""

    def __init__(self, slot: Slot, requests=()):
        super().__init__(requests)
        self.slot = slot

    def remove(self, request) -> None:
        super().remove(request)
        self.slot.lastseen = monotonic()

    def discard(self, request) -> None:
        super().discard(request)
        self.slot.lastseen = monotonic()


def hold(slot: Slot, delay: float) -> None:
    """The slot sends one request at a time, `delay` seconds after the previous one ended, with no
    random jitter (Scrapy's DOWNLOAD_DELAY_JITTER, ±50 % by default, would go down to half the delay)."""
    slot.concurrency = 1
    slot.jitter = 0.0
    slot.delay = delay
    if not isinstance(slot.transferring, StampsEnds):
        slot.transferring = StampsEnds(slot, slot.transferring)
        if not slot.transferring:
            slot.lastseen = monotonic()  # the robots.txt answer that named the delay has just ended


class ObeyCrawlDelay:
    """Learns each host's Crawl-delay from its robots.txt as it passes and holds the host's
    download slot to it: one request at a time, at least the delay from the end of one to the
    start of the next, never below DOWNLOAD_DELAY, capped by CLINICWATCH_MAX_CRAWL_DELAY (so a
    robots.txt asking for an hour between pages cannot stall a night). AutoThrottle is told to
    leave such a slot's delay alone; hosts without a Crawl-delay keep AutoThrottle's."""

    def __init__(self, crawler, user_agent: str, max_delay: float, min_delay: float = 0.0):
        self.crawler = crawler
        self.user_agent = user_agent
        self.max_delay = max_delay
        self.min_delay = min_delay
        self.delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, settings.get("USER_AGENT") or "*", settings.getfloat("CLINICWATCH_MAX_CRAWL_DELAY"),
                   settings.getfloat("DOWNLOAD_DELAY"))

    def process_response(self, request, response):
        if urlsplit(request.url).path == "/robots.txt" and response.status == 200:
            try:
                delay = Protego.parse(response.body.decode("utf-8", "replace")).crawl_delay(self.user_agent)
            except Exception:  # a broken robots.txt has no usable delay; RobotsTxtMiddleware reports it
                delay = None
            if delay:
                host = urlsplit(request.url).hostname or ""
                self.delays[host] = max(min(float(delay), self.max_delay), self.min_delay)
                slot = self.crawler.engine.downloader.slots.get(self.slot_key(request))
                if slot is not None:
                    hold(slot, self.delays[host])
        return response

    def slot_key(self, request) -> str:
        return self.crawler.engine.downloader.get_slot_key(request)

    def process_request(self, request):
        delay = self.delays.get(urlsplit(request.url).hostname or "")
        if delay:
            # AutoThrottle would lower the slot's delay again; this request must not.
            request.meta["autothrottle_dont_adjust_delay"] = True
            slots = self.crawler.engine.downloader.slots
            key = self.slot_key(request)
            if key not in slots:  # a slot Scrapy dropped after a minute idle: made again, held
                slots[key] = Slot(1, delay, 0.0)
            hold(slots[key], delay)
        return None
