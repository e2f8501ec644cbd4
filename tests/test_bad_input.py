"""Bad input and hostile targets: every case of tests/fixtures/hostile_sites.py is crawled once,
and each must leave a `fetches` row with a status or an error saying what happened, while the
crawl goes on to store every good post. Then what must never be fetched: private targets (also
through a redirect or a DNS answer) and non-http URLs; and a sources file with a typo."""

import json
import os
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest
from scrapy import Request

from crawler.downloadermiddlewares.privatehosts import RefusedTarget, RefusePrivateHosts
from crawler.downloadermiddlewares.recordfetches import describe_failure
from db import open_db
from tests.conftest import FAST, clinicwatch
from tests.fixtures.hostile_sites import (
    BAD_UTF8_PHRASE,
    CP1252_PHRASE,
    DAY,
    NESTING,
    UTF8_PHRASE,
    HostileSite,
    generated_paragraphs,
    hostile_sites,
    html,
    post_html,
    redirect,
    serve,
    serve_hostile,
    write_hostile_sources,
)

MAX_PAGES = 60
RETRIES = 1
# Small limits keep the crawl fast: the 30 s page gives up after DOWNLOAD_TIMEOUT, the 200 KB sitemap is
# over CLINICWATCH_MAX_SITEMAP_BYTES.
HOSTILE_SETTINGS = ["-s", "DOWNLOAD_TIMEOUT=5", "-s", f"RETRY_TIMES={RETRIES}",
                    "-s", "CLINICWATCH_MAX_SITEMAP_BYTES=100000"]
