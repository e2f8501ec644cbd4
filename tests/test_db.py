import pytest

from db import DatabaseError, open_db
from db.queries import pending_summary_posts, post_by_url
from db.schema import MIGRATIONS, schema_version
from db.store import (
    PostRecord,
    count_lease_write,
    finish_run,
    lease_progress,
    mark_removed,
    record_fetch,
    record_worker_lease,
    save_post,
    save_summaries,
    set_duplicates,
    start_run,
    touch_post,
    transaction,
    upsert_site,
)

CONTRACT = {
    "sites": {"id", "name", "url", "location"},
    "crawl_runs": {"id", "started_at", "finished_at", "status", "pages_fetched", "pages_failed", "posts_new",
                   "posts_changed", "posts_unchanged", "posts_removed"},
    "fetches": {"id", "run_id", "url", "status", "error", "fetched_at"},
    "posts": {"id", "site_id", "url", "title", "author", "published_at", "text", "word_count", "content_hash",
              "is_relevant", "relevance_score", "duplicate_of", "first_seen_at", "last_seen_at", "last_changed_at",
              "removed_at"},
    "post_versions": {"id", "post_id", "content_hash", "title", "text", "seen_at"},
    "summaries": {"id", "post_id", "content_hash", "summary", "method", "model", "created_at"},
    "run_workers": {"run_id", "worker", "sites", "fetches", "fetches_failed", "posts", "last_stored_at"},
    "run_leases": {"run_id", "lease", "site_id", "worker", "writes", "fetches", "fetches_failed", "posts", "stored_at"},
}


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "t.db")


def post(site_id, url="https://c.example/blog/a/", text="Ketamine and synapses.", digest="h1", **kw):
    return PostRecord(site_id=site_id, url=url, text=text, content_hash=digest, **kw)


def test_schema_has_the_contract_tables_and_columns(db):
    for table, columns in CONTRACT.items():
        assert columns <= set(db[table].columns_dict), table
    assert "posts_fts" in db.table_names()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert schema_version(db) == len(MIGRATIONS)


def test_reopening_does_not_migrate_twice(tmp_path):
    open_db(tmp_path / "t.db")
    again = open_db(tmp_path / "t.db")
    assert schema_version(again) == len(MIGRATIONS)


def test_a_newer_schema_is_refused(tmp_path):
    db = open_db(tmp_path / "t.db")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(DatabaseError, match="newer than this clinicwatch understands"):
        open_db(tmp_path / "t.db")


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("these are notes, not a database" * 100)
    with pytest.raises(DatabaseError, match="notes.db"):
        open_db(bad)


def test_new_changed_unchanged_and_versions(db):
    site = upsert_site(db, "C", "https://c.example/blog/")
    run = start_run(db)
    post_id, outcome = save_post(db, post(site, title="T"), run)
    assert outcome == "new"
    assert save_post(db, post(site), run)[1] == "unchanged"
    assert save_post(db, post(site, text="Ketamine and dendrites.", digest="h2"), run) == (post_id, "changed")
    versions = list(db.query("SELECT content_hash FROM post_versions WHERE post_id = ? ORDER BY id", [post_id]))
    assert [v["content_hash"] for v in versions] == ["h1", "h2"]
    assert db.execute("SELECT COUNT(*) FROM posts").fetchone()[0] == 1
    counts = finish_run(db, run, "ok")
    assert (counts["posts_new"], counts["posts_changed"]) == (1, 0)  # first outcome of a post in a run counts


def test_full_text_search_follows_updates(db):
    site = upsert_site(db, "C", "https://c.example/blog/")
    save_post(db, post(site, text="Ketamine and synaptogenesis."))
    save_post(db, post(site, text="Ketamine and BDNF.", digest="h2"))
    hits = lambda q: db.execute("SELECT COUNT(*) FROM posts_fts WHERE posts_fts MATCH ?", [q]).fetchone()[0]  # noqa
    assert hits("BDNF") == 1 and hits("synaptogenesis") == 0


