"""crawler.downloadermiddlewares.sizelimits: sitemaps get their own download limit
(CLINICWATCH_MAX_SITEMAP_BYTES), named with it for the messages; pages keep DOWNLOAD_MAXSIZE."""

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.sizelimits import SizeLimits, size_limit_of

SETTINGS = {"CLINICWATCH_MAX_SITEMAP_BYTES": 50_000, "DOWNLOAD_MAXSIZE": 10_000}


@pytest.fixture
def crawler():
    return get_crawler(settings_dict=SETTINGS)


def request(purpose: str | None, **meta) -> Request:
    return Request("https://harbor.example/x", meta={"purpose": purpose, **meta})


def test_a_sitemap_request_carries_the_sitemap_limit(crawler):
    sitemap = request("sitemap")
    assert SizeLimits.from_crawler(crawler).process_request(sitemap) is None
    assert sitemap.meta["download_maxsize"] == 50_000
    assert sitemap.meta["size_limit_setting"] == "CLINICWATCH_MAX_SITEMAP_BYTES"
    assert size_limit_of(sitemap, crawler.settings) == ("CLINICWATCH_MAX_SITEMAP_BYTES", 50_000)


@pytest.mark.parametrize("purpose", ["page", "listing", "feed", "probe", None])
def test_other_requests_keep_download_maxsize(crawler, purpose):
    other = request(purpose)
    SizeLimits.from_crawler(crawler).process_request(other)
    assert "download_maxsize" not in other.meta and "size_limit_setting" not in other.meta
    assert size_limit_of(other, crawler.settings) == ("DOWNLOAD_MAXSIZE", 10_000)


def test_a_limit_the_request_already_has_is_kept(crawler):
    sitemap = request("sitemap", download_maxsize=1234)
    SizeLimits.from_crawler(crawler).process_request(sitemap)
    assert sitemap.meta["download_maxsize"] == 1234 and "size_limit_setting" not in sitemap.meta