GOOD_POSTS = {
    "Hostile Clinic": {"A plain good post", "The post behind a flaky server", "Windows-1252 by header",
                       "Windows-1252 by meta", "Notes from an old import", "Malformed markup"},
    "Dead Sitemap Clinic": {"The one live post of a dead sitemap"},
    "Entity Sitemap Clinic": {"A post beside a hostile sitemap"},
    "Nested Sitemap Clinic": {"Found two sitemaps down"},
    "Big Sitemap Clinic": {"A post beside a huge sitemap"},
    "Robots Garbage Clinic": {"A post beside a garbled robots.txt"},
    "Robots Huge Clinic": {"A post beside a huge robots.txt"},
    "Trap Clinic": {"A post among traps"},
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    sites = hostile_sites()
    tmp = tmp_path_factory.mktemp("hostile")
    with serve_hostile(sites) as base_urls:
        sources = write_hostile_sources(tmp / "sources.toml", base_urls, sites)
        db_path = tmp / "hostile.db"
        result = clinicwatch("crawl", "--sources", sources, "--db", db_path, "--allow-private-hosts",
                             "--max-pages-per-site", MAX_PAGES, *FAST, *HOSTILE_SETTINGS)
    yield SimpleNamespace(sites={s.name: s for s in sites}, base_urls=base_urls, db=open_db(db_path), result=result)


def rows(hostile, site: str, path: str) -> list[dict]:
    """The fetches of one URL, in order."""
    return list(hostile.db.query("SELECT * FROM fetches WHERE url = ? ORDER BY id", [hostile.base_urls[site] + path]))


def errors(hostile, site: str, path: str) -> list[str]:
    return [row["error"] or "" for row in rows(hostile, site, path)]


def stored_titles(hostile) -> dict[str, set[str]]:
    titles: dict[str, set[str]] = {}
    for row in hostile.db.query("SELECT s.name, p.title FROM posts p JOIN sites s ON s.id = p.site_id"):
        titles.setdefault(row["name"], set()).add(row["title"])
    return titles


def post_text(hostile, site: str, path: str) -> str:
    return next(hostile.db.query("SELECT text FROM posts WHERE url = ?", [hostile.base_urls[site] + path]))["text"]


def test_the_crawl_goes_on_and_stores_every_good_post(hostile):
    run = next(hostile.db.query("SELECT * FROM crawl_runs"))
    assert hostile.result.returncode == 0
    assert run["status"] == "partial" and run["pages_failed"] > 0
    assert stored_titles(hostile) == GOOD_POSTS


def test_every_fetch_has_a_status_or_an_error(hostile):
    silent = list(hostile.db.query("SELECT url FROM fetches WHERE status IS NULL AND error IS NULL"))
    assert silent == []


def test_a_server_error_that_clears_on_retry_is_stored(hostile):
    assert [r["status"] for r in rows(hostile, "Hostile Clinic", "/blog/flaky-post/")] == [500, 200]
    assert "The post behind a flaky server" in stored_titles(hostile)["Hostile Clinic"]


@pytest.mark.parametrize("path, status, attempts", [
    ("/blog/missing-post/", 404, 1), ("/blog/forbidden-post/", 403, 1), ("/blog/broken-post/", 503, RETRIES + 1)])
def test_http_errors_are_recorded_with_their_status(hostile, path, status, attempts):
    assert [r["status"] for r in rows(hostile, "Hostile Clinic", path)] == [status] * attempts


def test_a_redirect_loop_is_stopped_and_named(hostile):
    hops = rows(hostile, "Hostile Clinic", "/blog/loop-a/") + rows(hostile, "Hostile Clinic", "/blog/loop-b/")
    assert {r["status"] for r in hops} == {302}
    loop = [r["error"] for r in hops if r["error"]]
    assert len(loop) == 1 and re.fullmatch(r"redirect loop: \S+/loop-a/ → \S+/loop-b/ → \S+/loop-a/", loop[0])


def test_an_endless_redirect_chain_stops_at_redirect_max_times(hostile):
    hops = list(hostile.db.query("SELECT * FROM fetches WHERE url LIKE '%/endless-redirect/%' ORDER BY id"))
    assert len(hops) == 6  # the first request and REDIRECT_MAX_TIMES (5) redirects
    assert hops[-1]["error"] == "more than REDIRECT_MAX_TIMES (5) redirects in a row"


def test_a_redirect_to_a_file_url_is_not_followed(hostile):
    assert errors(hostile, "Hostile Clinic", "/blog/redirect-to-file/") == [
        "redirects to file:///etc/passwd: only http and https URLs are followed"]
    assert not list(hostile.db.query("SELECT * FROM fetches WHERE url NOT LIKE 'http%'"))


def test_dead_urls_of_a_sitemap_are_recorded(hostile):
    for path, status in [("/blog/dead-one/", 404), ("/blog/dead-two/", 404), ("/blog/dead-three/", 410)]:
        assert [(r["status"], r["purpose"]) for r in rows(hostile, "Dead Sitemap Clinic", path)] == [(status, "page")]


def test_binary_content_served_as_html_is_skipped_with_an_error(hostile):
    [row] = rows(hostile, "Hostile Clinic", "/blog/binary-post/")
    assert row["status"] == 200 and "but is a PNG image; skipped" in row["error"]


@pytest.mark.parametrize("path", ["/blog/cp1252-post/", "/blog/cp1252-meta-post/"])
def test_windows_1252_pages_keep_their_characters(hostile, path):
    assert CP1252_PHRASE in post_text(hostile, "Hostile Clinic", path)


def test_invalid_utf8_bytes_are_read_as_windows_1252_and_the_valid_rest_as_utf8(hostile):
    text = post_text(hostile, "Hostile Clinic", "/blog/bad-utf8-post/")
    assert BAD_UTF8_PHRASE in text and UTF8_PHRASE in text and "\ufffd" not in text


def test_malformed_html_gives_its_text(hostile):
    text = " ".join(post_text(hostile, "Hostile Clinic", "/blog/malformed-post/").split())
    for paragraph in generated_paragraphs(6, relevant=False):
        assert paragraph in text
    assert "Closing words of the malformed post are here" in text


def test_an_empty_page_is_an_error(hostile):
    assert errors(hostile, "Hostile Clinic", "/blog/empty-post/") == ["empty response body (200 with no content)"]


def test_a_javascript_shell_is_a_failed_fetch_not_an_empty_post(hostile):
    [row] = rows(hostile, "Hostile Clinic", "/blog/js-shell-post/")
    assert row["status"] == 200 and row["error"].startswith("post page has no text in its HTML")
    assert not list(hostile.db.query("SELECT id FROM posts WHERE url LIKE '%js-shell%' OR word_count = 0"))


def test_a_page_over_download_maxsize_is_cancelled(hostile):
    declared = rows(hostile, "Hostile Clinic", "/blog/huge-post/")
    assert declared and all(r["status"] is None and "larger than DOWNLOAD_MAXSIZE (10485760 bytes)" in r["error"]
                            for r in declared)
    streamed = rows(hostile, "Hostile Clinic", "/blog/huge-stream-post/")
    assert streamed and all(r["status"] is None for r in streamed)
    assert any("larger than DOWNLOAD_MAXSIZE" in r["error"] for r in streamed)


def test_a_slow_page_times_out(hostile):
    slow = errors(hostile, "Hostile Clinic", "/blog/slow-post/")
    assert len(slow) == RETRIES + 1
    assert all(e.startswith("DownloadTimeoutError") and "DOWNLOAD_TIMEOUT" in e for e in slow)


def test_a_gzip_bomb_stops_inflating_at_download_maxsize(hostile):
    bomb = [r for r in rows(hostile, "Hostile Clinic", "/blog/bomb-post/") if r["status"] == 200]
    assert bomb and all(r["bytes"] < 3_000_000 for r in bomb)  # small on the wire
    assert all("inflates past DOWNLOAD_MAXSIZE (10485760 bytes): a compression bomb?" in r["error"] for r in bomb)
    inflated = [int(n) for r in bomb for n in re.findall(r"(\d+) B decompressed so far", r["error"])]
    assert inflated and max(inflated) < 11 * 1024 * 1024


def test_a_reset_connection_is_recorded(hostile):
    reset = errors(hostile, "Hostile Clinic", "/blog/reset-post/")
    assert len(reset) == RETRIES + 1 and all("the connection closed before" in e for e in reset)


def test_a_sitemap_with_xml_entities_is_not_expanded(hostile):
    [row] = rows(hostile, "Entity Sitemap Clinic", "/post-sitemap.xml")
    assert row["status"] == 200 and row["error"].startswith("XML declares entities")
    assert not list(hostile.db.query("SELECT url FROM fetches WHERE url LIKE '%lol%'"))


def test_sitemaps_nested_too_deep_are_not_fetched(hostile):
    site = hostile.sites["Nested Sitemap Clinic"]
    assert errors(hostile, "Nested Sitemap Clinic", "/posts-sitemap-4.xml") == [
        "not fetched: sitemaps nested 4 deep; CLINICWATCH_MAX_SITEMAP_DEPTH is 3"]
    assert [site.requested(f"/posts-sitemap-{n}.xml") for n in range(1, NESTING + 1)] == [1, 1, 1, 0, 0, 0]
    assert site.requested("/blog/deep-post/") == 0


def test_a_sitemap_over_its_size_limit_is_cancelled(hostile):
    [row] = rows(hostile, "Big Sitemap Clinic", "/post-sitemap.xml")
    assert row["status"] is None and "larger than CLINICWATCH_MAX_SITEMAP_BYTES (100000 bytes)" in row["error"]
    assert not list(hostile.db.query("SELECT url FROM fetches WHERE url LIKE '%/blog/listed-%'"))


def test_robots_txt_answering_500_keeps_the_crawler_off_the_site(hostile):
    robots = rows(hostile, "Robots Error Clinic", "/robots.txt")
    assert {r["status"] for r in robots} == {500}
    assert any("nothing of this site is crawled until it answers (RFC 9309" in (r["error"] or "") for r in robots)
    site = hostile.sites["Robots Error Clinic"]
    assert {path for path in site.requests} == {"/robots.txt"}


def test_a_garbled_robots_txt_has_no_rules(hostile):
    assert [r["status"] for r in rows(hostile, "Robots Garbage Clinic", "/robots.txt")][0] == 200
    assert "A post beside a garbled robots.txt" in stored_titles(hostile)["Robots Garbage Clinic"]


def test_a_huge_robots_txt_is_read_up_to_its_parsing_limit(hostile):
    # Its first rule is obeyed; the `Disallow: /` past CLINICWATCH_MAX_ROBOTS_BYTES is not.
    site = hostile.sites["Robots Huge Clinic"]
    assert site.requested("/blog/private/secret-post/") == 0
    assert "A post beside a huge robots.txt" in stored_titles(hostile)["Robots Huge Clinic"]


def test_traps_are_bounded(hostile):
    site = hostile.sites["Trap Clinic"]
    assert site.requested("/events/calendar/") == 0
    browsed = site.requested("/blog/browse/")
    assert 10 < browsed <= MAX_PAGES
    assert len(list(hostile.db.query(
        "SELECT f.id FROM fetches f JOIN sites s ON s.id = f.site_id WHERE s.name = 'Trap Clinic'"))) <= MAX_PAGES + 10


def test_a_host_that_does_not_resolve_is_recorded(hostile):
    failed = list(hostile.db.query(
        "SELECT f.* FROM fetches f JOIN sites s ON s.id = f.site_id WHERE s.name = 'Nowhere Clinic'"))
    assert failed and all(r["status"] is None and "the host name does not resolve" in r["error"] for r in failed)


def test_a_refused_connection_is_recorded(hostile):
    failed = list(hostile.db.query(
        "SELECT f.* FROM fetches f JOIN sites s ON s.id = f.site_id WHERE s.name = 'Closed Clinic'"))
    assert failed and all(r["status"] is None and "refused the connection" in r["error"] for r in failed)


# -- nothing let in ---------------------------------------------------------------------------
# The address checks themselves: tests/test_downloadermiddleware_privatehosts.py; proxies:
# tests/test_downloadermiddleware_httpproxy.py.

@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://clinic.example/x", "data:text/html,<p>x</p>",
                                 "s3://bucket/key", "gopher://clinic.example/1"])
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(RefusedTarget, match="only http and https"):
        RefusePrivateHosts(True).process_request(Request(url))
    # javascript: URLs cannot even become a request.
    with pytest.raises(ValueError, match="Missing scheme"):
        Request("javascript:alert(1)")


