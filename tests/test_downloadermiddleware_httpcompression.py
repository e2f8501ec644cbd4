"""crawler.downloadermiddlewares.httpcompression.HttpCompressionMiddleware: Scrapy's decompression,
saying on the fetch row, with the setting's name, when a body inflates past its size limit."""

import gzip
import zlib

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response

from crawler.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from crawler.downloadermiddlewares.sizelimits import SizeLimits
from crawler.sources import Source
from pipeline.crawl_run import CrawlRun
from tests.conftest import recorded_crawler

SITE = Source("Harbor Clinic", "https://harbor.example/blog/")
MAXSIZE, SITEMAP_MAXSIZE = 10_000, 20_000
BOMB = gzip.compress(b"\0" * 1_000_000)  # about 1 KB inflating to 1 MB


@pytest.fixture
def crawler(tmp_path):
    """A crawler with the real CrawlRun extension (tests.conftest.recorded_crawler)."""
    with recorded_crawler(tmp_path, [SITE], DOWNLOAD_MAXSIZE=MAXSIZE, CLINICWATCH_MAX_SITEMAP_BYTES=SITEMAP_MAXSIZE) as crawler:
        yield crawler


def inflate(crawler, request: Request, body: bytes, encoding: bytes = b"gzip") -> Response:
    """The response as the middleware gets it, its fetch recorded (as RecordFetches does, nearer the downloader)."""
    SizeLimits.from_crawler(crawler).process_request(request)  # as on the way out
    crawler.get_extension(CrawlRun).record_fetch(request, 200, None, len(body))
    response = Response(request.url, body=body, request=request,
                        headers={"Content-Type": "text/html", "Content-Encoding": encoding})
    return HttpCompressionMiddleware.from_crawler(crawler).process_response(request, response)


def fetch_error(crawler) -> str | None:
    [row] = crawler.get_extension(CrawlRun).db.query("SELECT error FROM fetches")
    return row["error"]


def test_a_body_within_the_limit_is_inflated(crawler):
    html = b"<html><body><p>" + b"ketamine " * 500 + b"</p></body></html>"
    response = inflate(crawler, Request("https://harbor.example/blog/p/", meta={"purpose": "page"}), gzip.compress(html))
    assert isinstance(response, HtmlResponse) and response.body == html
    assert "Content-Encoding" not in response.headers
    assert fetch_error(crawler) is None


@pytest.mark.parametrize("encoding, body", [(b"gzip", BOMB), (b"deflate", zlib.compress(b"\0" * 1_000_000))])
def test_a_page_inflating_past_download_maxsize_is_dropped_and_noted(crawler, encoding, body):
    with pytest.raises(IgnoreRequest, match=f"exceeded DOWNLOAD_MAXSIZE \\({MAXSIZE} B\\)"):
        inflate(crawler, Request("https://harbor.example/blog/p/", meta={"purpose": "page"}), body, encoding)
    error = fetch_error(crawler)
    assert error.startswith(f"the body inflates past DOWNLOAD_MAXSIZE ({MAXSIZE} bytes): a compression bomb? "
                            f"(Ignored response <200 https://harbor.example/blog/p/>")


def test_a_sitemap_is_held_to_its_own_limit_and_named_with_it(crawler):
    sitemap = Request("https://harbor.example/sitemap.xml", meta={"purpose": "sitemap"})
    with pytest.raises(IgnoreRequest, match=f"\\({SITEMAP_MAXSIZE} B\\)"):
        inflate(crawler, sitemap, BOMB)
    assert fetch_error(crawler).startswith(
        f"the body inflates past CLINICWATCH_MAX_SITEMAP_BYTES ({SITEMAP_MAXSIZE} bytes): a compression bomb?")


def test_a_sitemap_between_the_two_limits_is_inflated(crawler):
    xml = b"<urlset>" + b" " * (MAXSIZE + 1000) + b"</urlset>"
    response = inflate(crawler, Request("https://harbor.example/sitemap.xml", meta={"purpose": "sitemap"}),
                       gzip.compress(xml))
    assert response.body == xml and fetch_error(crawler) is None
