"""crawler.downloadermiddlewares.knownfailures.SkipKnownFailures: a URL that failed in a way that does
not go away by itself (larger than its size limit, a compression bomb, binary served as HTML, XML
declaring entities, a redirect loop) is not downloaded again until its wait has passed (1, 2, 4 ...
days, at most 30), a row of `fetches` saying so; a good answer or a new sitemap lastmod forgets it.
Checked from the server's side, over two runs of the hostile sites and three of a small site."""

import json
import re
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from clinicwatch.demo.markup import sitemap_urlset, xml_page
from clinicwatch.demo.model import Page
from db import open_db, store
from db.schema import MIGRATIONS, schema_version
from tests.conftest import FAST, clinicwatch
from tests.fixtures.hostile_sites import (
    HTML,
    MIB,
    PNG_BYTES,
    HostileSite,
    good_post,
    hostile_sites,
    html,
    listing_html,
    oversized,
    redirect,
    serve,
    serve_hostile,
    with_base,
    write_hostile_sources,
)

# As tests/test_bad_input.py crawls them.
HOSTILE_SETTINGS = ["--max-pages-per-site", "60", "-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=1",
                    "-s", "CLINICWATCH_MAX_SITEMAP_BYTES=100000"]
# What fails lastingly on the hostile sites, by site and the path the crawl asks for.
LASTING = {
    ("Hostile Clinic", "/blog/huge-post/"): "larger than DOWNLOAD_MAXSIZE",
    ("Hostile Clinic", "/blog/huge-stream-post/"): "larger than DOWNLOAD_MAXSIZE",
    ("Hostile Clinic", "/blog/bomb-post/"): "a compression bomb?",
    ("Hostile Clinic", "/blog/binary-post/"): "but is a PNG image; skipped",
    ("Hostile Clinic", "/blog/loop-a/"): "redirect loop: ",
    ("Hostile Clinic", "/blog/endless-redirect/0/"): "more than REDIRECT_MAX_TIMES (5) redirects in a row",
    ("Entity Sitemap Clinic", "/post-sitemap.xml"): "XML declares entities",
    ("Big Sitemap Clinic", "/post-sitemap.xml"): "larger than CLINICWATCH_MAX_SITEMAP_BYTES",
}
# What else those URLs lead to on the server (redirect hops).
FOLLOWERS = {("Hostile Clinic", "/blog/loop-a/"): ["/blog/loop-b/"],
             ("Hostile Clinic", "/blog/endless-redirect/0/"): [f"/blog/endless-redirect/{n}/" for n in range(1, 6)]}


def crawl(sources, db_path, *settings):
    return clinicwatch("crawl", "--sources", sources, "--db", db_path, "--allow-private-hosts", *FAST, *settings)


def run_fetches(db, run_id: int) -> dict[str, list[dict]]:
    by_url: dict[str, list[dict]] = {}
    for row in db.query("SELECT * FROM fetches WHERE run_id = ? ORDER BY id", [run_id]):
        by_url.setdefault(row["url"], []).append(row)
    return by_url


@pytest.fixture(scope="module")
def hostile_twice(tmp_path_factory):
    sites = hostile_sites()
    by_name = {s.name: s for s in sites}
    tmp = tmp_path_factory.mktemp("known-failures")
    with serve_hostile(sites) as base_urls:
        sources = write_hostile_sources(tmp / "sources.toml", base_urls, sites)
        db_path = tmp / "hostile.db"
        crawl(sources, db_path, *HOSTILE_SETTINGS)
        first = {name: list(site.requests) for name, site in by_name.items()}
        for site in sites:
            site.requests.clear()
        second = crawl(sources, db_path, *HOSTILE_SETTINGS)
        stats = clinicwatch("stats", "--db", db_path, "--json")
        stats_text = clinicwatch("stats", "--db", db_path)
    db = open_db(db_path)
    yield SimpleNamespace(sites=by_name, base_urls=base_urls, db=db, first=first, second=second, stats=stats,
                          stats_text=stats_text.stdout, failing={r["url"]: r for r in db.query(
                              "SELECT * FROM failing_urls")})


def test_the_first_run_remembers_every_lasting_failure(hostile_twice):
    for (site, path), reason in LASTING.items():
        assert path in hostile_twice.first[site]
        row = hostile_twice.failing[hostile_twice.base_urls[site] + path]
        assert reason in row["reason"] and row["failures"] == 1, (site, path, row)
    assert len(hostile_twice.failing) == len(LASTING)  # timeouts, resets, 404s and 5xx are not lasting