def test_removed_posts_are_flagged_not_deleted_and_come_back(db):
    site = upsert_site(db, "C", "https://c.example/blog/")
    run = start_run(db)
    save_post(db, post(site, fetched_url="https://c.example/blog/a/?utm_source=x"))
    assert mark_removed(db, "https://c.example/blog/a/?utm_source=x", run) is not None
    assert post_by_url(db, "https://c.example/blog/a/")["removed_at"]
    assert mark_removed(db, "https://c.example/blog/a/", run) is None  # once
    assert finish_run(db, run, "ok")["posts_removed"] == 1
    touch_post(db, "https://c.example/blog/a/")
    assert post_by_url(db, "https://c.example/blog/a/")["removed_at"] is None


def test_failed_fetches_count_but_probes_do_not(db):
    run = start_run(db)
    record_fetch(db, run, "https://c.example/blog/", 200)
    record_fetch(db, run, "https://c.example/x", 500)
    record_fetch(db, run, "https://c.example/y", None, "DNSLookupError: no such host")
    record_fetch(db, run, "https://c.example/sitemap.xml", 404, purpose="probe")
    counts = finish_run(db, run, "partial")
    assert (counts["pages_fetched"], counts["pages_failed"]) == (4, 2)


def test_stale_running_runs_are_marked_failed(db):
    dead = db.execute("INSERT INTO crawl_runs (started_at, status, pid) VALUES ('2026-01-01T00:00:00Z', 'running', ?)",
                      [2 ** 22 + 12345]).lastrowid
    start_run(db)
    assert db["crawl_runs"].get(dead)["status"] == "failed"


def test_pending_summaries_skip_copies_irrelevant_removed_and_done(db):
    site = upsert_site(db, "C", "https://c.example/blog/")
    a, _ = save_post(db, post(site, url="https://c.example/a", digest="a", is_relevant=True))
    b, _ = save_post(db, post(site, url="https://c.example/b", digest="b", is_relevant=True))
    save_post(db, post(site, url="https://c.example/c", digest="c", is_relevant=False))
    d, _ = save_post(db, post(site, url="https://c.example/d", digest="d", is_relevant=True))
    set_duplicates(db, {b: a})
    mark_removed(db, "https://c.example/d")
    assert [p["id"] for p in pending_summary_posts(db, "extractive", "m")] == [a]
    save_summaries(db, [{"post_id": a, "content_hash": "a", "summary": "S.", "method": "extractive", "model": "m"}])
    assert pending_summary_posts(db, "extractive", "m") == []
    assert [p["id"] for p in pending_summary_posts(db, "extractive", "other-model")] == [a]
    # the same summary twice is one row
    save_summaries(db, [{"post_id": a, "content_hash": "a", "summary": "S.", "method": "extractive", "model": "m"}])
    assert db.execute("SELECT COUNT(*) FROM summaries").fetchone()[0] == 1
    assert d


def test_a_summary_of_another_selection_version_is_pending_and_replaced(db):
    site = upsert_site(db, "C", "https://c.example/blog/")
    a, _ = save_post(db, post(site, url="https://c.example/a", digest="a", is_relevant=True))
    row = {"post_id": a, "content_hash": "a", "method": "extractive", "model": "m"}
    save_summaries(db, [{**row, "summary": "Old.", "params": {"selection_version": 3}}])
    assert [p["id"] for p in pending_summary_posts(db, "extractive", "m", selection_version=4)] == [a]
    assert pending_summary_posts(db, "extractive", "m", selection_version=3) == []
    save_summaries(db, [{**row, "summary": "New.", "params": {"selection_version": 4}}])
    assert [r["summary"] for r in db.query("SELECT summary FROM summaries")] == ["New."]
    assert pending_summary_posts(db, "extractive", "m", selection_version=4) == []


def test_a_failed_write_leaves_no_half_rows(db):
    site = upsert_site(db, "C", "https://c.example/blog/")
    with pytest.raises(AttributeError):
        save_post(db, post(site, html=b"<p>bytes where text belongs</p>"))  # fails after the posts INSERT
    assert db.execute("SELECT COUNT(*) FROM posts").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM post_versions").fetchone()[0] == 0


