"""Crawl the demo sites and two fixture sites in other styles (served on loopback) with
`clinicwatch run`, then check what the contract of docs/database.md promises."""

from collections import Counter
from urllib.parse import urlsplit

from clinicwatch.demo import (
    CHROME_PHRASES,
    demo_sites,
    private_urls,
    serve_sites,
    write_sources,
)
from clinicwatch.demo.model import Post
from db import open_db
from pipeline.sentences import split_sentences
from pipeline.urls import normalize_url
from tests.conftest import FAST, clinicwatch
from tests.fixtures.other_sites import OTHER_CHROME_PHRASES


def posts(db):
    return list(db.query("SELECT p.*, s.name AS site FROM posts p JOIN sites s ON s.id = p.site_id"))


def test_every_post_is_stored_and_no_other_page(crawled_demo):
    stored = Counter(normalize_url(p["url"]) for p in posts(crawled_demo.db))
    expected = {normalize_url(e["url"]) for e in crawled_demo.expected}
    assert set(stored) == expected
    assert max(stored.values()) == 1
    assert not set(stored) & {normalize_url(u) for u in crawled_demo.non_posts}


def test_relevance_flags_match_the_labels(crawled_demo):
    labels = {normalize_url(e["url"]): e["relevant"] for e in crawled_demo.expected}
    wrong = [(p["title"], p["is_relevant"]) for p in posts(crawled_demo.db)
             if bool(p["is_relevant"]) != labels[normalize_url(p["url"])]]
    assert wrong == []
    assert sum(labels.values()) >= 8 and len(labels) - sum(labels.values()) >= 8


def test_syndicated_copy_points_to_the_earliest_post(crawled_demo):
    by_url = {normalize_url(p["url"]): p for p in posts(crawled_demo.db)}
    groups = {}
    for e in crawled_demo.expected:
        if e["duplicate_group"]:
            groups.setdefault(e["duplicate_group"], []).append(by_url[normalize_url(e["url"])])
    assert groups
    for members in groups.values():
        head, *copies = sorted(members, key=lambda p: p["published_at"])
        assert head["duplicate_of"] is None
        assert [c["duplicate_of"] for c in copies] == [head["id"]] * len(copies)
        assert len({c["site"] for c in members}) == len(members)  # copies across sites
    grouped = {p["id"] for members in groups.values() for p in members}
    assert all(p["duplicate_of"] is None for p in posts(crawled_demo.db) if p["id"] not in grouped)


def test_titles_dates_and_authors(crawled_demo):
    by_url = {normalize_url(p["url"]): p for p in posts(crawled_demo.db)}
    for e in crawled_demo.expected:
        stored = by_url[normalize_url(e["url"])]
        assert stored["title"] == e["title"]
        assert stored["published_at"] == e["published_at"], stored["url"]


def test_no_site_chrome_in_stored_text(crawled_demo):
    leaks = [(p["url"], phrase) for p in posts(crawled_demo.db)
             for phrase in CHROME_PHRASES + OTHER_CHROME_PHRASES if phrase.lower() in p["text"].lower()]
    assert leaks == []


def test_stored_text_keeps_the_post_paragraphs(crawled_demo):
    by_url = {normalize_url(p["url"]): p for p in posts(crawled_demo.db)}
    for e in crawled_demo.expected:
        stored = by_url[normalize_url(e["url"])]["text"]
        paragraphs = [para for para in e["text"].split("\n\n") if len(para.split()) > 8]
        missing = [para for para in paragraphs if " ".join(para.split()) not in " ".join(stored.split())]
        assert missing == [], e["url"]
        assert "\n\n" in stored


def test_summaries_for_relevant_originals_are_sentences_of_the_post(crawled_demo):
    db = crawled_demo.db
    wanted = [p for p in posts(db) if p["is_relevant"] and p["duplicate_of"] is None]
    assert wanted
    for post in wanted:
        rows = list(db.query("SELECT * FROM summaries WHERE post_id = ? AND content_hash = ?",
                             [post["id"], post["content_hash"]]))
        assert len(rows) == 1 and rows[0]["method"] == "extractive"
        sentences = [s.text for s in split_sentences(rows[0]["summary"])]
        # At most five sentences (issue 14: 3 to 5 by post length, fewer only for short posts).
        assert 2 <= len(sentences) <= 5
        assert all(s in post["text"] for s in sentences), post["url"]
    unsummarized = [p["url"] for p in posts(db) if not p["is_relevant"] or p["duplicate_of"]]
    assert unsummarized
    assert [u for u in unsummarized if list(db.query(
        "SELECT 1 FROM summaries JOIN posts ON posts.id = summaries.post_id WHERE posts.url = ?", [u]))] == []
    assert db.execute("SELECT COUNT(*) FROM summaries").fetchone()[0] == len(wanted)


