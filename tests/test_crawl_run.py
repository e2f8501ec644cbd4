"""pipeline.crawl_run.CrawlRun, the crawl's record: one crawl_runs row per crawl, started when the
spider opens and finished with a status from the run's fetches and the close reason; a database
that cannot be written stops the crawl at the first failed write."""

import logging
import os
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.sources import Source
from db import DatabaseError, open_db
from pipeline.crawl_run import CrawlRun

SITES = [Source("Harbor Clinic", "https://harbor.example/blog/", location="Portland, ME"),
         Source("Desert Bloom", "https://www.desertbloom.example/")]


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "clinicwatch.db"


@pytest.fixture
def crawler(db_path):
    crawler = get_crawler(settings_dict={"CLINICWATCH_DB": str(db_path),
                                         "EXTENSIONS": {"pipeline.crawl_run.CrawlRun": 100}})
    # A stand-in for the engine with the one method CrawlRun calls; a plain function rather than a
    # coroutine, so the call happens at once with no reactor running.
    crawler.closed_for = []
    crawler.engine = SimpleNamespace(close_spider_async=lambda reason: crawler.closed_for.append(reason))
    return crawler


@pytest.fixture
def run(crawler):
    run = crawler.get_extension(CrawlRun)
    run.spider_opened(SimpleNamespace(sources=SITES))  # all CrawlRun reads of the spider: its sources
    yield run
    run.db.close()  # again, after spider_closed: a no-op


def run_row(db_path) -> dict:
    """The crawl_runs row, read through a connection of its own."""
    [row] = open_db(db_path).query("SELECT * FROM crawl_runs")
    return row


def page(url: str, site: str = "Harbor Clinic") -> Request:
    return Request(url, meta={"site": site, "purpose": "page"})


def test_the_run_row_starts_when_the_spider_opens(run, db_path):
    row = run_row(db_path)
    assert (row["id"], row["status"], row["finished_at"], row["pid"]) == (run.run_id, "running", None, os.getpid())
    sites = {s["name"]: s for s in open_db(db_path).query("SELECT * FROM sites")}
    assert run.site_ids == {name: sites[name]["id"] for name in ("Harbor Clinic", "Desert Bloom")}
    assert (sites["Harbor Clinic"]["url"], sites["Harbor Clinic"]["location"]) == (SITES[0].url, "Portland, ME")


def test_fetches_are_rows_of_the_run_and_of_their_site(run, db_path):
    run.record_fetch(page("https://harbor.example/blog/p/"), 200, None, 100)
    run.record_fetch(Request("https://www.desertbloom.example/robots.txt"), 404, None, 0)  # Scrapy's own: no meta
    rows = list(open_db(db_path).query("SELECT run_id, site_id, purpose, status FROM fetches ORDER BY id"))
    assert rows == [{"run_id": run.run_id, "site_id": run.site_ids["Harbor Clinic"], "purpose": "page", "status": 200},
                    {"run_id": run.run_id, "site_id": run.site_ids["Desert Bloom"], "purpose": "robots",
                     "status": 404}]


def test_an_error_found_after_download_goes_on_the_urls_last_fetch(run, db_path):
    url = "https://harbor.example/blog/p/"
    run.record_fetch(page(url), 503, None, 0)
    run.record_fetch(page(url), 200, None, 100)  # the retry
    run.note_fetch_error(url, "no text in the post")
    assert [r["error"] for r in open_db(db_path).query("SELECT error FROM fetches ORDER BY id")] == \
        [None, "no text in the post"]


def test_a_finished_crawl_with_no_failed_fetch_is_ok(crawler, run, db_path):
    run.record_fetch(page("https://harbor.example/blog/p/"), 200, None, 100)
    run.spider_closed(None, "finished")
    row = run_row(db_path)
    assert (row["status"], row["note"], row["pages_fetched"], row["pages_failed"]) == ("ok", None, 1, 0)
    assert row["finished_at"] is not None
    assert crawler.stats.get_value("clinicwatch/status") == "ok"
    assert crawler.stats.get_value("clinicwatch/run_id") == run.run_id


@pytest.mark.parametrize("failed", [(404, None), (None, "DownloadTimeoutError: took too long")])
def test_a_finished_crawl_with_a_failed_fetch_is_partial(crawler, run, db_path, failed):
    run.record_fetch(page("https://harbor.example/blog/a/"), 200, None, 100)
    run.record_fetch(page("https://harbor.example/blog/b/"), *failed, None)
    run.spider_closed(None, "finished")
    row = run_row(db_path)
    assert (row["status"], row["pages_fetched"], row["pages_failed"]) == ("partial", 2, 1)
    assert crawler.stats.get_value("clinicwatch/status") == "partial"


def test_a_page_cap_is_a_planned_stop_noted_on_the_run(run, db_path):
    run.spider_closed(None, "closespider_pagecount")
    row = run_row(db_path)
    assert (row["status"], row["note"]) == ("ok", "closespider_pagecount")


@pytest.mark.parametrize("reason", ["shutdown", "cancelled", "closespider_timeout"])
def test_a_crawl_that_did_not_go_through_failed(crawler, run, db_path, reason):
    run.record_fetch(page("https://harbor.example/blog/p/"), 200, None, 100)
    run.spider_closed(None, reason)
    row = run_row(db_path)
    assert (row["status"], row["note"]) == ("failed", reason)
    assert crawler.stats.get_value("clinicwatch/status") == "failed"


def test_a_database_error_stops_the_crawl_and_later_writes_touch_nothing(crawler, run, db_path):
    run.record_fetch(page("https://harbor.example/blog/a/"), 200, None, 100)
    run.db.execute("PRAGMA query_only = ON")  # SQLite refuses writes as on a read-only file
    with pytest.raises(DatabaseError, match="cannot write") as failed:
        run.record_fetch(page("https://harbor.example/blog/b/"), 200, None, 100)
    assert crawler.closed_for == ["database_error"]
    assert crawler.stats.get_value("clinicwatch/database_error") == str(failed.value)

    run.db.execute("PRAGMA query_only = OFF")  # the database could take writes again: they are not tried
    with pytest.raises(DatabaseError, match="cannot write"):
        run.record_fetch(page("https://harbor.example/blog/c/"), 200, None, 100)
    with pytest.raises(DatabaseError):
        run.note_fetch_error("https://harbor.example/blog/a/", "no text")
    assert list(open_db(db_path).query("SELECT url, error FROM fetches")) == [
        {"url": "https://harbor.example/blog/a/", "error": None}]
    assert crawler.closed_for == ["database_error"]  # asked once

    run.spider_closed(None, "database_error")
    row = run_row(db_path)
    assert (row["status"], row["note"]) == ("failed", f"database error: {failed.value}")
    assert crawler.stats.get_value("clinicwatch/status") is None  # no finish_run: the run is failed, not counted


def test_a_run_the_database_will_not_close_stays_running(crawler, run, db_path, caplog):
    """Its process gone, the next run's start_run marks it failed."""
    run.db.execute("PRAGMA query_only = ON")
    with pytest.raises(DatabaseError):
        run.record_fetch(page("https://harbor.example/blog/a/"), 200, None, 100)
    with caplog.at_level(logging.WARNING, logger="pipeline.crawl_run"):
        run.spider_closed(None, "database_error")
    assert f"crawl run {run.run_id} stays 'running' until the next run marks it failed" in caplog.text
    assert run_row(db_path)["status"] == "running"
