"""One spider for every clinic blog of the sources file.

It discovers and fetches; it yields a PostPage for each page it judges to be a post and
leaves everything else (text, relevance, duplicates, storage) to the item pipelines.
Callbacks are methods, never lambdas, so JOBDIR pause and resume work.

Re-crawls are incremental: listings, feeds and sitemaps are always re-read; a known post
whose sitemap lastmod is older than our last visit is not fetched at all; every other
known post goes out as a conditional GET (ETag, Last-Modified). Known posts that no
listing, feed or sitemap names any more are asked for once the rest is done, so a
deleted post is seen as gone (404, 410) rather than silently forgotten.

robots.txt is fetched once per site and run: Scrapy's RobotsTxtMiddleware fetches it for its
rules, and the spider reads the Sitemap: lines of that same answer (signal response_received).
Only when robots.txt is not obeyed (ROBOTSTXT_OBEY off) does the spider ask for it itself.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import TextResponse

from crawler.discovery import (
    COMMON_FEED_PATHS,
    COMMON_SITEMAP_PATHS,
    lists_posts,
    names_posts,
    page_links,
    page_tree,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)
from crawler.downloadermiddlewares.robotstxtlimits import is_robots_rules_request
from crawler.pages import PageKind, classify_page, is_script_shell
from crawler.sources import Source, load_sources
from db import open_db
from db.queries import known_posts
from pipeline.items import GonePost, PostPage, UnchangedPost
from pipeline.urls import (
    is_query_variant,
    looks_like_trap,
    never_a_post,
    normalize_url,
    same_site,
    strip_tracking,
)


class ClinicBlogsSpider(scrapy.Spider):
    name = "clinic_blogs"

    def __init__(self, sources: list[Source] | None = None, known: list[dict] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.sources = sources
        self.known = known
        self.requested: Counter[str] = Counter()
        self.seen: set[str] = set()
        self.unfollowed: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if spider.sources is None:
            spider.sources = load_sources(settings.get("CLINICWATCH_SOURCES"), settings.getlist("CLINICWATCH_SITES"))
        if spider.known is None:
            db_path = settings.get("CLINICWATCH_DB")
            spider.known = known_posts(open_db(db_path)) if db_path and Path(db_path).exists() else []
        spider.max_pages_per_site = settings.getint("CLINICWATCH_MAX_PAGES_PER_SITE")
        spider.max_listing_pages = settings.getint("CLINICWATCH_MAX_LISTING_PAGES")
        spider.by_name = {s.name: s for s in spider.sources}
        names = set(spider.by_name)
        spider.known_by_url = {}
        for row in spider.known:
            if row["site"] in names:
                spider.known_by_url[normalize_url(row["url"])] = row
                spider.known_by_url[normalize_url(row["fetched_url"])] = row
        crawler.signals.connect(spider.request_unvisited_known_posts, signal=signals.spider_idle)
        spider.reads_robots_of_middleware = settings.getbool("ROBOTSTXT_OBEY")
        if spider.reads_robots_of_middleware:
            crawler.signals.connect(spider.robots_txt_received, signal=signals.response_received)
        return spider

    # -- requests ---------------------------------------------------------------------

    def follow(self, site: Source, url: str, callback, purpose: str, **meta) -> scrapy.Request | None:
        """A request within the site's page cap, once per URL (tracking parameters and AMP variants
        folded); a known post goes out as a conditional GET."""
        if not same_site(url, site.url) or looks_like_trap(url):
            return None
        key = normalize_url(url)
        if key in self.seen:
            return None
        if self.max_pages_per_site and self.requested[site.name] >= self.max_pages_per_site:
            self.unfollowed[site.name] += 1
            return None
        self.seen.add(key)
        self.requested[site.name] += 1
        headers = {}
        known = self.known_by_url.get(key)
        if known and callback == self.parse_page:
            self.seen.add(normalize_url(known["url"]))
            if known["etag"]:
                headers["If-None-Match"] = known["etag"]
            if known["last_modified"]:
                headers["If-Modified-Since"] = known["last_modified"]
            meta["handle_httpstatus_list"] = [304, 404, 410]
            purpose = "recheck"
        return scrapy.Request(url, callback=callback, errback=self.fetch_failed, headers=headers,
                              meta={"site": site.name, "purpose": purpose, **meta})

    async def start(self):
        for site in self.sources:
            for request in self.site_start_requests(site):
                yield request

    def site_start_requests(self, site: Source) -> list[scrapy.Request]:
        """A site's first requests: its listing, sitemaps and feeds (robots.txt: see the module docstring)."""
        requests = (
            self.follow(site, site.url, self.parse_listing, "listing", listing_depth=0),
            None if self.reads_robots_of_middleware else self.follow(
                site, urljoin(site.url, "/robots.txt"), self.parse_robots, "robots", handle_httpstatus_all=True),
            *(self.follow(site, url, self.parse_sitemap, "sitemap") for url in site.sitemaps),
            *(self.follow(site, url, self.parse_feed, "feed") for url in site.feeds),
        )
        return [request for request in requests if request]

    def request_unvisited_known_posts(self):
        """spider_idle: ask for the known posts nothing named this run (once each)."""
        engine = self.crawler.engine
        scheduled = 0
        for key, row in list(self.known_by_url.items()):
            if key in self.seen:
                continue
            request = self.follow(self.by_name[row["site"]], row["fetched_url"], self.parse_page, "page")
            self.seen.add(key)
            if request:
                engine.crawl(request)
                scheduled += 1
        if scheduled:
            raise DontCloseSpider

    def unchanged_since_last_visit(self, url: str, lastmod: str | None) -> dict | None:
        """The known post at url when the sitemap says it has not changed since our last visit.
        Compared by day: sitemaps often give dates only, and a same-day edit must still be fetched."""
        known = self.known_by_url.get(normalize_url(url))
        if known and lastmod and known["last_seen_at"] and lastmod[:10] < known["last_seen_at"][:10]:
            return known
        return None

    # -- callbacks --------------------------------------------------------------------

    def site_of(self, response) -> Source:
        return self.by_name[response.meta["site"]]

    def robots_txt_received(self, response, request, spider=None):
        """response_received: the robots.txt answer RobotsTxtMiddleware fetched for its rules (after
        crawler.downloadermiddlewares.robotstxtlimits: a 5xx is the rule `Disallow: /`) read for the
        Sitemap: lines of every site on its host."""
        if not is_robots_rules_request(request):
            return
        host = urlsplit((request.meta.get("redirect_urls") or [request.url])[0]).netloc.lower()
        for site in self.sources:
            if urlsplit(site.url).netloc.lower() == host:
                for sitemap_request in self.sitemaps_of(site, response):
                    self.crawler.engine.crawl(sitemap_request)

    def parse_robots(self, response):
        """robots.txt fetched by the spider itself, when RobotsTxtMiddleware does not (ROBOTSTXT_OBEY off)."""
        yield from self.sitemaps_of(self.site_of(response), response)

    def sitemaps_of(self, site: Source, response):
        """Requests for the sitemaps robots.txt names, or for the usual sitemap paths when it names
        none (a 5xx robots.txt disallows the whole site: nothing to ask for)."""
        if site.sitemaps or response.status >= 500:
            return
        found = sitemaps_from_robots(response.body, response.url) if response.status == 200 else []
        paths = found or [urljoin(site.url, path) for path in COMMON_SITEMAP_PATHS]
        purpose = "sitemap" if found else "probe"
        for url in paths:
            request = self.follow(site, url, self.parse_sitemap, purpose)
            if request:
                yield request

    def parse_sitemap(self, response):
        site = self.site_of(response)
        content = parse_sitemap(response.body)
        if content is None:
            if response.meta["purpose"] != "probe":
                self.logger.warning("%s: not a sitemap (site %s); check its sitemaps entry", response.url, site.name)
            return
        via = "post-sitemap" if names_posts(response.url) else None
        for entry in content.entries:
            if content.is_index:
                if lists_posts(entry.url):
                    request = self.follow(site, entry.url, self.parse_sitemap, "sitemap")
                    if request:
                        yield request
                continue
            if never_a_post(entry.url, site.url):
                continue
            known = self.unchanged_since_last_visit(entry.url, entry.lastmod)
            if known:
                self.seen.update({normalize_url(entry.url), normalize_url(known["url"]),
                                  normalize_url(known["fetched_url"])})
                self.skipped[site.name] += 1
                yield UnchangedPost(site=site.name, url=known["url"])
                continue
            request = self.follow(site, strip_tracking(entry.url), self.parse_page, "page", lastmod=entry.lastmod,
                                  discovered_via=via)
            if request:
                yield request

    def parse_feed(self, response):
        site = self.site_of(response)
        links = parse_feed(response.body, response.url)
        if links is None:
            if response.meta["purpose"] != "probe":
                self.logger.warning("%s: not an RSS or Atom feed (site %s); check its feeds entry", response.url,
                                    site.name)
            return
        for url in links:
            request = self.follow(site, strip_tracking(url), self.parse_page, "page", discovered_via="feed")
            if request:
                yield request

    def parse_listing(self, response):
        yield from self.follow_listing(response, page_tree(response.text) if isinstance(response, TextResponse) else None)

    def follow_listing(self, response, tree):
        site = self.site_of(response)
        links = page_links(tree, response.url)
        depth = response.meta.get("listing_depth", 0)
        if not site.feeds and depth == 0:
            if links.feeds:
                candidates = [(url, "feed") for url in links.feeds]
            else:
                candidates = [(urljoin(site.url, path), "probe") for path in COMMON_FEED_PATHS]
            for url, purpose in candidates:
                request = self.follow(site, url, self.parse_feed, purpose)
                if request:
                    yield request
        if depth < self.max_listing_pages:
            for url in links.next_pages:
                request = self.follow(site, url, self.parse_listing, "listing", listing_depth=depth + 1)
                if request:
                    yield request
        for url in links.links:
            # The same path with another query is a filtered or sorted view of this page (pagination
            # aside, which is in next_pages): following those is how faceted listings trap crawlers.
            if never_a_post(url, site.url) or is_query_variant(url, response.url):
                continue
            # A linked page may itself be a listing (a tag page, a filter view): it is one level deeper.
            request = self.follow(site, url, self.parse_page, "page", listing_depth=depth + 1)
            if request:
                yield request

    def parse_page(self, response):
        site = self.site_of(response)
        if response.status == 304:
            yield UnchangedPost(site=site.name, url=response.url)
            return
        if response.status in (404, 410):
            yield GonePost(site=site.name, url=response.url, status=response.status)
            return
        if not isinstance(response, TextResponse):
            self.logger.info("%s: not a text page (%s), skipped", response.url, response.headers.get("Content-Type"))
            return
        tree = page_tree(response.text)
        kind = classify_page(tree, response.url, site.url, response.meta.get("discovered_via"))
        if kind is PageKind.POST:
            yield PostPage(
                site=site.name,
                url=response.url,
                body=response.body,
                content_type=(response.headers.get("Content-Type") or b"").decode("latin-1") or None,
                etag=(response.headers.get("ETag") or b"").decode("latin-1") or None,
                last_modified=(response.headers.get("Last-Modified") or b"").decode("latin-1") or None,
                sitemap_lastmod=response.meta.get("lastmod"),
                script_shell=is_script_shell(tree),
            )
        elif kind is PageKind.LISTING and response.meta.get("listing_depth", 0) <= self.max_listing_pages:
            yield from self.follow_listing(response, tree)

    def fetch_failed(self, failure):
        # The fetch is already a row of `fetches` (crawler.downloadermiddlewares.recordfetches.RecordFetches); nothing else to do.
        self.logger.debug("fetch failed: %s", failure.getErrorMessage())

    def closed(self, reason):
        for site, count in self.unfollowed.items():
            self.logger.warning("site %s: page cap of %d reached, %d more URL(s) not fetched", site,
                                self.max_pages_per_site, count)
        for site, count in self.skipped.items():
            self.logger.info("site %s: %d known post(s) unchanged per sitemap lastmod, not fetched", site, count)