def test_every_request_is_a_fetch_row_and_no_disallowed_url_is_fetched(crawled_demo):
    fetched = Counter()
    for row in crawled_demo.db.query("SELECT url FROM fetches"):
        parts = urlsplit(row["url"])
        fetched[(parts.netloc, parts.path + (f"?{parts.query}" if parts.query else ""))] += 1
    served = Counter()
    for site in crawled_demo.sites:
        netloc = urlsplit(crawled_demo.base_urls[site.name]).netloc
        served.update((netloc, path) for path in site.requests)
    assert fetched == served
    disallowed = {u.split("/", 3)[3] for u in private_urls(crawled_demo.sites, crawled_demo.base_urls)}
    assert disallowed and not {path.lstrip("/") for _, path in served} & disallowed


def test_the_run_is_recorded(crawled_demo):
    db = crawled_demo.db
    (run,) = list(db.query("SELECT * FROM crawl_runs"))
    assert run["status"] == "ok" and run["finished_at"]
    assert run["posts_new"] == len(crawled_demo.expected)
    assert run["pages_fetched"] == db.execute("SELECT COUNT(*) FROM fetches").fetchone()[0]
    assert f"crawl run {run['id']}: ok" in crawled_demo.result.stdout
    versions = db.execute("SELECT COUNT(*) FROM post_versions").fetchone()[0]
    assert versions == len(crawled_demo.expected)


def test_full_text_search_finds_posts(crawled_demo):
    hits = list(crawled_demo.db.query(
        "SELECT p.title FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid WHERE posts_fts MATCH 'dendritic'"))
    assert hits and all(h["title"] for h in hits)


def test_private_hosts_are_refused_without_the_flag(tmp_path):
    sites = demo_sites()[:1]
    with serve_sites(sites) as base_urls:
        sources = write_sources(tmp_path / "sources.toml", base_urls, sites)
        result = clinicwatch("crawl", "--sources", sources, "--db", tmp_path / "cw.db", *FAST)
    db = open_db(tmp_path / "cw.db")
    assert sites[0].requests == []
    errors = [r["error"] for r in db.query("SELECT error FROM fetches")]
    assert errors and all("--allow-private-hosts" in e for e in errors)
    assert db.execute("SELECT COUNT(*) FROM posts").fetchone()[0] == 0
    assert "partial" in result.stdout


def test_recrawl_is_incremental_and_records_changes(tmp_path):
    sites = demo_sites()
    with serve_sites(sites) as base_urls:
        sources = write_sources(tmp_path / "sources.toml", base_urls, sites)
        db_path = tmp_path / "cw.db"
        clinicwatch("crawl", "--sources", sources, "--db", db_path, "--allow-private-hosts", *FAST)
        db = open_db(db_path)
        total = db.execute("SELECT COUNT(*) FROM posts").fetchone()[0]

        clinicwatch("crawl", "--sources", sources, "--db", db_path, "--allow-private-hosts", *FAST)
        second = db["crawl_runs"].get(2)
        assert (second["posts_new"], second["posts_changed"], second["posts_unchanged"]) == (0, 0, total)
        # Every known post answered 304 or was not asked for at all (its sitemap lastmod predates our visit).
        statuses = Counter(row["status"] for row in db.query(
            "SELECT f.status FROM fetches f JOIN posts p ON p.fetched_url = f.url WHERE f.run_id = 2"))
        assert set(statuses) <= {304} and statuses[304] <= total

        harbor = next(s for s in sites if s.name.startswith("Harborview"))
        edited, removed = list(harbor.posts)[:2]
        harbor.set_post_text(edited, harbor.posts[edited].body + "\nA new closing paragraph about synapses and "
                                                                 "ketamine that the clinic added later in the year.\n")
        harbor.remove_post(removed)
        harbor.add_post(Post(slug="a-brand-new-post", title="A Brand New Post About Ketamine and BDNF",
                             date=harbor.posts[edited].date, author=harbor.posts[edited].author,
                             body=" ".join(f"In study {n}, ketamine raised BDNF and new synapses formed within "
                                           f"{n + 2} hours." for n in range(12)) + "\n",
                             relevant=True))
        clinicwatch("crawl", "--sources", sources, "--db", db_path, "--allow-private-hosts", *FAST)
        third = db["crawl_runs"].get(3)
        assert (third["posts_new"], third["posts_changed"], third["posts_removed"]) == (1, 1, 1)
        assert db.execute("SELECT COUNT(*) FROM posts").fetchone()[0] == total + 1  # removed posts stay
        assert db.execute("SELECT COUNT(*) FROM posts WHERE removed_at IS NOT NULL").fetchone()[0] == 1
        changed = list(db.query("SELECT post_id FROM run_posts WHERE run_id = 3 AND outcome = 'changed'"))
        assert db.execute("SELECT COUNT(*) FROM post_versions WHERE post_id = ?",
                          [changed[0]["post_id"]]).fetchone()[0] == 2
        dupes = db.execute("SELECT COUNT(*) FROM (SELECT url FROM posts GROUP BY url HAVING COUNT(*) > 1)").fetchone()
        assert dupes[0] == 0
