"""Issue 3's bar on nine loopback clinic sites in eight styles (WordPress with Yoast and with Rank Math,
hand-written, Squarespace, Ghost, Webflow, Wix, Shopify) plus a site of traps, crawled three times
in a row by one `clinicwatch` process per run:

1. `run` on fresh sites: every post stored, no other page; robots.txt obeyed; traps bounded;
   other hosts never contacted; the JavaScript-only post recorded as a failed fetch.
2. `crawl` with nothing changed: posts answer 304 or are skipped by sitemap lastmod.
3. `nightly` after one post is edited, one added and one deleted: exactly that is counted and
   named; no table holds a duplicate.
"""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from protego import Protego

from clinicwatch.demo import (
    demo_sites,
    expected_posts,
    non_post_urls,
    private_urls,
    serve_sites,
    write_sources,
)
from db import open_db
from pipeline.urls import normalize_url
from tests.conftest import FAST, clinicwatch
from tests.fixtures.discovery_sites import (
    NEW_POST,
    PrairieStyle,
    directory_site,
    discovery_sites,
    link_offsite,
    offsite_path,
)
from tests.fixtures.other_sites import other_sites

MAX_TRAP_PAGES = 50
# Prairie Light's traps, by the path prefixes of their pages.
TRAPS = {"events calendar": ("/events/", "/event/"), "resource filters": ("/resources/",)}
# A discovery path of each new style that only it exercises, requested on the first run.
DISCOVERY_PATHS = {
    "Solace Ketamine Wellness": ["/sitemap.xml", "/blog-posts-sitemap.xml", "/blog-feed.xml"],
    "Tidewater Ketamine & Wellness Co.": ["/sitemap.xml", "/sitemap_blogs_1.xml", "/blogs/news?page=2",
                                          "/blogs/news.atom"],
    "Bluestem Ketamine Clinic": ["/sitemap_index.xml", "/post-sitemap.xml", "/blog/page/2/", "/feed/"],
    "Prairie Light Ketamine Center": ["/rss.xml"],
}
EDITED = ("Tidewater Ketamine & Wellness Co.", "why-ketamine-works-fast")
DELETED = ("Bluestem Ketamine Clinic", "glutamate-101")
ADDED_TO = "Solace Ketamine Wellness"
EDIT = ("\n\nA reader asked how long the new synapses last. In animal studies many of the dendritic spines that "
        "ketamine helps to grow are still there weeks later, above all when the circuits they join are used.\n")


def requests_since(sites, marks: dict[str, int]) -> dict[str, list[str]]:
    return {site.name: site.requests[marks[site.name]:] for site in sites}


def crawl(sites, command: str, *args) -> SimpleNamespace:
    """Run one clinicwatch command over all sites; what each server was asked meanwhile."""
    marks = {site.name: len(site.requests) for site in sites}
    result = clinicwatch(command, *args, *FAST)
    return SimpleNamespace(result=result, requests=requests_since(sites, marks))


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("discovery")
    crawled = demo_sites() + other_sites() + discovery_sites()
    directory = directory_site()
    served = crawled + [directory]
    with serve_sites(served) as base_urls:
        link_offsite(crawled, directory, base_urls)
        sources = write_sources(tmp / "sources.toml", base_urls, crawled)
        db_path = tmp / "clinicwatch.db"
        common = ["--sources", sources, "--db", db_path, "--allow-private-hosts"]
        truth = SimpleNamespace(expected=expected_posts(crawled, base_urls),
                                non_posts=non_post_urls(crawled, base_urls))
        first = crawl(served, "run", *common)
        second = crawl(served, "crawl", *common)

        by_name = {site.name: site for site in crawled}
        edited = by_name[EDITED[0]].set_post_text(EDITED[1], by_name[EDITED[0]].posts[EDITED[1]].body + EDIT)
        deleted = by_name[DELETED[0]].posts[DELETED[1]]
        by_name[DELETED[0]].remove_post(DELETED[1])
        by_name[ADDED_TO].add_post(NEW_POST)
        third = crawl(served, "nightly", *common, "--reports", tmp / "reports")
        yield SimpleNamespace(sites=crawled, by_name=by_name, directory=directory, base_urls=base_urls,
                              db=open_db(db_path), truth=truth, runs=[first, second, third],
                              edited=edited, deleted=deleted, added=NEW_POST)


def db_posts(db) -> list[dict]:
    return list(db.query("SELECT p.*, s.name AS site FROM posts p JOIN sites s ON s.id = p.site_id"))


