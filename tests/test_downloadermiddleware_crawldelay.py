from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.http import TextResponse

from crawler.politeness import ObeyCrawlDelay
from crawler.urls import looks_like_trap


def middleware(slots, max_delay=30.0):
    crawler = SimpleNamespace(engine=SimpleNamespace(downloader=SimpleNamespace(slots=slots)))
    return ObeyCrawlDelay(crawler, "clinicwatch/0.1", max_delay)


def robots(body):
    url = "https://c.example/robots.txt"
    return Request(url), TextResponse(url, body=body.encode(), encoding="utf-8")


def test_crawl_delay_holds_the_hosts_slot():
    slot = SimpleNamespace(delay=0.5)
    mw = middleware({"c.example": slot})
    mw.process_response(*robots("User-agent: *\nCrawl-delay: 4\nDisallow: /private/\n"))
    request = Request("https://c.example/blog/post/")
    mw.process_request(request)
    assert slot.delay == 4 and request.meta["autothrottle_dont_adjust_delay"] is True
    other = Request("https://other.example/blog/")
    mw.process_request(other)
    assert "autothrottle_dont_adjust_delay" not in other.meta


def test_crawl_delay_is_capped():
    slot = SimpleNamespace(delay=0.0)
    mw = middleware({"c.example": slot}, max_delay=10)
    mw.process_response(*robots("User-agent: *\nCrawl-delay: 3600\n"))
    mw.process_request(Request("https://c.example/x"))
    assert slot.delay == 10


def test_no_crawl_delay_changes_nothing():
    slot = SimpleNamespace(delay=0.5)
    mw = middleware({"c.example": slot})
    mw.process_response(*robots("User-agent: *\nDisallow:\n"))
    request = Request("https://c.example/x")
    mw.process_request(request)
    assert slot.delay == 0.5 and "autothrottle_dont_adjust_delay" not in request.meta


@pytest.mark.parametrize("url, trap", [
    ("https://c.example/events/calendar/?month=2031-05", True),
    ("https://c.example/events/?date=2030-01-01", True),
    ("https://c.example/a/b/a/b/a/b/", True),
    ("https://c.example/1/2/3/4/5/6/7/8/9/", True),
    ("https://c.example/shop/?color=red&size=m&sort=asc&view=grid&page=2", True),
    ("https://c.example/blog/2024/05/01/ketamine-and-bdnf/", False),
    ("https://c.example/blog/?page=3", False),
])
def test_traps(url, trap):
    assert looks_like_trap(url) is trap
