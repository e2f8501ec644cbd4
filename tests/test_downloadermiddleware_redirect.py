"""crawler.downloadermiddlewares.redirect: Scrapy's RedirectMiddleware and MetaRefreshMiddleware
with FollowsRedirectsOnce, which stops a redirect loop at its first repeat and says on the fetch
row why a redirect was not followed (a loop, too many, a target that is not http)."""


import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse

from crawler.downloadermiddlewares.redirect import (
    MetaRefreshMiddleware,
    RedirectMiddleware,
)
from crawler.sources import Source
from pipeline.crawl_run import CrawlRun
from tests.conftest import recorded_crawler

SITE = Source("Harbor Clinic", "https://harbor.example/blog/")
BASE = "https://harbor.example"


@pytest.fixture
def crawler(tmp_path):
    """A crawler with the real CrawlRun extension (tests.conftest.recorded_crawler)."""
    with recorded_crawler(tmp_path, [SITE], REDIRECT_MAX_TIMES=3, METAREFRESH_MAXDELAY=5) as crawler:
        yield crawler


def redirect(mw, request: Request, location: str, status: int = 302):
    """One hop: the 3xx answer recorded (as RecordFetches does, nearer the downloader), then redirected."""
    mw.crawler.get_extension(CrawlRun).record_fetch(request, status, None, 0)
    response = HtmlResponse(request.url, status=status, headers={"Location": location}, request=request)
    return mw.process_response(request, response)


def refresh(mw, request: Request, target: str, delay: int = 0):
    mw.crawler.get_extension(CrawlRun).record_fetch(request, 200, None, 0)
    body = f'<html><head><meta http-equiv="refresh" content="{delay}; url={target}"></head></html>'.encode()
    return mw.process_response(request, HtmlResponse(request.url, body=body, request=request))


def fetches(crawler) -> list[tuple]:
    db = crawler.get_extension(CrawlRun).db
    return [(row["url"], row["error"]) for row in db.query("SELECT url, error FROM fetches ORDER BY id")]


def page(path: str) -> Request:
    return Request(BASE + path, meta={"site": SITE.name, "purpose": "page"})


def test_a_redirect_is_followed(crawler):
    mw = RedirectMiddleware.from_crawler(crawler)
    target = redirect(mw, page("/old/"), "/blog/new/", 301)
    assert isinstance(target, Request) and target.url == BASE + "/blog/new/"
    assert target.meta["redirect_urls"] == [BASE + "/old/"] and target.meta["site"] == SITE.name
    assert fetches(crawler) == [(BASE + "/old/", None)]


def test_a_redirect_loop_stops_at_its_first_repeat_and_is_noted(crawler):
    mw = RedirectMiddleware.from_crawler(crawler)
    b = redirect(mw, page("/a/"), "/b/")
    with pytest.raises(IgnoreRequest, match="^redirect loop: "):
        redirect(mw, b, "/a/")  # the second hop, though REDIRECT_MAX_TIMES is 3
    loop = f"redirect loop: {BASE}/a/ → {BASE}/b/ → {BASE}/a/"
    assert fetches(crawler) == [(BASE + "/a/", None), (BASE + "/b/", loop)]


def test_a_page_redirecting_to_itself_is_a_loop(crawler):
    """Also when the URL differs only as canonicalize_url does not care (query order, fragment)."""
    mw = RedirectMiddleware.from_crawler(crawler)
    with pytest.raises(IgnoreRequest):
        redirect(mw, page("/p/?x=1&y=2"), "/p/?y=2&x=1#top")
    assert fetches(crawler) == [(BASE + "/p/?x=1&y=2", f"redirect loop: {BASE}/p/?x=1&y=2 → {BASE}/p/?y=2&x=1#top")]