def run_ids(db) -> list[int]:
    return [row["id"] for row in db.query("SELECT id FROM crawl_runs ORDER BY id")]


def outcomes(db, run_id: int) -> list[tuple[str, str]]:
    """(outcome, url) of what a run did to posts other than finding them unchanged."""
    return [(row["outcome"], row["url"]) for row in db.query(
        "SELECT r.outcome, p.url FROM run_posts r JOIN posts p ON p.id = r.post_id WHERE r.run_id = ? "
        "AND r.outcome != 'unchanged' ORDER BY r.outcome, p.url", [run_id])]


def post_url(runs, site_name: str, slug: str) -> str:
    site = runs.by_name[site_name]
    return runs.base_urls[site_name] + site.style.post_path(site.posts.get(slug) or runs.deleted)


# -- first run: what is stored -------------------------------------------------------------


def test_every_post_is_stored_and_no_other_page(three_runs):
    stored = Counter(normalize_url(p["url"]) for p in db_posts(three_runs.db))
    expected = {normalize_url(e["url"]) for e in three_runs.truth.expected}
    added = normalize_url(post_url(three_runs, ADDED_TO, NEW_POST.slug))
    assert sorted(expected - set(stored)) == []
    assert sorted(set(stored) - expected - {added}) == []
    assert {url for url, count in stored.items() if count > 1} == set()
    assert not set(stored) & {normalize_url(u) for u in three_runs.truth.non_posts}


def test_each_discovery_path_is_used(three_runs):
    first = three_runs.runs[0].requests
    missing = {name: [path for path in paths if path not in first[name]] for name, paths in DISCOVERY_PATHS.items()}
    assert {name: paths for name, paths in missing.items() if paths} == {}


def test_javascript_only_post_is_a_failed_fetch_not_a_post(three_runs):
    prairie = three_runs.by_name["Prairie Light Ketamine Center"]
    shell = three_runs.base_urls[prairie.name] + f"/journal/{PrairieStyle.shell_slug}/"
    first_run = run_ids(three_runs.db)[0]
    errors = [row["error"] for row in three_runs.db.query(
        "SELECT error FROM fetches WHERE run_id = ? AND url = ?", [first_run, shell])]
    assert errors and all(error and "no text in its HTML" in error for error in errors)
    assert three_runs.db.execute("SELECT COUNT(*) FROM posts WHERE url = ? OR fetched_url = ?",
                                 [shell, shell]).fetchone()[0] == 0


# -- every run: politeness, traps, other hosts ----------------------------------------------


def robots_of(site, base_url: str) -> Protego:
    return Protego.parse(site.respond("/robots.txt", base_url).body_bytes.decode())


def test_disallowed_urls_are_linked_from_the_listings():
    """Otherwise obeying robots.txt would be no feat: the crawler reads every link of a listing."""
    sites = discovery_sites()
    directory = directory_site()
    base_urls = {site.name: f"http://127.0.0.1:{8000 + i}" for i, site in enumerate(sites + [directory])}
    link_offsite(sites, directory, base_urls)
    for site in sites:
        listing = site.respond(site.listing_path, base_urls[site.name]).body_bytes.decode()
        private = [urlsplit(url) for url in private_urls([site], base_urls)]
        unlinked = [p.path for p in private if f'"{base_urls[site.name]}{p.path}' not in listing
                    and f'"{p.path}{"?" + p.query if p.query else ""}"' not in listing]
        assert private and unlinked == [], site.name


@pytest.mark.parametrize("run", [0, 1, 2], ids=["first", "unchanged", "edited"])
def test_no_disallowed_url_is_fetched(three_runs, run):
    requests = three_runs.runs[run].requests
    fetched = {(name, path) for name, paths in requests.items() for path in paths}
    private = {(site.name, urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else ""))
               for site in three_runs.sites for url in private_urls([site], three_runs.base_urls)}
    assert private and fetched & private == set()
    disallowed = []
    for site in three_runs.sites:
        base = three_runs.base_urls[site.name]
        robots = robots_of(site, base)
        disallowed += [(site.name, path) for path in requests[site.name] if not robots.can_fetch(base + path, "*")]
    assert disallowed == []


