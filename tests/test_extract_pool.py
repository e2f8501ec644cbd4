"""Extraction, relevance and fingerprints in a pool of processes (pipeline/offload.py,
CLINICWATCH_EXTRACT_PROCESSES): the database ends as the in-process crawl leaves it, an exception
in the pool is the page's error as in-process, and a pool process that dies is replaced."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter

import pytest

from clinicwatch.demo import demo_sites, serve_sites, write_sources
from db import open_db
from pipeline.offload import ExtractPool, pool_size
from tests.conftest import FAST, clinicwatch
from tests.fixtures.other_sites import other_sites


def posts_by_url(db_path):
    db = open_db(db_path)
    rows = {r["id"]: r for r in db.query("SELECT * FROM posts")}
    fields = ("title", "author", "text", "word_count", "content_hash", "minhash", "is_relevant", "relevance_score",
              "relevance_concepts", "published_at", "date_source", "extractor", "fetched_url", "etag", "last_modified")
    return {r["url"]: {**{name: r[name] for name in fields},
                       "duplicate_of": rows[r["duplicate_of"]]["url"] if r["duplicate_of"] else None}
            for r in rows.values()}


def fetch_rows(db_path):
    return Counter((r["url"], r["status"], r["purpose"], r["error"]) for r in open_db(db_path).query(
        "SELECT url, status, purpose, error FROM fetches"))


def test_a_crawl_with_a_pool_stores_what_an_in_process_crawl_stores(tmp_path):
    sites = demo_sites() + other_sites()
    with serve_sites(sites) as base_urls:
        sources = write_sources(tmp_path / "sources.toml", base_urls, sites)
        for name, processes in (("inline", 0), ("pool", 2)):
            clinicwatch("crawl", "--sources", sources, "--db", tmp_path / f"{name}.db", "--allow-private-hosts",
                        *FAST, "-s", f"CLINICWATCH_EXTRACT_PROCESSES={processes}", "-s", "LOG_LEVEL=INFO")
    inline, pooled = posts_by_url(tmp_path / "inline.db"), posts_by_url(tmp_path / "pool.db")
    assert len(inline) > 20 and any(p["is_relevant"] for p in inline.values())
    assert sorted(pooled) == sorted(inline)
    for url, fields in inline.items():
        assert pooled[url] == fields, url
    assert fetch_rows(tmp_path / "pool.db") == fetch_rows(tmp_path / "inline.db")


def fails(message):
    raise ValueError(message)


def dies():
    os.kill(os.getpid(), signal.SIGKILL)


def pid():
    return os.getpid()


def test_an_exception_in_the_pool_comes_back_as_in_process():
    pool = ExtractPool(1)
    try:
        with pytest.raises(ValueError, match="no text"):
            asyncio.run(pool.run(fails, "no text"))
        assert asyncio.run(pool.run(pid)) != os.getpid()
    finally:
        pool.close()


def test_a_dead_pool_process_is_replaced_and_the_page_retried_once():
    from concurrent.futures.process import BrokenProcessPool

    pool = ExtractPool(1)
    try:
        first = asyncio.run(pool.run(pid))
        with pytest.raises(BrokenProcessPool):  # dies in the new pool too: the page's error
            asyncio.run(pool.run(dies))
        assert asyncio.run(pool.run(pid)) not in (first, os.getpid())  # a new process took over
    finally:
        pool.close()


def test_no_pool_runs_here_and_auto_leaves_a_core_to_the_crawl():
    assert asyncio.run(ExtractPool(0).run(pid)) == os.getpid()
    assert pool_size("0") == 0 and pool_size(3) == 3
    assert pool_size("auto") == pool_size(None) == max(0, len(os.sched_getaffinity(0)) - 1)
    from crawler import settings

    assert pool_size(settings.CLINICWATCH_EXTRACT_PROCESSES) == 0  # off unless asked for
