"""`clinicwatch sources check`: does each site of the sources file answer, and what does it
offer for discovery (listing, sitemap, feed, robots.txt)? Fetches a handful of URLs per
site and stores nothing."""

from __future__ import annotations

from urllib.parse import urljoin

import scrapy
from protego import Protego

from crawler.discovery import (
    COMMON_FEED_PATHS,
    COMMON_SITEMAP_PATHS,
    page_links,
    page_tree,
    parse_feed,
    parse_sitemap,
)
from crawler.downloadermiddlewares.recordfetches import describe_failure
from pipeline.urls import never_a_post


class SourcesCheckSpider(scrapy.Spider):
    name = "sources_check"
    # It stores nothing: no item pipelines, no crawl run (the middlewares' notes go nowhere,
    # pipeline.crawl_run.NotRecorded). DOWNLOADER_MIDDLEWARES is left alone: a spider's own dict
    # replaces the project's, which once dropped the private-host, stay-on-site, size and robots.txt
    # protections from this command (issue 12, item 1; tests/test_sources_check.py).
    custom_settings = {
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {"pipeline.crawl_run.CrawlRun": None},
    }

    def __init__(self, sources=(), **kwargs):
        super().__init__(**kwargs)
        self.sources = list(sources)
        self.by_name = {s.name: s for s in self.sources}  # StayOnSite keeps each site's requests on it
        self.report = {s.name: {"site": s.name, "url": s.url, "listing": None, "post_links": 0, "robots": None,
                                "crawl_delay": None, "sitemap": None, "sitemap_entries": 0, "feed": None,
                                "feed_items": 0, "error": None} for s in self.sources}

    async def start(self):
        for site in self.sources:
            meta = {"site": site.name, "handle_httpstatus_all": True}
            yield scrapy.Request(site.url, callback=self.parse_listing, errback=self.failed, meta=meta)
            yield scrapy.Request(urljoin(site.url, "/robots.txt"), callback=self.parse_robots, errback=self.failed,
                                 meta=meta, dont_filter=True)

    def failed(self, failure):
        entry = self.report[failure.request.meta["site"]]
        if failure.request.url == entry["url"]:
            entry["error"] = describe_failure(failure.value)

    def parse_listing(self, response):
        entry = self.report[response.meta["site"]]
        entry["listing"] = response.status
        site = next(s for s in self.sources if s.name == entry["site"])
        links = page_links(page_tree(response.text) if hasattr(response, "text") else None, response.url)
        entry["post_links"] = sum(not never_a_post(url, site.url) for url in links.links)
        feeds = list(site.feeds) or list(links.feeds) or [urljoin(site.url, p) for p in COMMON_FEED_PATHS]
        yield from self.try_in_turn(feeds, self.parse_feed, site.name)

    def parse_robots(self, response):
        entry = self.report[response.meta["site"]]
        entry["robots"] = response.status
        site = next(s for s in self.sources if s.name == entry["site"])
        sitemaps = list(site.sitemaps)
        if response.status == 200:
            robots = Protego.parse(response.body.decode("utf-8", "replace"))
            entry["crawl_delay"] = robots.crawl_delay(self.settings.get("USER_AGENT") or "*")
            sitemaps = sitemaps or list(robots.sitemaps)
        sitemaps = sitemaps or [urljoin(site.url, p) for p in COMMON_SITEMAP_PATHS]
        yield from self.try_in_turn(sitemaps, self.parse_sitemap, site.name)

    def try_in_turn(self, urls: list[str], callback, site: str):
        """Ask for the first URL; its callback asks for the next only if this one was not usable."""
        if urls:
            yield scrapy.Request(urls[0], callback=callback, errback=self.next_candidate, dont_filter=True,
                                 meta={"site": site, "candidates": urls[1:], "handle_httpstatus_all": True})

    def next_candidate(self, failure):
        request = failure.request
        yield from self.try_in_turn(request.meta["candidates"], request.callback, request.meta["site"])

    def parse_sitemap(self, response):
        content = parse_sitemap(response.body) if response.status == 200 else None
        if content is None:
            yield from self.try_in_turn(response.meta["candidates"], self.parse_sitemap, response.meta["site"])
            return
        entry = self.report[response.meta["site"]]
        entry["sitemap"], entry["sitemap_entries"] = response.url, len(content.entries)

    def parse_feed(self, response):
        links = parse_feed(response.body, response.url) if response.status == 200 else None
        if links is None:
            yield from self.try_in_turn(response.meta["candidates"], self.parse_feed, response.meta["site"])
            return
        entry = self.report[response.meta["site"]]
        entry["feed"], entry["feed_items"] = response.url, len(links)
