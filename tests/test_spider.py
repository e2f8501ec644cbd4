"""The spider's requests survive JOBDIR (pause and resume): callbacks are spider methods and
meta holds plain data, so every request serializes."""

import asyncio

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler

from crawler.sources import Source
from crawler.spiders.clinic_blogs import ClinicBlogsSpider

SITE = Source("Harbor", "https://harbor.example/blog/")
KNOWN = [{"site": "Harbor", "url": "https://harbor.example/blog/old-post/",
          "fetched_url": "https://harbor.example/blog/old-post/?utm_source=x", "etag": '"abc"',
          "last_modified": "Mon, 03 Mar 2025 10:00:00 GMT", "last_seen_at": "2025-06-01T02:00:00Z"}]


@pytest.fixture
def spider(tmp_path):
    crawler = get_crawler(ClinicBlogsSpider, {"CLINICWATCH_DB": str(tmp_path / "none.db"),
                                              "CLINICWATCH_MAX_PAGES_PER_SITE": 100,
                                              "CLINICWATCH_MAX_LISTING_PAGES": 5})
    return ClinicBlogsSpider.from_crawler(crawler, sources=[SITE], known=KNOWN)


async def collect(agen):
    return [item async for item in agen]


def response(spider, request, body, cls=HtmlResponse):
    return cls(request.url, body=body.encode(), encoding="utf-8", request=request)


def roundtrip(spider, request):
    again = request_from_dict(request.to_dict(spider=spider), spider=spider)
    assert again.callback == request.callback and again.meta == request.meta and again.url == request.url
    return again


def test_every_request_serializes_and_known_posts_are_conditional(spider):
    starts = asyncio.run(collect(spider.start()))
    assert {r.url for r in starts} == {"https://harbor.example/blog/", "https://harbor.example/robots.txt"}
    listing = next(r for r in starts if r.url.endswith("/blog/"))
    html = """<html><body><article><h2><a href="/blog/old-post/">Old</a></h2></article>
              <article><h2><a href="/blog/new-post/?utm_medium=email">New</a></h2></article>
              <article><h2><a href="/blog/third/">Third</a></h2></article>
              <a href="/blog/page/2/">Older posts</a></body></html>"""
    followed = list(spider.parse_listing(response(spider, listing, html)))
    for request in starts + followed:
        roundtrip(spider, request)
    by_url = {r.url: r for r in followed}
    old = by_url["https://harbor.example/blog/old-post/"]
    assert old.headers["If-None-Match"] == b'"abc"' and 304 in old.meta["handle_httpstatus_list"]
    assert "https://harbor.example/blog/new-post/" in by_url  # tracking parameter dropped
    assert "If-None-Match" not in by_url["https://harbor.example/blog/new-post/"].headers
    assert by_url["https://harbor.example/blog/page/2/"].meta["listing_depth"] == 1


def test_sitemap_lastmod_older_than_our_last_visit_skips_the_fetch(spider):
    request = Request("https://harbor.example/post-sitemap.xml", meta={"site": "Harbor", "purpose": "sitemap"})
    body = """<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://harbor.example/blog/old-post/</loc><lastmod>2025-04-01</lastmod></url>
      <url><loc>https://harbor.example/blog/changed-post/</loc><lastmod>2025-07-01</lastmod></url></urlset>"""
    out = list(spider.parse_sitemap(response(spider, request, body, TextResponse)))
    unchanged = [o for o in out if not isinstance(o, Request)]
    fetched = [o.url for o in out if isinstance(o, Request)]
    assert [u.url for u in unchanged] == ["https://harbor.example/blog/old-post/"]
    assert fetched == ["https://harbor.example/blog/changed-post/"]
    assert fetched and all(o.meta["discovered_via"] == "post-sitemap" for o in out if isinstance(o, Request))


def test_the_page_cap_bounds_requests_per_site(spider):
    spider.max_pages_per_site = 3
    made = [spider.follow(SITE, f"https://harbor.example/blog/p{i}/", spider.parse_page, "page") for i in range(10)]
    assert sum(r is not None for r in made) == 3 and spider.unfollowed["Harbor"] == 7


def test_off_site_and_trap_urls_are_not_followed(spider):
    assert spider.follow(SITE, "https://elsewhere.example/blog/x/", spider.parse_page, "page") is None
    assert spider.follow(SITE, "https://harbor.example/events/?month=2031-01", spider.parse_page, "page") is None


def test_the_spider_reads_sitemaps_from_the_robots_txt_robotstxtmiddleware_fetched(tmp_path):
    """robots.txt once per site: with ROBOTSTXT_OBEY the spider asks for no robots.txt of its own and
    takes the Sitemap: lines from the answer Scrapy's RobotsTxtMiddleware got (signal response_received)."""
    from types import SimpleNamespace

    from scrapy import signals
    from scrapy.http.request import NO_CALLBACK

    crawler = get_crawler(ClinicBlogsSpider, {"CLINICWATCH_DB": str(tmp_path / "none.db"), "ROBOTSTXT_OBEY": True})
    spider = ClinicBlogsSpider.from_crawler(crawler, sources=[SITE], known=[])
    scheduled = []
    crawler.engine = SimpleNamespace(crawl=scheduled.append)  # all the spider asks of the engine here
    spider.crawler = crawler
    starts = asyncio.run(collect(spider.start()))
    assert [r.url for r in starts] == ["https://harbor.example/blog/"]
    rules = Request("https://harbor.example/robots.txt", meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
    body = b"User-agent: *\nDisallow: /private/\nSitemap: https://harbor.example/post-sitemap.xml\n"
    answer = TextResponse(rules.url, body=body, encoding="utf-8", request=rules)
    crawler.signals.send_catch_log(signals.response_received, response=answer, request=rules, spider=spider)
    assert [(r.url, r.meta["purpose"]) for r in scheduled] == [("https://harbor.example/post-sitemap.xml", "sitemap")]
    # A page's answer, or the robots.txt of another host, schedules nothing.
    page = Request("https://harbor.example/blog/x/")
    crawler.signals.send_catch_log(signals.response_received, response=TextResponse(page.url, body=b"", request=page),
                                   request=page, spider=spider)
    other = rules.replace(url="https://other.example/robots.txt")
    crawler.signals.send_catch_log(signals.response_received, request=other, spider=spider,
                                   response=TextResponse(other.url, body=body, encoding="utf-8", request=other))
    assert len(scheduled) == 1
