"""The crawl's record: opens the database, keeps the `crawl_runs` row, knows the sites."""

from __future__ import annotations

import logging
from functools import cached_property
from urllib.parse import urlsplit

from scrapy import signals

from db import open_db
from db import store

logger = logging.getLogger(__name__)

# Close reasons that mean the crawl went through to its end (a page cap is a planned stop).
FINISHED_REASONS = {"finished", "closespider_pagecount", "closespider_itemcount"}


class CrawlRun:
    """One row of crawl_runs per crawl. Its database handle is the one the fetch recorder
    and the store pipeline write through, so a crawl holds a single SQLite connection."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("CLINICWATCH_DB")
        self.db = None
        self.run_id: int | None = None
        self.site_ids: dict[str, int] = {}
        self.site_by_host: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        self.db = open_db(self.db_path)
        self.run_id = store.start_run(self.db)
        self.site_ids = {s.name: store.upsert_site(self.db, s.name, s.url, s.location) for s in spider.sources}
        # Requests Scrapy makes itself (robots.txt) carry no site: tell it by host.
        self.site_by_host = {urlsplit(s.url).netloc.lower(): s.name for s in spider.sources}
        logger.info("crawl run %s started: %d site(s), database %s", self.run_id, len(self.site_ids), self.db_path)

    def record_fetch(self, request, status: int | None, error: str | None, size: int | None) -> None:
        purpose = request.meta.get("purpose") or ("robots" if request.url.endswith("/robots.txt") else "page")
        store.record_fetch(self.db, self.run_id, request.url, status, error,
                           self.site_id_of(request), size, purpose)

    def site_id_of(self, request) -> int | None:
        site = request.meta.get("site") or self.site_by_host.get(urlsplit(request.url).netloc.lower())
        return self.site_ids.get(site)

    def note_fetch_error(self, url: str, error: str) -> None:
        """Attach an error found after download (e.g. no text in a post page) to the URL's fetch in this run."""
        store.note_fetch_error(self.db, self.run_id, url, error)

    def spider_closed(self, spider, reason):
        counts = store.run_counts(self.db, self.run_id)
        if reason not in FINISHED_REASONS:
            status = "failed"
        elif counts["pages_failed"]:
            status = "partial"
        else:
            status = "ok"
        counts = store.finish_run(self.db, self.run_id, status, note=None if reason == "finished" else reason)
        logger.info("crawl run %s %s: %s", self.run_id, status, counts)
        self.crawler.stats.set_value("clinicwatch/run_id", self.run_id)
        self.crawler.stats.set_value("clinicwatch/status", status)
        self.db.close()


class UsesCrawlRun:
    """Base of the components that write through the crawl's record (the fetch recorder, the
    item pipelines). They are built before the spider opens, so they reach it lazily."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @cached_property
    def run(self) -> CrawlRun:
        return self.crawler.get_extension(CrawlRun)