def test_a_text_that_returns_to_an_earlier_one_is_a_row_of_history(db):
    """A -> B -> A is two changes: three versions, two rows of post_changes, the last back to A."""
    site = upsert_site(db, "C", "https://c.example/blog/")
    run = start_run(db)
    post_id, _ = save_post(db, post(site, text="Ketamine and synapses.", digest="a"), run)
    assert save_post(db, post(site, text="Ketamine and dendrites.", digest="b"))[1] == "changed"
    assert save_post(db, post(site, text="Ketamine and synapses.", digest="a"))[1] == "changed"
    assert save_post(db, post(site, text="Ketamine and synapses.", digest="a"))[1] == "unchanged"
    versions = [row[0] for row in db.execute(
        "SELECT content_hash FROM post_versions WHERE post_id = ? ORDER BY seen_at, id", [post_id])]
    assert versions == ["a", "b", "a"]
    changes = db.execute("""SELECT before.content_hash, after.content_hash FROM post_changes c
                            JOIN post_versions before ON before.id = c.previous_version_id
                            JOIN post_versions after ON after.id = c.version_id ORDER BY c.version_id""").fetchall()
    assert changes == [("a", "b"), ("b", "a")]


def test_version_history_migration_keeps_every_row_and_allows_returns(tmp_path):
    """A database from before the version-history migration keeps its versions (ids too) and its
    post_changes, and then records a return to an earlier text."""
    from db.schema import V7_VERSION_HISTORY, migrate

    before = MIGRATIONS.index(V7_VERSION_HISTORY)
    old = open_db(tmp_path / "old.db", migrate_schema=False)
    for version, script in enumerate(MIGRATIONS[:before], start=1):
        old.conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
    site = upsert_site(old, "C", "https://c.example/blog/")
    post_id, _ = save_post(old, post(site, text="Ketamine and synapses.", digest="a"))
    save_post(old, post(site, text="Ketamine and dendrites.", digest="b"))
    rows = old.execute("SELECT * FROM post_versions ORDER BY id").fetchall()
    assert migrate(old) == len(MIGRATIONS)
    assert old.execute("SELECT * FROM post_versions ORDER BY id").fetchall() == rows
    assert old.execute("SELECT COUNT(*) FROM post_changes").fetchone()[0] == 1
    save_post(old, post(site, text="Ketamine and synapses.", digest="a"))
    assert old.execute("SELECT COUNT(*) FROM post_versions WHERE post_id = ?", [post_id]).fetchone()[0] == 3
    assert old.execute("SELECT COUNT(*) FROM post_changes").fetchone()[0] == 2


def test_a_write_inside_another_s_transaction_commits_or_rolls_back_with_it(db):
    site, run = upsert_site(db, "A", "https://a.example/"), start_run(db)
    with pytest.raises(RuntimeError), transaction(db):
        record_fetch(db, run, "https://a.example/1", 200, site_id=site)
        raise RuntimeError("killed before the commit")
    assert db.execute("SELECT COUNT(*) FROM fetches").fetchone()[0] == 0
    with transaction(db):
        record_fetch(db, run, "https://a.example/1", 200, site_id=site)
        assert db.conn.in_transaction  # not committed by the inner write
    assert db.execute("SELECT COUNT(*) FROM fetches").fetchone()[0] == 1


def test_a_lease_s_writes_are_counted_with_them_and_its_site_for_its_worker_once(db):
    site, run = upsert_site(db, "A", "https://a.example/"), start_run(db)
    lease = lease_progress(db, run, "w:1/abc", site, "w:1")
    assert (lease["writes"], lease["stored_at"]) == (0, None)
    for failed in (0, 1):
        with transaction(db):
            record_fetch(db, run, f"https://a.example/{failed}", 500 if failed else 200, site_id=site)
            count_lease_write(db, run, "w:1/abc", 1, failed, 0)
    with pytest.raises(RuntimeError), transaction(db):
        save_post(db, post(site), run)
        count_lease_write(db, run, "w:1/abc", 0, 0, 1)
        raise RuntimeError("killed before the commit")
    again = lease_progress(db, run, "w:1/abc", site, "w:1")  # a restarted coordinator goes on from here
    assert (again["writes"], again["fetches"], again["fetches_failed"], again["posts"]) == (2, 2, 1, 0)
    assert record_worker_lease(db, run, "w:1/abc") and not record_worker_lease(db, run, "w:1/abc")
    worker = db.execute("SELECT sites, fetches, fetches_failed, posts FROM run_workers WHERE worker = 'w:1'").fetchall()
    assert worker == [(1, 2, 1, 0)]
    assert lease_progress(db, run, "w:1/abc", site, "w:1")["stored_at"]
