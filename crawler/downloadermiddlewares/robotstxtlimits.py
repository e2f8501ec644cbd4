"""robots.txt as RFC 9309 reads it: a 5xx answer disallows the site, and only the first
CLINICWATCH_MAX_ROBOTS_BYTES are parsed as rules."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.http.request import NO_CALLBACK

from pipeline.crawl_run import UsesCrawlRun

logger = logging.getLogger(__name__)

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