def test_too_many_redirects_are_noted_with_the_setting(crawler):
    mw = RedirectMiddleware.from_crawler(crawler)
    request = page("/r0/")
    for hop in range(1, 4):  # REDIRECT_MAX_TIMES = 3 hops are followed
        request = redirect(mw, request, f"/r{hop}/")
        assert isinstance(request, Request)
    with pytest.raises(IgnoreRequest, match="max redirections reached"):
        redirect(mw, request, "/r4/")
    assert fetches(crawler)[-1] == (BASE + "/r3/", "more than REDIRECT_MAX_TIMES (3) redirects in a row")
    assert [error for _, error in fetches(crawler)[:-1]] == [None] * 3


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://harbor.example/files/"])
def test_a_redirect_to_another_scheme_is_not_followed_and_is_noted(crawler, location):
    mw = RedirectMiddleware.from_crawler(crawler)
    response = redirect(mw, page("/download/"), location)
    assert isinstance(response, HtmlResponse) and response.status == 302  # passed on, not followed
    assert fetches(crawler) == [(BASE + "/download/", f"redirects to {location}: only http and https URLs are followed")]


def test_a_plain_answer_is_passed_on_without_a_note(crawler):
    mw = RedirectMiddleware.from_crawler(crawler)
    request = page("/blog/")
    crawler.get_extension(CrawlRun).record_fetch(request, 200, None, 5)
    response = HtmlResponse(request.url, body=b"<p>x</p>", request=request)
    assert mw.process_response(request, response) is response
    assert fetches(crawler) == [(BASE + "/blog/", None)]


def test_a_meta_refresh_loop_is_stopped_and_noted(crawler):
    mw = MetaRefreshMiddleware.from_crawler(crawler)
    b = refresh(mw, page("/a/"), BASE + "/b/")
    assert isinstance(b, Request) and b.url == BASE + "/b/"
    with pytest.raises(IgnoreRequest):
        refresh(mw, b, BASE + "/a/")
    assert fetches(crawler)[-1] == (BASE + "/b/", f"redirect loop: {BASE}/a/ → {BASE}/b/ → {BASE}/a/")


def test_too_many_meta_refreshes_are_noted(crawler):
    mw = MetaRefreshMiddleware.from_crawler(crawler)
    request = page("/m0/")
    for hop in range(1, 4):
        request = refresh(mw, request, f"{BASE}/m{hop}/")
    with pytest.raises(IgnoreRequest):
        refresh(mw, request, BASE + "/m4/")
    assert fetches(crawler)[-1] == (BASE + "/m3/", "more than REDIRECT_MAX_TIMES (3) redirects in a row")


def test_a_slow_meta_refresh_is_a_page_not_a_redirect(crawler):
    mw = MetaRefreshMiddleware.from_crawler(crawler)
    response = refresh(mw, page("/a/"), BASE + "/a/", delay=30)  # past METAREFRESH_MAXDELAY: even to itself
    assert isinstance(response, HtmlResponse)
    assert fetches(crawler) == [(BASE + "/a/", None)]


# A redirect that is not followed says so on its fetch row, whatever carries it (issue 12, item 13b).
@pytest.mark.parametrize("location", ["mailto:office@harbor.example", "javascript:alert(1)", "data:text/html,x"])
def test_a_redirect_to_a_url_scrapy_cannot_request_is_noted(crawler, location):
    mw = RedirectMiddleware.from_crawler(crawler)
    response = redirect(mw, page("/contact/"), location)
    assert isinstance(response, HtmlResponse) and response.status == 302
    assert fetches(crawler) == [(BASE + "/contact/", f"redirects to {location}: only http and https URLs are followed")]


@pytest.mark.parametrize("target", ["file:///etc/passwd", "mailto:office@harbor.example", "javascript:alert(1)",
                                    "ftp://harbor.example/x"])
def test_a_meta_refresh_to_another_scheme_is_noted(crawler, target):
    mw = MetaRefreshMiddleware.from_crawler(crawler)
    response = refresh(mw, page("/moved/"), target)
    assert isinstance(response, HtmlResponse)  # passed on, not followed
    [(url, error)] = fetches(crawler)
    assert url == BASE + "/moved/" and error.startswith("redirects to ") and "only http and https" in error
    assert target.split(":", 1)[0] in error


def test_a_slow_meta_refresh_to_another_scheme_is_a_page_without_a_note(crawler):
    mw = MetaRefreshMiddleware.from_crawler(crawler)
    refresh(mw, page("/moved/"), "file:///etc/passwd", delay=30)
    assert fetches(crawler) == [(BASE + "/moved/", None)]
