"""crawler.spidermiddlewares.sitemapdepth.LimitSitemapDepth: a sitemap found in another is one level
deeper; past CLINICWATCH_MAX_SITEMAP_DEPTH it is not fetched, and a fetches row without a status
says so."""

import asyncio
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from crawler.sources import Source
from crawler.spidermiddlewares.sitemapdepth import LimitSitemapDepth
from pipeline.crawl_run import CrawlRun

SITE = Source("Harbor Clinic", "https://harbor.example/blog/")
BASE = "https://harbor.example"


@pytest.fixture
def make_crawler(tmp_path):
    """Crawlers with the real CrawlRun extension, each run opened over a SQLite file in tmp_path."""
    runs = []

    def make(max_depth: int = 3):
        crawler = get_crawler(settings_dict={"CLINICWATCH_MAX_SITEMAP_DEPTH": max_depth,
                                             "CLINICWATCH_DB": str(tmp_path / f"clinicwatch-{len(runs)}.db"),
                                             "EXTENSIONS": {"pipeline.crawl_run.CrawlRun": 100}})
        runs.append(crawler.get_extension(CrawlRun))
        runs[-1].spider_opened(SimpleNamespace(sources=[SITE]))  # all CrawlRun reads of the spider: its sources
        return crawler

    yield make
    for run in runs:
        run.db.close()


@pytest.fixture
def crawler(make_crawler):
    return make_crawler()


def read(path: str, purpose: str = "sitemap", **meta) -> TextResponse:
    """A sitemap (or other document) as the spider reads it."""
    request = Request(BASE + path, meta={"site": SITE.name, "purpose": purpose, **meta})
    return TextResponse(request.url, body=b"<sitemapindex/>", request=request)


def child(path: str) -> Request:
    return Request(BASE + path, meta={"site": SITE.name, "purpose": "sitemap"})


def fetches(crawler) -> list[dict]:
    return list(crawler.get_extension(CrawlRun).db.query("SELECT url, purpose, status, error FROM fetches"))


def test_a_sitemap_found_in_a_sitemap_is_one_level_deeper(crawler):
    mw = LimitSitemapDepth.from_crawler(crawler)
    [level2] = mw.process_spider_output(read("/sitemap_index.xml"), [child("/sub-index.xml")])  # level 1: no depth yet
    assert level2.meta["sitemap_depth"] == 2
    [level3] = mw.process_spider_output(read("/sub-index.xml", sitemap_depth=2), [child("/post-sitemap.xml")])
    assert level3.meta["sitemap_depth"] == 3
    assert fetches(crawler) == []


def test_past_the_limit_a_sitemap_is_not_fetched_and_a_row_says_so(crawler):
    mw = LimitSitemapDepth.from_crawler(crawler)
    page = Request(BASE + "/blog/post/", meta={"site": SITE.name, "purpose": "page"})
    kept = list(mw.process_spider_output(read("/deep-index.xml", sitemap_depth=3), [child("/deeper.xml"), page]))
    assert kept == [page]  # the pages of a sitemap at the limit are followed
    assert fetches(crawler) == [{"url": BASE + "/deeper.xml", "purpose": "sitemap", "status": None, "error": (
        "not fetched: sitemaps nested 4 deep; CLINICWATCH_MAX_SITEMAP_DEPTH is 3")}]


def test_a_guessed_sitemap_path_counts_as_a_sitemap(crawler):
    """A probe (a guessed /sitemap.xml) that turns out to be an index is level 1 like a named one."""
    [level2] = LimitSitemapDepth.from_crawler(crawler).process_spider_output(read("/sitemap.xml", "probe"),
                                                                              [child("/post-sitemap.xml")])
    assert level2.meta["sitemap_depth"] == 2


@pytest.mark.parametrize("purpose", ["robots", "listing", "page"])
def test_sitemaps_named_elsewhere_are_level_one(crawler, purpose):
    """robots.txt's Sitemap: lines (and any other document's) start a chain: no depth is set."""
    sitemap = child("/sitemap_index.xml")
    [kept] = LimitSitemapDepth.from_crawler(crawler).process_spider_output(read("/robots.txt", purpose), [sitemap])
    assert kept is sitemap and "sitemap_depth" not in kept.meta


def test_the_limit_is_the_setting(make_crawler):
    crawler = make_crawler(max_depth=1)
    assert list(LimitSitemapDepth.from_crawler(crawler).process_spider_output(
        read("/sitemap_index.xml"), [child("/post-sitemap.xml")])) == []
    assert [row["error"] for row in fetches(crawler)] == [
        "not fetched: sitemaps nested 2 deep; CLINICWATCH_MAX_SITEMAP_DEPTH is 1"]


def test_the_async_output_is_limited_the_same_way(crawler):
    mw = LimitSitemapDepth.from_crawler(crawler)
    page = Request(BASE + "/blog/post/", meta={"site": SITE.name, "purpose": "page"})

    async def output(*requests):
        for request in requests:
            yield request

    async def collect(response, *requests):
        return [r async for r in mw.process_spider_output_async(response, output(*requests))]

    [level2] = asyncio.run(collect(read("/sitemap_index.xml"), child("/sub-index.xml")))
    assert level2.meta["sitemap_depth"] == 2
    assert asyncio.run(collect(read("/deep.xml", sitemap_depth=3), child("/deeper.xml"), page)) == [page]
    assert [row["url"] for row in fetches(crawler)] == [BASE + "/deeper.xml"]