def test_failure_messages_name_the_cause():
    from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError
    assert describe_failure(DownloadCancelledError(), ("DOWNLOAD_MAXSIZE", 10)) == \
        "DownloadCancelledError: the response is larger than DOWNLOAD_MAXSIZE (10 bytes)"
    assert describe_failure(DownloadTimeoutError("Getting x took longer than 2 seconds.")).endswith(
        "(no answer within DOWNLOAD_TIMEOUT)")


def private_site() -> HostileSite:
    day_post = post_html("A post on this machine", generated_paragraphs(40, relevant=False), day=DAY)
    return HostileSite("Private Clinic", {
        "/robots.txt": serve(html("User-agent: *\nAllow: /\n")),
        "/blog/": serve(html('<a href="/blog/local-post/">post</a>')),
        "/blog/local-post/": serve(html(day_post)),
    })


def fake_dns_clinicwatch(*args, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The command line in its own process behind a fake name server (tests/fixtures/fake_dns.py)."""
    return subprocess.run([sys.executable, "-m", "tests.fixtures.fake_dns", *map(str, args)], capture_output=True,
                          text=True, timeout=300, env={**os.environ, **env})


@pytest.fixture(scope="module")
def private_crawl(tmp_path_factory):
    """One crawl without --allow-private-hosts of: a loopback site by address, the same by a name that
    resolves to loopback (localhost), and clinic.example, a public host stood in for by a loopback server
    (tests/fixtures/fake_dns.py, StandIns), whose posts redirect to loopback by address and by name."""
    tmp = tmp_path_factory.mktemp("private")
    local, secret = private_site(), HostileSite("Secret", {"/secret/": serve(html("<h1>internal</h1>"))})
    with serve_hostile([local, secret]) as base_urls:
        secret_port = base_urls["Secret"].rsplit(":", 1)[1]
        public = HostileSite("Public Clinic", {
            "/robots.txt": serve(html("User-agent: *\nAllow: /\n")),
            "/blog/": serve(html('<a href="/blog/moved-post/">post</a> <a href="/blog/renamed-post/">post</a>')),
            "/blog/moved-post/": redirect(base_urls["Secret"] + "/secret/"),
            "/blog/renamed-post/": redirect(f"http://localhost:{secret_port}/secret/"),
        })
        with serve_hostile([public]) as public_urls:
            host, public_port = public_urls["Public Clinic"].removeprefix("http://").rsplit(":", 1)
            port = base_urls[local.name].rsplit(":", 1)[1]
            sources = tmp / "sources.toml"
            sources.write_text(f'[[sites]]\nname = "By address"\nurl = "{base_urls[local.name]}/blog/"\n\n'
                               f'[[sites]]\nname = "By name"\nurl = "http://localhost:{port}/blog/"\n\n'
                               f'[[sites]]\nname = "Public Clinic"\nurl = "http://clinic.example:{public_port}/blog/"\n')
            result = fake_dns_clinicwatch(
                "crawl", "--sources", sources, "--db", tmp / "db.sqlite", *FAST,
                "-s", "TWISTED_DNS_RESOLVER=tests.fixtures.fake_dns.StandIns",
                env={"CLINICWATCH_TEST_PUBLIC": json.dumps({"clinic.example": host}), "http_proxy": "",
                     "https_proxy": ""})
    db = open_db(tmp / "db.sqlite")
    yield SimpleNamespace(result=result, local=local, secret=secret, public=public, secret_url=base_urls["Secret"],
                          secret_port=secret_port, public_port=public_port,
                          fetches={r["url"]: r for r in db.query("SELECT * FROM fetches")}, db=db)


def test_loopback_sites_are_refused_by_default(private_crawl):
    """Reached by address and through a DNS answer (localhost): nothing is asked of the server."""
    refused = [r for url, r in private_crawl.fetches.items() if "clinic.example" not in url]
    assert private_crawl.result.returncode == 0 and private_crawl.local.requests == []
    assert refused and all(r["status"] is None and "are not crawled unless --allow-private-hosts" in r["error"]
                           for r in refused)
    assert any(r["error"].startswith("refused localhost (127.0.0.1)") for r in refused)
    assert any(re.match(r"refused 127\.0\.0\.\d+ \(127\.0\.0\.\d+\)", r["error"]) for r in refused)


def test_a_redirect_from_a_public_host_to_loopback_is_refused(private_crawl):
    """By address (the middleware) and by name."""
    public = f"http://clinic.example:{private_crawl.public_port}"
    assert private_crawl.fetches[f"{public}/blog/moved-post/"]["status"] == 302
    assert private_crawl.fetches[f"{public}/blog/renamed-post/"]["status"] == 302
    by_address = private_crawl.fetches[private_crawl.secret_url + "/secret/"]
    assert by_address["status"] is None and by_address["error"].startswith("refused 127.")
    # By name it leaves the site, so StayOnSite ends it first; the resolver refuses the "By name" site.
    by_name = private_crawl.fetches.get(f"http://localhost:{private_crawl.secret_port}/secret/")
    assert by_name is None or by_name["status"] is None
    assert private_crawl.secret.requests == []
    assert "/blog/moved-post/" in private_crawl.public.requests
    assert not list(private_crawl.db.query("SELECT id FROM posts"))


def test_a_sources_file_with_a_typo_stops_before_any_crawling(tmp_path):
    site = private_site()
    with serve_hostile([site]) as base_urls:
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[sites]]\nname = "Typo Clinic"\nurl = "{base_urls[site.name]}/blog/"\n'
                           f'sitemap = ["{base_urls[site.name]}/sitemap.xml"]\n')
        result = clinicwatch("crawl", "--sources", sources, "--db", tmp_path / "db.sqlite", "--allow-private-hosts",
                             *FAST, check=False)
    assert result.returncode == 2
    assert f"{sources}:4: unknown key 'sitemap' in [[sites]]" in result.stderr
    assert site.requests == [] and not (tmp_path / "db.sqlite").exists()


def test_robots_txt_is_asked_for_once_per_site(hostile):
    """RobotsTxtMiddleware's answer also gives the spider its Sitemap: lines; only a 5xx is retried."""
    counts = {name: site.requested("/robots.txt") for name, site in hostile.sites.items()}
    assert counts == {name: RETRIES + 1 if name == "Robots Error Clinic" else 1 for name in hostile.sites}
