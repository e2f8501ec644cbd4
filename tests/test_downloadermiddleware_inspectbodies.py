"""crawler.downloadermiddlewares.inspectbodies.InspectBodies: HTML decoded the way `clinicwatch
extract` decodes it, and bodies that cannot be what they claim (binary "HTML", empty pages, XML
declaring entities) marked on their fetch row."""

from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.inspectbodies import InspectBodies, binary_kind
from crawler.sources import Source
from pipeline.crawl_run import CrawlRun

SITE = Source("Harbor Clinic", "https://harbor.example/blog/")
URL = "https://harbor.example/blog/post/"


@pytest.fixture
def crawler(tmp_path):
    """A crawler with the real CrawlRun extension, its run opened over a SQLite file in tmp_path."""
    crawler = get_crawler(settings_dict={"CLINICWATCH_DB": str(tmp_path / "clinicwatch.db"),
                                         "EXTENSIONS": {"pipeline.crawl_run.CrawlRun": 100}})
    run = crawler.get_extension(CrawlRun)
    run.spider_opened(SimpleNamespace(sources=[SITE]))  # all CrawlRun reads of the spider: its sources
    yield crawler
    run.db.close()


def inspect(crawler, body: bytes, purpose="page", status=200, cls=HtmlResponse, method="GET",
            content_type="text/html") -> Response:
    """The response as InspectBodies gets it, its fetch already recorded (by RecordFetches, nearer the downloader)."""
    request = Request(URL, method=method, meta={"site": SITE.name, "purpose": purpose})
    crawler.get_extension(CrawlRun).record_fetch(request, status, None, len(body))
    response = cls(URL, status=status, body=body, headers={"Content-Type": content_type}, request=request)
    return InspectBodies.from_crawler(crawler).process_response(request, response)


def fetch_error(crawler) -> str | None:
    [row] = crawler.get_extension(CrawlRun).db.query("SELECT error FROM fetches")
    return row["error"]


def test_html_is_decoded_as_the_extractor_decodes_it(crawler):
    """Stray windows-1252 bytes in a UTF-8 page are the quotes the author typed, not U+FFFD."""
    body = "<p>Caf\u00e9 \u2014 ".encode() + b"\x93quoted\x94</p>"
    response = inspect(crawler, body, content_type="text/html; charset=utf-8")
    assert isinstance(response, HtmlResponse) and response.encoding == "utf-8"
    assert response.text == "<p>Caf\u00e9 \u2014 \u201cquoted\u201d</p>"
    assert fetch_error(crawler) is None


@pytest.mark.parametrize("body, kind", [
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "a PNG image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
    (b"<html>" + b"\x00" * 8, "a binary file"),
])
def test_a_binary_body_served_as_html_is_noted_on_its_fetch_row(crawler, body, kind):
    inspect(crawler, body)
    assert fetch_error(crawler) == f"served as text/html but is {kind}; skipped"
    # A lasting failure: remembered, so the next runs skip the URL for a while.
    [failing] = crawler.get_extension(CrawlRun).db.query("SELECT url, reason, failures FROM failing_urls")
    assert failing == {"url": URL, "reason": f"served as text/html but is {kind}; skipped", "failures": 1}


def test_a_binary_body_served_as_html_is_passed_on_as_a_plain_response(crawler):
    """Once a TypeError on Scrapy 2.19: HtmlResponse.replace(cls=Response) passed encoding= to Response."""
    response = inspect(crawler, b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert type(response) is Response and response.body.startswith(b"\x89PNG")
    assert response.status == 200 and response.url == URL and response.headers["Content-Type"] == b"text/html"
    assert response.request is not None and response.request.meta["purpose"] == "page"


@pytest.mark.parametrize("purpose", ["page", "listing", "sitemap", "feed"])
def test_an_empty_body_is_a_failed_fetch_where_one_is_needed(crawler, purpose):
    response = inspect(crawler, b"", purpose=purpose)
    assert response.body == b""
    assert fetch_error(crawler) == "empty response body (200 with no content)"
    assert not list(crawler.get_extension(CrawlRun).db.query("SELECT url FROM failing_urls"))  # it may come back


@pytest.mark.parametrize("purpose", ["robots", "probe"])
def test_an_empty_robots_txt_or_probe_is_no_error(crawler, purpose):
    inspect(crawler, b"", purpose=purpose)
    assert fetch_error(crawler) is None


@pytest.mark.parametrize("purpose", ["sitemap", "feed", "probe"])
def test_xml_declaring_entities_is_noted_and_passed_on_unexpanded(crawler, purpose):
    body = (b'<?xml version="1.0"?>\n<!DOCTYPE urlset [<!ENTITY lol "lol">]>\n'
            b"<urlset><url><loc>https://harbor.example/&lol;</loc></url></urlset>")
    response = inspect(crawler, body, purpose=purpose, cls=XmlResponse, content_type="application/xml")
    assert response.body == body
    assert fetch_error(crawler) == ("XML declares entities (<!ENTITY>): they are not expanded, "
                                    "and no URL is taken from this document")
    assert [r["url"] for r in crawler.get_extension(CrawlRun).db.query("SELECT url FROM failing_urls")] == [URL]


@pytest.mark.parametrize("status, method", [(404, "GET"), (304, "GET"), (200, "HEAD")])
def test_error_statuses_and_head_requests_are_left_alone(crawler, status, method):
    body = b"\x89PNG\r\n\x1a\n" if method == "GET" else b""
    response = inspect(crawler, body, status=status, method=method)
    assert isinstance(response, HtmlResponse) and response.body == body
    assert fetch_error(crawler) is None


def test_binary_kind():
    assert binary_kind(b"\xff\xd8\xff\xe0 JFIF") == "a JPEG image"
    assert binary_kind(b"PK\x03\x04 archive") == "a ZIP archive"
    assert binary_kind(b"<p>" + b"x" * 2000 + b"\x00") is None  # a NUL byte past the first KiB is not looked for
    assert binary_kind("<p>Caf\u00e9</p>".encode()) is None