def test_the_second_run_asks_for_none_of_them(hostile_twice):
    for (site, path) in LASTING:
        asked = [p for p in hostile_twice.sites[site].requests if p in [path, *FOLLOWERS.get((site, path), [])]]
        assert asked == [], (site, path)
    # ... while the rest of the sites is crawled as before, the pages that may recover included.
    hostile = hostile_twice.sites["Hostile Clinic"]
    assert {"/blog/slow-post/", "/blog/reset-post/", "/blog/broken-post/", "/blog/plain-post/"} <= set(hostile.requests)


def test_each_skip_is_a_fetch_row_with_its_date_count_and_reason(hostile_twice):
    run_id = hostile_twice.db.execute("SELECT MAX(id) FROM crawl_runs").fetchone()[0]
    fetches = run_fetches(hostile_twice.db, run_id)
    until = (datetime.now(timezone.utc) + timedelta(days=1)).date()
    for (site, path), reason in LASTING.items():
        [row] = fetches[hostile_twice.base_urls[site] + path]
        assert row["status"] is None and row["bytes"] is None
        match = re.fullmatch(r"skipped until (\S+) after 1 failure: (.*)", row["error"])
        assert match and abs((datetime.fromisoformat(match[1]).date() - until).days) <= 1, row["error"]
        assert reason in match[2]


def test_stats_show_the_skipped_urls(hostile_twice):
    listed = json.loads(hostile_twice.stats.stdout)
    assert {f["url"] for f in listed["failing_urls"]} == set(hostile_twice.failing)
    per_site = {s["site"]: s["failing_urls"] for s in listed["sites"]}
    assert per_site["Hostile Clinic"] == 6 and per_site["Entity Sitemap Clinic"] == 1
    assert "Skipped after lasting failures" in hostile_twice.stats_text
    assert hostile_twice.base_urls["Hostile Clinic"] + "/blog/bomb-post/" in hostile_twice.stats_text


# -- what ends the wait -----------------------------------------------------------------------

def small_site(state: dict) -> HostileSite:
    """A binary "post" listed in a sitemap with a lastmod, a redirect loop and an oversized page."""
    def sitemap(base: str) -> Page:
        return xml_page(sitemap_urlset([(f"{base}/blog/binary-post/", state["lastmod"])]), "sitemap")
    return HostileSite("Recovering Clinic", {
        "/robots.txt": with_base(lambda base: Page(200, "text/plain", f"Sitemap: {base}/post-sitemap.xml\n")),
        "/post-sitemap.xml": with_base(sitemap),
        "/blog/": serve(html(listing_html("Recovering Clinic blog", ["/blog/loop-a/", "/blog/huge-post/"]))),
        "/blog/binary-post/": serve(Page(200, HTML, PNG_BYTES)),
        "/blog/loop-a/": redirect("/blog/loop-b/"),
        "/blog/loop-b/": redirect("/blog/loop-a/"),
        "/blog/huge-post/": oversized(11 * MIB, declare_length=True),
    })


def test_a_new_lastmod_or_a_good_answer_ends_the_wait_and_another_failure_doubles_it(tmp_path):
    state = {"lastmod": date(2025, 3, 1)}
    site = small_site(state)
    with serve_hostile([site]) as base_urls:
        base = base_urls[site.name]
        sources = write_hostile_sources(tmp_path / "sources.toml", base_urls, [site], unreachable=False)
        db_path = tmp_path / "db.sqlite"
        crawl(sources, db_path)
        db = open_db(db_path)
        assert {r["url"]: r["failures"] for r in db.query("SELECT * FROM failing_urls")} == {
            f"{base}/blog/binary-post/": 1, f"{base}/blog/loop-a/": 1, f"{base}/blog/huge-post/": 1}
        assert db.execute("SELECT lastmod FROM failing_urls WHERE url LIKE '%binary%'").fetchone()[0] == "2025-03-01"

        # The sitemap says the binary post changed; the loop now answers with a post; the oversized
        # page's wait has passed (as it would have a day later) but it is as large as ever.
        state["lastmod"] = date(2025, 3, 5)
        site.routes["/blog/loop-a/"] = serve(html(good_post("The loop is fixed", 300)))
        db.execute("UPDATE failing_urls SET skip_until = '2000-01-01T00:00:00Z'"
                   " WHERE url LIKE '%/loop-a/' OR url LIKE '%/huge-post/'")
        site.requests.clear()
        crawl(sources, db_path)
    assert sorted(p for p in site.requests if p.startswith("/blog/") and p != "/blog/") == [
        "/blog/binary-post/", "/blog/huge-post/", "/blog/loop-a/"]
    failing = {r["url"]: r for r in db.query("SELECT * FROM failing_urls")}
    assert set(failing) == {f"{base}/blog/binary-post/", f"{base}/blog/huge-post/"}  # the loop is forgotten
    binary = failing[f"{base}/blog/binary-post/"]
    assert binary["failures"] == 1 and binary["lastmod"] == "2025-03-05"  # a new page, failing for the first time
    huge = failing[f"{base}/blog/huge-post/"]
    waited = datetime.fromisoformat(huge["skip_until"]) - datetime.fromisoformat(huge["last_failed_at"])
    assert huge["failures"] == 2 and waited == timedelta(days=2)
    assert db.execute("SELECT title FROM posts WHERE url = ?", [f"{base}/blog/loop-a/"]).fetchone()[0] == \
        "The loop is fixed"


