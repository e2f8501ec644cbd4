"""crawler.spidermiddlewares.sitemapsoneatatime.SitemapsOneAtATime: the child sitemaps of an index go out one after
another, whatever becomes of each (read, HTTP error, download error), and holding them back
changes nothing of what a crawl finds or of what a re-crawl skips."""

from datetime import datetime
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from clinicwatch.demo.markup import sitemap_index, sitemap_urlset, xml_page
from clinicwatch.demo.model import Page
from crawler.spidermiddlewares.sitemapsoneatatime import SitemapsOneAtATime
from db import open_db
from tests.conftest import FAST, clinicwatch
from tests.fixtures.hostile_sites import (
    DAY,
    HostileSite,
    good_post,
    html,
    listing_html,
    reset_connection,
    serve,
    serve_hostile,
    with_base,
    write_hostile_sources,
)

POSTS_PER_SITEMAP = 3
# Child sitemaps of the index, in its order: how each answers.
CHILDREN = {1: "read", 2: "connection reset", 3: "404", 4: "read"}
LASTMOD = datetime(DAY.year, DAY.month, DAY.day)  # before any crawl of the test: a re-crawl skips the posts


def post_paths(n: int) -> list[str]:
    return [f"/blog/s{n}-p{k}/" for k in range(POSTS_PER_SITEMAP)]


def line_site() -> tuple[HostileSite, list]:
    """A blog whose sitemap index lists four child sitemaps; `arrivals` notes, as each child sitemap
    is asked for, which children had been answered by then."""
    answered: list[int] = []
    arrivals: list[tuple[int, list[int]]] = []

    def child(n: int):
        def answer(handler):
            arrivals.append((n, list(answered)))
            if CHILDREN[n] == "connection reset":
                reset_connection(handler)
            elif CHILDREN[n] == "404":
                handler.send_page(html("<h1>Not found</h1>", 404))
            else:
                base = handler.server.base_url
                handler.send_page(xml_page(sitemap_urlset((base + p, LASTMOD) for p in post_paths(n)), "sitemap"))
            answered.append(n)
        return answer

    posts = {path: serve(html(good_post(f"Post {path.strip('/').split('/')[-1]}", 20 + i)))
             for i, path in enumerate(p for n in CHILDREN for p in post_paths(n))}
    site = HostileSite("Line Clinic", {
        "/robots.txt": with_base(lambda base: Page(200, "text/plain", f"Sitemap: {base}/sitemap_index.xml\n")),
        "/sitemap_index.xml": with_base(lambda base: xml_page(
            sitemap_index((f"{base}/post-sitemap{n}.xml", None) for n in CHILDREN), "sitemap")),
        "/blog/": serve(html(listing_html("Line Clinic blog", []))),
        **{f"/post-sitemap{n}.xml": child(n) for n in CHILDREN},
        **posts,
    })
    return site, arrivals


@pytest.fixture(scope="module")
def two_crawls(tmp_path_factory):
    """The blog crawled, then crawled again; the site's requests of each crawl."""
    tmp = tmp_path_factory.mktemp("sitemap-line")
    site, arrivals = line_site()
    with serve_hostile([site]) as base_urls:
        sources = write_hostile_sources(tmp / "sources.toml", base_urls, [site], unreachable=False)
        args = ["crawl", "--sources", sources, "--db", tmp / "db.sqlite", "--allow-private-hosts", *FAST,
                "-s", "RETRY_TIMES=0"]
        clinicwatch(*args)
        first, first_arrivals = list(site.requests), list(arrivals)
        site.requests.clear()
        clinicwatch(*args)
        second = list(site.requests)
    yield SimpleNamespace(base_url=base_urls[site.name], first=first, arrivals=first_arrivals, second=second,
                          db=open_db(tmp / "db.sqlite"))


def test_each_child_sitemap_is_asked_for_once_the_one_before_has_answered(two_crawls):
    # First arrivals only: Twisted sends a request again, once, when a reused connection is reset.
    first: dict[int, list[int]] = {}
    for n, answered_before in two_crawls.arrivals:
        first.setdefault(n, sorted(set(answered_before)))
    assert list(first.items()) == [(1, []), (2, [1]), (3, [1, 2]), (4, [1, 2, 3])]


def test_every_post_of_the_sitemaps_that_answer_is_stored(two_crawls):
    stored = {row["url"] for row in two_crawls.db.query("SELECT url FROM posts")}
    assert stored == {two_crawls.base_url + p for n in (1, 4) for p in post_paths(n)}


def test_a_recrawl_skips_posts_unchanged_since_their_lastmod(two_crawls):
    """Even with a child sitemap failing on the way: the line goes on, so the spider never goes idle
    with sitemaps still held and asks for known posts it would have skipped."""
    assert not [path for path in two_crawls.second if path.startswith("/blog/s")]
    assert {path for path in two_crawls.second if path.startswith("/post-sitemap")} == {
        f"/post-sitemap{n}.xml" for n in CHILDREN}
    runs = list(two_crawls.db.query("SELECT posts_new, posts_unchanged FROM crawl_runs ORDER BY id"))
    assert runs == [{"posts_new": 6, "posts_unchanged": 0}, {"posts_new": 0, "posts_unchanged": 6}]


# -- the middleware alone -----------------------------------------------------------------------

def sitemap_request(path: str, site: str = "A") -> Request:
    return Request(f"https://clinic.example{path}", meta={"site": site, "purpose": "sitemap"})


def read(request: Request) -> TextResponse:
    return TextResponse(request.url, body=b"<urlset/>", request=request)


def test_held_sitemaps_go_out_when_the_crawl_would_otherwise_go_idle():
    """A sitemap whose callback raised leaves nothing to move its line on: the idle crawl does."""
    crawler = get_crawler()
    sent: list[Request] = []
    crawler.engine = SimpleNamespace(crawl=sent.append)
    line = SitemapsOneAtATime.from_crawler(crawler)
    index, page = sitemap_request("/sitemap_index.xml"), Request("https://clinic.example/blog/p/")
    children = [sitemap_request(f"/post-sitemap{n}.xml") for n in (1, 2, 3)]
    [kept_page, first] = line.process_spider_output(read(index), [*children, page])
    assert first.url == children[0].url and first.priority == -1 and kept_page is page
    with pytest.raises(DontCloseSpider):
        line.send_waiting_when_idle()
    assert [r.url for r in sent] == [children[1].url]
    [third] = line.process_spider_output(read(sent[0]), [])
    assert third.url == children[2].url
    line.send_waiting_when_idle()  # nothing left waiting: the crawl may close


def test_not_used_with_jobdir(tmp_path):
    with pytest.raises(NotConfigured):
        SitemapsOneAtATime.from_crawler(get_crawler(settings_dict={"JOBDIR": str(tmp_path)}))