@pytest.mark.parametrize("run", [0, 1, 2], ids=["first", "unchanged", "edited"])
@pytest.mark.parametrize("trap", sorted(TRAPS))
def test_traps_are_bounded(three_runs, run, trap):
    requests = three_runs.runs[run].requests["Prairie Light Ketamine Center"]
    pages = [path for path in requests if path.startswith(TRAPS[trap])]
    assert len(pages) <= MAX_TRAP_PAGES, f"{len(pages)} pages of the {trap}, e.g. {pages[-3:]}"


def test_other_hosts_are_never_contacted(three_runs):
    assert three_runs.directory.requests == []
    neighbour_paths = [(site.name, path) for site in three_runs.sites for path in site.requests
                       if path.startswith(offsite_path(site).rsplit("/", 1)[0])]
    assert neighbour_paths == []


# -- second run: nothing changed -------------------------------------------------------------


def test_unchanged_posts_answer_304_or_are_skipped(three_runs):
    db = three_runs.db
    second_run = run_ids(db)[1]
    full = {normalize_url(row["url"]) for row in db.query(
        "SELECT url FROM fetches WHERE run_id = ? AND status = 200", [second_run])}
    posts = [normalize_url(e["url"]) for e in three_runs.truth.expected]
    refetched = [url for url in posts if url in full]
    assert len(refetched) <= 0.1 * len(posts), refetched
    first, second = (db["crawl_runs"].get(run_id) for run_id in run_ids(db)[:2])
    assert (second["posts_new"], second["posts_changed"], second["posts_removed"]) == (0, 0, 0), \
        outcomes(db, second_run)
    assert second["posts_unchanged"] == first["posts_new"]


# -- third run: one edited, one added, one deleted ---------------------------------------------


def test_one_changed_one_new_one_removed(three_runs):
    db = three_runs.db
    third_run = run_ids(db)[2]
    run = db["crawl_runs"].get(third_run)
    assert (run["posts_new"], run["posts_changed"], run["posts_removed"]) == (1, 1, 1), outcomes(db, third_run)
    assert {outcome: normalize_url(url) for outcome, url in outcomes(db, third_run)} == {
        "new": normalize_url(post_url(three_runs, ADDED_TO, NEW_POST.slug)),
        "changed": normalize_url(post_url(three_runs, *EDITED)),
        "removed": normalize_url(post_url(three_runs, *DELETED))}


def test_the_digest_names_them(three_runs):
    stdout = three_runs.runs[2].result.stdout
    for outcome, title in (("new", three_runs.added.title), ("changed", three_runs.edited.title),
                           ("removed", three_runs.deleted.title)):
        assert f"{outcome} relevant posts: 1" in stdout
        assert title in stdout


def test_removed_post_is_kept_and_edited_post_has_two_versions(three_runs):
    db = three_runs.db
    removed = db.execute("SELECT removed_at FROM posts WHERE url = ?",
                         [post_url(three_runs, *DELETED)]).fetchone()
    assert removed is not None and removed[0]
    versions = db.execute("SELECT COUNT(*) FROM post_versions v JOIN posts p ON p.id = v.post_id WHERE p.url = ?",
                          [post_url(three_runs, *EDITED)]).fetchone()[0]
    assert versions == 2


def test_three_runs_leave_no_duplicate_rows(three_runs):
    db = three_runs.db
    assert db.execute("SELECT COUNT(*) FROM sites").fetchone()[0] == len(three_runs.sites)
    urls = Counter(normalize_url(p["url"]) for p in db_posts(db))
    assert [url for url, n in urls.items() if n > 1] == []
    # One version per distinct text: only the edited post has two.
    versions = dict(db.execute("SELECT post_id, COUNT(*) FROM post_versions GROUP BY post_id").fetchall())
    same_text = db.execute("SELECT COUNT(*) FROM (SELECT post_id, text FROM post_versions GROUP BY post_id, text "
                           "HAVING COUNT(*) > 1)").fetchone()[0]
    assert sorted(versions.values()) == [1] * (len(urls) - 1) + [2] and same_text == 0
    # Two summarize passes, one summary per post text and model.
    summaries = db.execute("SELECT COUNT(*) FROM (SELECT post_id, content_hash, model FROM summaries "
                           "GROUP BY post_id, content_hash, model HAVING COUNT(*) > 1)").fetchone()[0]
    assert summaries == 0
    runs = db.execute("SELECT COUNT(*), COUNT(DISTINCT run_id || '/' || post_id) FROM run_posts").fetchone()
    assert runs[0] == runs[1]
    assert db.execute("SELECT COUNT(*) FROM post_html").fetchone()[0] == len(urls)
