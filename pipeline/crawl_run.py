"""The crawl's record: opens the database, keeps the `crawl_runs` row, knows the sites.

A database that cannot be written (disk full, read-only file, I/O error) stops the crawl at the
first failed write: every later page would fail the same way. The error is left in the crawl's
stats (clinicwatch/database_error) for `clinicwatch crawl`, which exits 3 with it."""

from __future__ import annotations

import logging
from functools import cached_property
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from db import DatabaseError, open_db, store

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
        self.database_error: str | None = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def write(self, write, *args):
        """write(self.db, *args), a db.store write. Its DatabaseError stops the crawl, and every
        write after it raises the same error without touching the database."""
        if self.database_error:
            raise DatabaseError(self.database_error)
        try:
            return write(self.db, *args)
        except DatabaseError as exc:
            self.stop_for_database(exc)
            raise

    def stop_for_database(self, exc: DatabaseError) -> None:
        self.database_error = str(exc)
        self.crawler.stats.set_value("clinicwatch/database_error", self.database_error)
        logger.error("stopping the crawl: %s", exc)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="database_error"))

    def spider_opened(self, spider):
        self.db = open_db(self.db_path)
        self.run_id = self.write(store.start_run)
        self.site_ids = {s.name: self.write(store.upsert_site, s.name, s.url, s.location) for s in spider.sources}
        # Requests Scrapy makes itself (robots.txt) carry no site: tell it by host.
        self.site_by_host = {urlsplit(s.url).netloc.lower(): s.name for s in spider.sources}
        logger.info("crawl run %s started: %d site(s), database %s", self.run_id, len(self.site_ids), self.db_path)

    def record_fetch(self, request, status: int | None, error: str | None, size: int | None) -> None:
        purpose = request.meta.get("purpose") or ("robots" if request.url.endswith("/robots.txt") else "page")
        self.write(store.record_fetch, self.run_id, request.url, status, error, self.site_id_of(request), size,
                   purpose)

    def site_id_of(self, request) -> int | None:
        site = request.meta.get("site") or self.site_by_host.get(urlsplit(request.url).netloc.lower())
        return self.site_ids.get(site)

    def note_fetch_error(self, url: str, error: str) -> None:
        """Attach an error found after download (e.g. no text in a post page) to the URL's fetch in this run."""
        self.write(store.note_fetch_error, self.run_id, url, error)

    def remember_lasting_failure(self, request, error: str) -> None:
        """A failure that will not go away by itself (too large, a compression bomb, binary served as
        HTML, XML declaring entities, a redirect loop): kept in failing_urls under the URL the crawl
        asked for (a redirect chain's first), so the next runs skip it for a while
        (crawler.downloadermiddlewares.knownfailures). Marked on the request, which is then no good answer."""
        request.meta["lasting_failure"] = error
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        self.write(store.remember_failure, self.run_id, url, self.site_id_of(request), error,
                   request.meta.get("lastmod"))

    def spider_closed(self, spider, reason):
        if not self.database_error:
            try:
                self.finish_run(reason)
            except DatabaseError as exc:
                self.database_error = str(exc)
                self.crawler.stats.set_value("clinicwatch/database_error", self.database_error)
        if self.database_error:
            self.close_after_database_error()
        self.db.close()

    def finish_run(self, reason: str) -> None:
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

    def close_after_database_error(self) -> None:
        """Mark the run failed if the database takes that write; if not, the next run marks it
        (its process is gone: db.store.start_run)."""
        if self.run_id is None:
            return
        try:
            store.finish_run(self.db, self.run_id, "failed", note=f"database error: {self.database_error}")
        except DatabaseError:
            logger.warning("crawl run %s stays 'running' until the next run marks it failed", self.run_id)


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
        return crawl_run_of(self.crawler)


class NotRecorded:
    """The record of a spider that stores nothing (`clinicwatch sources check`, which turns the
    CrawlRun extension off): the downloader middlewares stay in place, their notes go nowhere."""

    def record_fetch(self, request, status, error, size) -> None:
        return None

    def note_fetch_error(self, url: str, error: str) -> None:
        return None

    def remember_lasting_failure(self, request, error: str) -> None:
        return None


def crawl_run_of(crawler) -> CrawlRun | NotRecorded:
    """The crawl's CrawlRun extension, or NotRecorded when it is turned off."""
    return crawler.get_extension(CrawlRun) or NotRecorded()
