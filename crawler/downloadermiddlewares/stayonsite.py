"""A site's crawl stays on the site, redirects included."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from pipeline.urls import same_site

logger = logging.getLogger(__name__)


class StayOnSite:
    """Drops a request that left its site: the spider follows only same-site links, but a
    same-site URL may redirect elsewhere, and the redirected request comes back through here
    (before robots.txt, so the other host is not even asked for that)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        site = getattr(self.crawler.spider, "by_name", {}).get(request.meta.get("site"))
        if site is not None and not same_site(request.url, site.url):
            logger.info("not following %s: it left site %s (%s)", request.url, site.name,
                        urlsplit(site.url).netloc)
            raise IgnoreRequest(f"{request.url} is off site {site.name}")
        return None
