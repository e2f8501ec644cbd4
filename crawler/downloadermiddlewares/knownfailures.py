"""URLs that failed in a way that does not go away by itself are not downloaded again every night:
skipped, with a `fetches` row saying so, until a wait that doubles with each failure has passed."""

from __future__ import annotations

from functools import cached_property

from scrapy.exceptions import IgnoreRequest, NotConfigured

from db import store
from db.queries import failing_urls
from pipeline.crawl_run import CrawlRun, UsesCrawlRun

from .robotstxtlimits import is_robots_rules_request

# Answers that say the URL is fine now (a 304 is the page unchanged since it last answered well).
GOOD_STATUSES = {200, 304}


class KnownFailure(IgnoreRequest):
    """A URL skipped because it failed lastingly before and its wait has not passed."""


class SkipKnownFailures(UsesCrawlRun):
    """Reads the table failing_urls (written through CrawlRun.remember_lasting_failure by the
    components that find such failures: RecordFetches for a response over its size limit,
    HttpCompressionMiddleware for a compression bomb, InspectBodies for binary "HTML" and XML
    declaring entities, the redirect middlewares for loops) when the crawl starts. A URL of it is
    not requested before its skip_until: its fetch row says "skipped until DATE after N failures:
    REASON". Once the wait has passed it is asked for again: failing again doubles the wait (1, 2, 4
    ... days, at most 30); answering well, or a sitemap lastmod other than the one it failed with,
    forgets it. CLINICWATCH_SKIP_KNOWN_FAILURES=0 turns this off (every URL asked for every time)."""

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("CLINICWATCH_SKIP_KNOWN_FAILURES"):
            raise NotConfigured
        if crawler.get_extension(CrawlRun) is None:
            raise NotConfigured  # a spider that records nothing (sources check) has no failures to read
        return cls(crawler)

    @cached_property
    def failing(self) -> dict[str, dict]:
        return {row["url"]: row for row in failing_urls(self.run.db)}

    def forget(self, url: str) -> None:
        if self.failing.pop(url, None) is not None:
            self.run.write(store.forget_failure, url)

    def process_request(self, request):
        known = self.failing.get(request.url)
        # robots.txt is asked for every run all the same: its answer decides what else may be.
        if known is None or request.meta.get("redirect_urls") or is_robots_rules_request(request):
            return None
        lastmod = request.meta.get("lastmod")
        if lastmod and known["lastmod"] and lastmod != known["lastmod"]:
            self.forget(request.url)  # the page changed since it failed: ask again
            return None
        if store.utcnow() >= known["skip_until"]:
            return None
        error = (f"skipped until {known['skip_until'][:10]} after {known['failures']} failure"
                 f"{'s' if known['failures'] != 1 else ''}: {known['reason']}")
        self.run.record_fetch(request, None, error, None)
        raise KnownFailure(error)

    def process_response(self, request, response):
        if response.status in GOOD_STATUSES and "lasting_failure" not in request.meta and self.failing:
            self.forget((request.meta.get("redirect_urls") or [request.url])[0])
        return response
