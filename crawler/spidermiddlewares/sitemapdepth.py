"""Sitemap indexes nested deeper than CLINICWATCH_MAX_SITEMAP_DEPTH are not followed."""

from __future__ import annotations

from scrapy import Request

from pipeline.crawl_run import UsesCrawlRun


class LimitSitemapDepth(UsesCrawlRun):
    """Sitemap indexes may list indexes: a sitemap found in another is one level deeper (those
    named by robots.txt or the sources file are level 1). Past CLINICWATCH_MAX_SITEMAP_DEPTH the
    request is not made, and a fetches row without a status says so."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.max_depth = crawler.settings.getint("CLINICWATCH_MAX_SITEMAP_DEPTH")

    def process_spider_output(self, response, result):
        for output in result:
            yield from self.within_depth(response, output)

    async def process_spider_output_async(self, response, result):
        async for output in result:
            for kept in self.within_depth(response, output):
                yield kept

    def within_depth(self, response, output):
        if isinstance(output, Request) and output.meta.get("purpose") == "sitemap" and \
                response.meta.get("purpose") in ("sitemap", "probe"):
            depth = response.meta.get("sitemap_depth", 1) + 1
            if depth > self.max_depth:
                self.run.record_fetch(output, None, (
                    f"not fetched: sitemaps nested {depth} deep; CLINICWATCH_MAX_SITEMAP_DEPTH is {self.max_depth}"),
                    None)
                return
            output.meta["sitemap_depth"] = depth
        yield output
