"""crawler.downloadermiddlewares.recordfetches: every fetch, failed ones included, a row of
`fetches`, with a failure described in words that say what to check."""


import pytest
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse
from twisted.internet.error import ConnectionLost
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from crawler.downloadermiddlewares.privatehosts import RefusedTarget
from crawler.downloadermiddlewares.recordfetches import RecordFetches, describe_failure
from crawler.downloadermiddlewares.sizelimits import SizeLimits
from crawler.sources import Source
from pipeline.crawl_run import CrawlRun
from tests.conftest import recorded_crawler

SITE = Source("Harbor Clinic", "https://harbor.example/blog/")


# -- describe_failure ---------------------------------------------------------------------------

@pytest.mark.parametrize("exception, message", [
    (CannotResolveHostError("nowhere.example"),
     "CannotResolveHostError: nowhere.example (the host name does not resolve; check the site's url in the sources file)"),
    (DownloadConnectionRefusedError("Connection refused"),
     "DownloadConnectionRefusedError: Connection refused (the server refused the connection; the site may be down)"),
    (DownloadTimeoutError("Getting https://harbor.example/ took longer than 30 seconds."),
     ("DownloadTimeoutError: Getting https://harbor.example/ took longer than 30 seconds. "
      "(no answer within DOWNLOAD_TIMEOUT)")),
    (ResponseDataLossError(""),  # no message: the name stands in for it
     "ResponseDataLossError: ResponseDataLossError (the connection closed before the whole body came)"),
    (ValueError("boom"), "ValueError: boom"),  # no hint for an error it does not know
])
def test_a_failure_names_its_cause_and_what_to_check(exception, message):
    assert describe_failure(exception) == message


def test_a_hint_already_in_the_message_is_not_repeated():
    assert describe_failure(DownloadTimeoutError("no answer within DOWNLOAD_TIMEOUT")) == \
        "DownloadTimeoutError: no answer within DOWNLOAD_TIMEOUT"


def test_a_list_of_twisted_failures_is_read_as_its_first():
    exception = ResponseNeverReceived([Failure(ConnectionLost())])
    assert describe_failure(exception) == (
        "ResponseNeverReceived: ConnectionLost: Connection to the other side was lost in a non-clean fashion. "
        "(the connection closed before a response came)")


def test_a_cancelled_download_names_the_size_limit():
    assert describe_failure(DownloadCancelledError(), ("DOWNLOAD_MAXSIZE", 10)) == \
        "DownloadCancelledError: the response is larger than DOWNLOAD_MAXSIZE (10 bytes)"
    assert describe_failure(DownloadCancelledError("received 11 bytes"), ("CLINICWATCH_MAX_SITEMAP_BYTES", 10)) == \
        "DownloadCancelledError: the response is larger than CLINICWATCH_MAX_SITEMAP_BYTES (10 bytes): received 11 bytes"


# -- RecordFetches ------------------------------------------------------------------------------

@pytest.fixture
def crawler(tmp_path):
    """A crawler with the real CrawlRun extension (tests.conftest.recorded_crawler)."""
    with recorded_crawler(tmp_path, [SITE], DOWNLOAD_MAXSIZE=10_000, CLINICWATCH_MAX_SITEMAP_BYTES=20_000) as crawler:
        yield crawler


def fetches(crawler) -> list[dict]:
    """The rows of `fetches`, their site by name."""
    run = crawler.get_extension(CrawlRun)
    names = {site_id: name for name, site_id in run.site_ids.items()}
    return [{"site": names.get(row.pop("site_id")), **row} for row in run.db.query(
        "SELECT run_id, site_id, url, purpose, status, error, bytes FROM fetches ORDER BY id")]


def test_a_response_is_a_row(crawler):
    record = RecordFetches.from_crawler(crawler)
    request = Request("https://harbor.example/blog/", meta={"site": SITE.name, "purpose": "listing"})
    response = HtmlResponse(request.url, status=200, body=b"<p>twelve by</p>", request=request)
    assert record.process_response(request, response) is response
    [row] = fetches(crawler)
    assert row == {"run_id": crawler.get_extension(CrawlRun).run_id, "site": SITE.name, "url": request.url,
                   "purpose": "listing", "status": 200, "error": None, "bytes": 16}


def test_scrapys_robots_txt_request_is_told_by_its_host(crawler):
    request = Request("https://harbor.example/robots.txt", meta={"dont_obey_robotstxt": True})
    RecordFetches.from_crawler(crawler).process_response(request, HtmlResponse(request.url, status=404, request=request))
    [row] = fetches(crawler)
    assert (row["site"], row["purpose"], row["status"]) == (SITE.name, "robots", 404)


def test_a_failed_download_is_a_row_with_its_error_and_no_status(crawler):
    request = Request("https://harbor.example/blog/p/", meta={"site": SITE.name, "purpose": "page"})
    assert RecordFetches.from_crawler(crawler).process_exception(request, DownloadTimeoutError("took too long")) is None
    [row] = fetches(crawler)
    assert (row["url"], row["status"], row["bytes"]) == (request.url, None, None)
    assert row["error"] == "DownloadTimeoutError: took too long (no answer within DOWNLOAD_TIMEOUT)"


@pytest.mark.parametrize("purpose, limit", [("page", "DOWNLOAD_MAXSIZE (10000 bytes)"),
                                             ("sitemap", "CLINICWATCH_MAX_SITEMAP_BYTES (20000 bytes)")])
def test_a_cancelled_download_names_the_limit_of_its_request(crawler, purpose, limit):
    request = Request("https://harbor.example/x", meta={"site": SITE.name, "purpose": purpose})
    SizeLimits.from_crawler(crawler).process_request(request)  # as on the way out
    RecordFetches.from_crawler(crawler).process_exception(request, DownloadCancelledError())
    assert [row["error"] for row in fetches(crawler)] == [f"DownloadCancelledError: the response is larger than {limit}"]


def test_a_refused_target_is_a_row_with_the_refusal(crawler):
    request = Request("https://harbor.example/", meta={"site": SITE.name, "purpose": "page"})
    refusal = RefusedTarget("refused harbor.example (10.0.0.2): loopback, private and link-local addresses are not crawled")
    assert RecordFetches.from_crawler(crawler).process_exception(request, refusal) is None
    assert [(row["status"], row["error"]) for row in fetches(crawler)] == [(None, str(refusal))]


def test_a_robots_txt_refusal_is_not_a_fetch(crawler):
    """Nothing was asked of the server: RobotsTxtMiddleware's IgnoreRequest leaves no row."""
    request = Request("https://harbor.example/private/", meta={"site": SITE.name, "purpose": "page"})
    assert RecordFetches.from_crawler(crawler).process_exception(request, IgnoreRequest("Forbidden by robots.txt")) is None
    assert fetches(crawler) == []
