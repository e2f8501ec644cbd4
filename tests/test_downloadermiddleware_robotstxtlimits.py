"""crawler.downloadermiddlewares.robotstxtlimits.RobotsTxtLimits: robots.txt read as RFC 9309 says.
A 5xx answer disallows the whole site (and says so on its fetch row); only the first
CLINICWATCH_MAX_ROBOTS_BYTES, cut at a line end, are parsed as rules."""


import pytest
from protego import Protego
from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.http.request import NO_CALLBACK

from crawler.downloadermiddlewares.robotstxtlimits import (
    DISALLOW_ALL,
    RobotsTxtLimits,
    first_bytes_of_lines,
)
from crawler.sources import Source
from pipeline.crawl_run import CrawlRun
from tests.conftest import recorded_crawler

SITE = Source("Harbor Clinic", "https://harbor.example/blog/")
ROBOTS = "https://harbor.example/robots.txt"
MAX_BYTES = 60


@pytest.fixture
def crawler(tmp_path):
    """A crawler with the real CrawlRun extension (tests.conftest.recorded_crawler)."""
    with recorded_crawler(tmp_path, [SITE], CLINICWATCH_MAX_ROBOTS_BYTES=MAX_BYTES) as crawler:
        yield crawler


def rules_request() -> Request:
    """The request scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware makes for a host's rules."""
    return Request(ROBOTS, meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)


def answer(crawler, request: Request, status: int, body: bytes) -> Response:
    """The answer as it reaches RobotsTxtLimits: RecordFetches, nearer the downloader, has recorded it."""
    crawler.get_extension(CrawlRun).record_fetch(request, status, None, len(body))
    response = TextResponse(request.url, status=status, body=body, encoding="utf-8", request=request)
    return RobotsTxtLimits.from_crawler(crawler).process_response(request, response)


def fetch_errors(crawler) -> list:
    return [row["error"] for row in crawler.get_extension(CrawlRun).db.query("SELECT error FROM fetches")]


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_disallows_the_whole_site_and_says_so(crawler, status):
    response = answer(crawler, rules_request(), status, b"<h1>Service unavailable</h1>")
    assert response.body == DISALLOW_ALL
    assert not Protego.parse(response.text).can_fetch("https://harbor.example/blog/post/", "clinicwatch")
    assert fetch_errors(crawler) == [
        f"robots.txt answered {status}: nothing of this site is crawled until it answers (RFC 9309 §2.3.1.4)"]


@pytest.mark.parametrize("status", [200, 404])
def test_other_answers_are_read_as_they_are(crawler, status):
    body = b"User-agent: *\nDisallow: /private/\n"
    assert answer(crawler, rules_request(), status, body).body == body
    assert fetch_errors(crawler) == [None]


def test_only_the_first_bytes_are_read_as_rules_cut_at_a_line_end(crawler):
    head = b"User-agent: *\nDisallow: /private/\n"  # 35 bytes
    body = head + b"Disallow: /blog/and-a-long-path-past-the-limit/\n" + b"# padding\n" * 100
    response = answer(crawler, rules_request(), 200, body)
    assert response.body == head
    rules = Protego.parse(response.text)
    assert rules.can_fetch("https://harbor.example/blog/and-a-long-path-past-the-limit/", "clinicwatch")
    assert not rules.can_fetch("https://harbor.example/private/x", "clinicwatch")
    assert fetch_errors(crawler) == [None]  # a long robots.txt is not an error


def test_the_spiders_own_robots_txt_request_is_left_alone(crawler):
    """The spider asks for robots.txt itself, with a callback, for its Sitemap: lines."""
    own = Request(ROBOTS, callback=lambda response: None, meta={"purpose": "robots"})
    body = b"<h1>Service unavailable</h1>"
    assert answer(crawler, own, 503, body).body == body
    assert fetch_errors(crawler) == [None]


def test_first_bytes_of_lines():
    assert first_bytes_of_lines(b"ab\ncd\nef\n", 9) == b"ab\ncd\nef\n"  # within the limit: all of it
    assert first_bytes_of_lines(b"ab\ncd\nef\n", 7) == b"ab\ncd\n"
    assert first_bytes_of_lines(b"abcdefgh", 5) == b"abcde"  # no line end to cut at