def test_the_wait_doubles_up_to_30_days_and_counts_a_run_once(tmp_path):
    db = open_db(tmp_path / "db.sqlite")
    assert schema_version(db) == len(MIGRATIONS)
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    waits = []
    for run in range(1, 8):
        row = store.remember_failure(db, None, "https://c.example/bomb/", None, "a compression bomb?", now=now)
        waits.append((datetime.fromisoformat(row["skip_until"]) - now).days)
    assert waits == [1, 2, 4, 8, 16, 30, 30]
    run_id = store.start_run(db)
    first = store.remember_failure(db, run_id, "https://c.example/loop/", None, "redirect loop: a → b → a", now=now)
    again = store.remember_failure(db, run_id, "https://c.example/loop/", None, "redirect loop: a → b → a", now=now)
    assert first["failures"] == again["failures"] == 1
    store.forget_failure(db, "https://c.example/loop/")
    assert db.execute("SELECT COUNT(*) FROM failing_urls WHERE url LIKE '%loop%'").fetchone()[0] == 0


def test_it_is_a_setting(tmp_path):
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from crawler.downloadermiddlewares.knownfailures import SkipKnownFailures

    recorded = {"EXTENSIONS": {"pipeline.crawl_run.CrawlRun": 100}, "CLINICWATCH_DB": str(tmp_path / "c.db")}
    with pytest.raises(NotConfigured):
        SkipKnownFailures.from_crawler(get_crawler(settings_dict={**recorded, "CLINICWATCH_SKIP_KNOWN_FAILURES": False}))
    assert SkipKnownFailures.from_crawler(get_crawler(settings_dict={**recorded, "CLINICWATCH_SKIP_KNOWN_FAILURES": True}))
    # A spider that records nothing (sources check: no CrawlRun) has no failures to read.
    with pytest.raises(NotConfigured):
        SkipKnownFailures.from_crawler(get_crawler(settings_dict={"CLINICWATCH_SKIP_KNOWN_FAILURES": True}))


def test_robots_txt_is_never_skipped(tmp_path):
    from scrapy import Request
    from scrapy.http.request import NO_CALLBACK
    from scrapy.utils.test import get_crawler

    from crawler.downloadermiddlewares.knownfailures import (
        KnownFailure,
        SkipKnownFailures,
    )
    from pipeline.crawl_run import CrawlRun

    crawler = get_crawler(settings_dict={"CLINICWATCH_DB": str(tmp_path / "db.sqlite"),
                                         "CLINICWATCH_SKIP_KNOWN_FAILURES": True,
                                         "EXTENSIONS": {"pipeline.crawl_run.CrawlRun": 100}})
    run = crawler.get_extension(CrawlRun)
    run.spider_opened(SimpleNamespace(sources=[]))
    for url in ("https://c.example/robots.txt", "https://c.example/blog/bomb/"):
        store.remember_failure(run.db, None, url, None, "a compression bomb?")
    skipper = SkipKnownFailures.from_crawler(crawler)
    rules = Request("https://c.example/robots.txt", meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
    assert skipper.process_request(rules) is None
    with pytest.raises(KnownFailure, match=r"skipped until \S+ after 1 failure: a compression bomb\?"):
        skipper.process_request(Request("https://c.example/blog/bomb/"))
    run.db.close()
