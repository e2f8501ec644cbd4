"""The demo clinic sites and the loopback server the other tests crawl."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from datetime import date
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from protego import Protego

from clinicwatch.demo.markup import body_text, word_count
from clinicwatch.demo.model import Page, Post
from clinicwatch.demo.server import serve_sites, write_sources
from clinicwatch.demo.sites import (
    CHROME_PHRASES,
    demo_sites,
    expected_posts,
    non_post_urls,
    private_urls,
)
from crawler.sources import load_sources
from tests.fixtures.other_sites import OTHER_CHROME_PHRASES, other_sites

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# What each site publishes besides its pages: part of what the sites are meant to exercise.
HAS_SITEMAP = {"harborview": True, "northpoint": False, "desert-bloom": True, "lumen": True, "cedar-ridge": True}
HAS_FEED = {"harborview": True, "northpoint": False, "desert-bloom": True, "lumen": True, "cedar-ridge": False}
ALL_KEYS = list(HAS_SITEMAP)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# No proxies (loopback only) and no redirect following (tests look at the redirects themselves).
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects())


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def served():
    sites = demo_sites() + other_sites()
    with serve_sites(sites) as base_urls:
        yield sites, base_urls


@pytest.fixture
def fresh():
    """Sites a test may change."""
    sites = demo_sites() + other_sites()
    with serve_sites(sites) as base_urls:
        yield {site.key: site for site in sites}, base_urls


def post_urls_of(site, base_urls) -> set[str]:
    return {e["url"] for e in expected_posts([site], base_urls)}


def visible_text(html: bytes | str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text().split())


def links(url: str, html: bytes) -> list[tuple[str, str]]:
    """(absolute href, anchor text) of every <a href> on a page."""
    soup = BeautifulSoup(html, "html.parser")
    return [(urljoin(url, a["href"]).split("#")[0], a.get_text(" ", strip=True)) for a in soup.find_all("a", href=True)]


def sitemap_locs(url: str) -> list[str]:
    """Every page URL reachable from a sitemap, following sitemap indexes."""
    status, _, body = fetch(url)
    assert status == 200, url
    root = ET.fromstring(body)
    if root.tag == f"{SITEMAP_NS}sitemapindex":
        return [loc for node in root.iter(f"{SITEMAP_NS}loc") for loc in sitemap_locs(node.text)]
    assert root.tag == f"{SITEMAP_NS}urlset"
    return [node.text for node in root.iter(f"{SITEMAP_NS}loc")]


def robots_sitemaps(base: str) -> list[str]:
    status, _, body = fetch(base + "/robots.txt")
    if status != 200:
        return []
    return re.findall(r"(?im)^sitemap:\s*(\S+)", body.decode())


def feed_links(base: str, home_path: str = "/") -> list[str]:
    """Item links of the RSS feeds the home page advertises."""
    _, _, html = fetch(base + home_path)
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for link in soup.find_all("link", rel="alternate", type="application/rss+xml"):
        status, headers, body = fetch(link["href"])
        assert status == 200 and "rss" in headers["Content-Type"]
        root = ET.fromstring(body)
        assert root.tag == "rss" and root.get("version") == "2.0"
        found += [item.findtext("link") for item in root.iter("item")]
    return found


def test_every_site_is_its_own_origin_and_logs_its_requests(served):
    sites, base_urls = served
    assert len({urlsplit(url).netloc for url in base_urls.values()}) == len(sites)
    for site in sites:
        before = len(site.requests)
        status, headers, body = fetch(base_urls[site.name] + "/")
        assert status == 200 and headers["Content-Type"].startswith("text/html")
        assert int(headers["Content-Length"]) == len(body)
        assert site.name in visible_text(body)
        assert site.requests[before:] == ["/"]


def test_unknown_path_is_a_404_page_with_the_site_chrome(served):
    sites, base_urls = served
    for site in sites:
        status, headers, body = fetch(base_urls[site.name] + "/no-such-page/")
        assert status == 404 and headers["Content-Type"].startswith("text/html")
        assert site.chrome.cookie_notice in body.decode()


def test_conditional_get_answers_304_until_the_post_changes(fresh):
    sites, base_urls = fresh
    site = sites["harborview"]
    slug = "how-ketamine-builds-new-connections"
    url = site.post_url(site.posts[slug], base_urls[site.name])
    status, headers, _ = fetch(url)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag and modified

    assert fetch(url, {"If-None-Match": etag})[0] == 304
    assert fetch(url, {"If-None-Match": f'"other", W/{etag}'})[0] == 304
    assert fetch(url, {"If-Modified-Since": modified})[0] == 304
    assert fetch(url, {"If-None-Match": '"stale"'})[0] == 200
    # If-None-Match decides when both are sent (RFC 9110).
    assert fetch(url, {"If-None-Match": '"stale"', "If-Modified-Since": modified})[0] == 200
    status, headers, body = fetch(url, {"If-None-Match": etag})
    assert body == b"" and headers["ETag"] == etag

    site.set_post_text(slug, site.posts[slug].body + "\nA paragraph added later.\n")
    status, headers, body = fetch(url, {"If-None-Match": etag})
    assert status == 200 and b"A paragraph added later." in body
    assert headers["ETag"] != etag
    assert fetch(url, {"If-Modified-Since": modified})[0] == 200


@pytest.mark.parametrize("key", ALL_KEYS)
def test_sitemaps_list_exactly_the_posts(served, key):
    sites, base_urls = served
    site = next(s for s in sites if s.key == key)
    base = base_urls[site.name]
    sitemaps = robots_sitemaps(base)
    assert bool(sitemaps) == HAS_SITEMAP[key]
    if not HAS_SITEMAP[key]:
        assert fetch(base + "/sitemap.xml")[0] == 404
        return
    locs = [loc for url in sitemaps for loc in sitemap_locs(url)]
    posts = post_urls_of(site, base_urls)
    others = set(non_post_urls([site], base_urls))
    assert posts <= set(locs)
    assert set(locs) - posts <= others


@pytest.mark.parametrize("key", ALL_KEYS)
def test_feeds_list_exactly_the_posts(served, key):
    sites, base_urls = served
    site = next(s for s in sites if s.key == key)
    items = feed_links(base_urls[site.name])
    assert bool(items) == HAS_FEED[key]
    if items:
        assert sorted(items) == sorted(post_urls_of(site, base_urls))


@pytest.mark.parametrize("key", ALL_KEYS)
def test_older_posts_links_reach_every_post(served, key):
    sites, base_urls = served
    site = next(s for s in sites if s.key == key)
    posts = post_urls_of(site, base_urls)
    pending, seen, linked = [base_urls[site.name] + site.listing_path], set(), set()
    while pending:
        url = pending.pop()
        seen.add(url)
        status, _, html = fetch(url)
        assert status == 200, url
        for href, text in links(url, html):
            if href in posts:
                linked.add(href)
            elif re.search(r"older|next", text, re.I) and href not in seen:
                pending.append(href)
    assert linked == posts
    assert len(seen) >= 2, "every site's posts span more than one listing page"


def test_ground_truth_pages_are_served(served):
    sites, base_urls = served
    for entry in expected_posts(sites, base_urls):
        status, _, html = fetch(entry["url"])
        assert status == 200
        assert " ".join(entry["text"].split("\n\n")[1].split()[:12]) in visible_text(html)
    for url in non_post_urls(sites, base_urls):
        assert fetch(url)[0] == 200, url
    assert not set(non_post_urls(sites, base_urls)) & {e["url"] for e in expected_posts(sites, base_urls)}


def test_private_pages_are_linked_but_disallowed_by_robots(served):
    sites, base_urls = served
    for site in sites:
        status, _, body = fetch(base_urls[site.name] + "/robots.txt")
        if status == 404:
            assert not private_urls([site], base_urls)
            continue
        robots = Protego.parse(body.decode())
        for url in private_urls([site], base_urls):
            assert not robots.can_fetch(url, "clinicwatch"), url
        for url in non_post_urls([site], base_urls) + sorted(post_urls_of(site, base_urls)):
            assert robots.can_fetch(url, "clinicwatch"), url
    harborview = next(s for s in sites if s.key == "harborview")
    _, _, home = fetch(base_urls[harborview.name] + "/")
    hrefs = {href for href, _ in links(base_urls[harborview.name] + "/", home)}
    assert set(private_urls([harborview], base_urls)) <= hrefs


def test_tracking_parameters_and_missing_slashes(served):
    sites, base_urls = served
    harborview = next(s for s in sites if s.key == "harborview")
    base = base_urls[harborview.name]
    post = harborview.posts_newest_first()[0]
    canonical = harborview.post_url(post, base)
    _, _, home = fetch(base + "/")
    tracked = [href for href, _ in links(base + "/", home) if "utm_source=newsletter" in href]
    assert tracked, "the newsletter widget links a post with tracking parameters"
    status, _, body = fetch(tracked[0])
    assert status == 200 and f'<link rel="canonical" href="{tracked[0].split("?")[0]}">' in body.decode()

    status, headers, _ = fetch(canonical.rstrip("/") + "?utm_source=newsletter")
    assert status == 301 and headers["Location"] == canonical + "?utm_source=newsletter"


def test_head_sends_headers_only(served):
    sites, base_urls = served
    status, headers, body = fetch(base_urls[sites[0].name] + "/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_removed_post_404s_and_leaves_sitemap_and_feed(fresh):
    sites, base_urls = fresh
    site = sites["desert-bloom"]
    base = base_urls[site.name]
    gone = site.posts_newest_first()[0]
    url = site.post_url(gone, base)
    assert fetch(url)[0] == 200
    site.remove_post(gone.slug)
    assert fetch(url)[0] == 404
    assert url not in sitemap_locs(base + "/sitemap.xml")
    assert url not in feed_links(base)


def test_added_post_appears_in_listing_sitemap_and_feed(fresh):
    sites, base_urls = fresh
    site = sites["harborview"]
    base = base_urls[site.name]
    new = Post(slug="a-new-post", title="A New Post About Infusions", date=date(2025, 4, 1), author="Harborview Team",
               body="We have news.\n\nMore news follows.\n", relevant=False, category="Clinic News")
    site.add_post(new)
    url = site.post_url(new, base)
    assert fetch(url)[0] == 200
    assert url in {href for href, _ in links(base + "/blog/", fetch(base + "/blog/")[2])}
    assert url in sitemap_locs(base + "/sitemap_index.xml")
    assert url in feed_links(base)
    with pytest.raises(ValueError):
        site.add_post(new)


def test_pages_can_be_replaced_or_removed_while_serving(fresh):
    sites, base_urls = fresh
    site = sites["lumen"]
    base = base_urls[site.name]
    site.set_page("/rss/", Page(503, "text/plain", "down for maintenance", {"Retry-After": "120"}))
    status, headers, body = fetch(base + "/rss/")
    assert (status, headers["Retry-After"], body) == (503, "120", b"down for maintenance")
    site.remove_page("/robots.txt")
    assert fetch(base + "/robots.txt")[0] == 404


def test_write_sources_is_a_valid_sources_file(fresh, tmp_path):
    sites, base_urls = fresh
    path = write_sources(tmp_path / "sources.toml", base_urls, list(sites.values()))
    loaded = {s.name: s for s in load_sources(path)}
    assert set(loaded) == {site.name for site in sites.values()}
    for site in sites.values():
        assert loaded[site.name].url == base_urls[site.name] + site.listing_path
        assert loaded[site.name].location == site.location


def test_demo_content_is_what_the_other_tests_rely_on():
    sites = demo_sites()
    truth = expected_posts(sites, {s.name: f"http://{s.key}.test" for s in sites})
    assert len(truth) >= 18
    assert all(250 <= word_count(p.body) <= 700 for s in sites for p in s.posts.values())
    relevant = [e for e in truth if e["relevant"]]
    assert len(relevant) >= 7
    assert sum("neuroplasticity" not in e["text"].lower() for e in relevant) >= 3
    ketamine_but_not_relevant = [e for e in truth if not e["relevant"] and "ketamine" in e["text"].lower()]
    assert len(ketamine_but_not_relevant) >= 4
    groups = {}
    for entry in truth:
        if entry["duplicate_group"]:
            groups.setdefault(entry["duplicate_group"], []).append(entry)
    assert len(groups) == 1
    (copies,) = groups.values()
    assert len(copies) == 2 and copies[0]["site"] != copies[1]["site"]
    assert 0 < abs(date.fromisoformat(copies[0]["published_at"]) - date.fromisoformat(copies[1]["published_at"])).days < 7


def test_chrome_phrases_are_chrome_only():
    """Every chrome phrase is on the pages, none is in a post's own text."""
    sites = demo_sites() + other_sites()
    texts = [body_text(p.body) for s in sites for p in s.posts.values()]
    assert not [phrase for phrase in CHROME_PHRASES + OTHER_CHROME_PHRASES for text in texts if phrase in text]
    for phrases, group in ((CHROME_PHRASES, sites[:3]), (OTHER_CHROME_PHRASES, sites[3:])):
        served_html = " ".join(visible_text(page.body) for site in group
                               for page in site.routes("http://demo.test").values() if page.kind == "post")
        assert [p for p in phrases if p not in served_html] == []
