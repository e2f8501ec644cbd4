"""crawler.downloadermiddlewares.crawldelay.ObeyCrawlDelay: robots.txt Crawl-delay, which Scrapy reads
but does not apply, held on the host's download slot, capped by CLINICWATCH_MAX_CRAWL_DELAY."""

from types import SimpleNamespace

from scrapy import Request
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.crawldelay import ObeyCrawlDelay


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


def test_the_user_agent_and_the_cap_are_the_settings():
    crawler = get_crawler(settings_dict={"USER_AGENT": "clinicwatch/0.1 (research crawler of clinic blogs)",
                                         "CLINICWATCH_MAX_CRAWL_DELAY": 5.0})
    slot = SimpleNamespace(delay=0.5)
    # A stand-in for the engine: all the middleware reads of it is the downloader's slots.
    crawler.engine = SimpleNamespace(downloader=SimpleNamespace(slots={"c.example": slot}))
    mw = ObeyCrawlDelay.from_crawler(crawler)
    mw.process_response(*robots("User-agent: clinicwatch\nCrawl-delay: 3\n\nUser-agent: *\nCrawl-delay: 20\n"))
    mw.process_request(Request("https://c.example/x"))
    assert slot.delay == 3  # our own group, not the one for every robot (which the cap would make 5)
