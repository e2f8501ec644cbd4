"""crawler.downloadermiddlewares.stayonsite.StayOnSite: a request that left its site (a redirect to
another host) is dropped before robots.txt or the other host is asked for anything."""

import logging
import re
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.stayonsite import StayOnSite
from crawler.sources import Source

SITE = Source("Harbor Clinic", "https://harbor.example/blog/")


@pytest.fixture
def mw():
    crawler = get_crawler()
    # The middleware reads only the spider's sites by name: a stand-in for ClinicBlogsSpider.by_name.
    crawler.spider = SimpleNamespace(by_name={SITE.name: SITE})
    return StayOnSite.from_crawler(crawler)


def on_site(url: str) -> Request:
    return Request(url, meta={"site": SITE.name, "purpose": "page"})


@pytest.mark.parametrize("url", [
    "https://harbor.example/blog/post/",
    "https://www.harbor.example/about/",  # www. or not is the same site
    "http://harbor.example/blog/",  # so is the other scheme
])
def test_a_request_on_its_site_passes(mw, url):
    assert mw.process_request(on_site(url)) is None


@pytest.mark.parametrize("url", [
    "https://elsewhere.example/blog/post/",
    "https://cdn.harbor.example/blog/post/",  # a subdomain is another host
    "https://harbor.example:8443/blog/post/",  # another port is another server
])
def test_a_request_that_left_its_site_is_dropped(mw, url, caplog):
    with caplog.at_level(logging.INFO, logger="crawler.downloadermiddlewares.stayonsite"), \
            pytest.raises(IgnoreRequest, match=f"^{re.escape(url)} is off site Harbor Clinic$"):
        mw.process_request(on_site(url))
    assert f"not following {url}: it left site Harbor Clinic (harbor.example)" in caplog.text


def test_requests_without_a_known_site_pass(mw):
    """Scrapy's own requests (robots.txt) carry no site, and a site name the spider does not
    know has no URL to compare with."""
    assert mw.process_request(Request("https://elsewhere.example/robots.txt")) is None
    assert mw.process_request(Request("https://elsewhere.example/", meta={"site": "No Such Clinic"})) is None
