"""Crashes and concurrency: the crawl and the summarizer killed (SIGKILL) mid-way, then rerun;
readers and the summarizer beside a running crawl; a disk that fills up and a read-only file.

Three fixed kill points here; `python -m bench.kills` (part of `make bench`) runs 20 random ones
with the same harness (bench/kills.py)."""

import asyncio
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.kills import (
    NEW_RUN_FETCHES,
    NEW_RUN_POSTS,
    SUMMARIES,
    count,
    crawl_args,
    database_problems,
    integrity_ok,
    kill_when,
    run_clinicwatch,
    summarize_args,
)
from db import open_db
from db.store import start_run
from tests.conftest import clinicwatch
from tests.fixtures.hostile_sites import (
    GeneratedBlogState,
    generated_blog,
    generated_post_urls,
    serve_hostile,
    write_hostile_sources,
)

POSTS = 30  # every second one relevant


@pytest.fixture(scope="module")
def blog(tmp_path_factory):
    site = generated_blog(POSTS)
    with serve_hostile([site]) as base_urls:
        sources = write_hostile_sources(tmp_path_factory.mktemp("blog") / "sources.toml", base_urls, [site],
                                        unreachable=False)
        yield sources, set(generated_post_urls(base_urls[site.name], POSTS))


def test_killed_crawls_and_summarizer_recover(blog, tmp_path):
    """Three kill points in a row on one database: a crawl before any post, the next crawl while it
    stores posts, the summarizer during a batch. After each: integrity_check ok, no half-written or
    duplicate row; at the end every post stored and summarized, and both killed runs failed."""
    sources, expected = blog
    db_path, log = tmp_path / "cw.db", tmp_path / "cw.log"

    early = kill_when(crawl_args(sources, db_path), db_path, NEW_RUN_FETCHES, 3, log, "crawl")
    assert early.killed and integrity_ok(db_path)
    assert count(db_path, "SELECT COUNT(*) FROM crawl_runs WHERE status = 'running'") == 1

    storing = kill_when(crawl_args(sources, db_path), db_path, NEW_RUN_POSTS, POSTS // 2, log, "crawl")
    assert storing.killed and integrity_ok(db_path)
    assert POSTS // 2 <= count(db_path, "SELECT COUNT(*) FROM posts") < POSTS
    assert database_problems(db_path, summarized=False, failed_run=early.run_id) == []

    run_clinicwatch(*crawl_args(sources, db_path), log=log)
    assert database_problems(db_path, expected, summarized=False, failed_run=storing.run_id) == []
    runs = list(open_db(db_path).query("SELECT status, note FROM crawl_runs ORDER BY id"))
    assert [r["status"] for r in runs] == ["failed", "failed", "ok"]
    assert all("process died before the run finished" in r["note"] for r in runs[:2])

    batch = kill_when(summarize_args(db_path), db_path, SUMMARIES, 4, log, "summarize")
    assert batch.killed and integrity_ok(db_path)
    assert 4 <= count(db_path, SUMMARIES) < POSTS // 2
    run_clinicwatch(*summarize_args(db_path), log=log)
    assert count(db_path, SUMMARIES) == POSTS // 2
    assert database_problems(db_path, expected, failed_run=early.run_id) == []


def test_readers_and_summarize_beside_a_running_crawl(tmp_path):
    """While a crawl holds its database open and writes, Datasette reads it and `summarize` writes to it."""
    from datasette.app import Datasette

    state = GeneratedBlogState(POSTS, hold=threading.Event())
    site = generated_blog(state)
    db_path, log = tmp_path / "cw.db", tmp_path / "cw.log"
    with serve_hostile([site]) as base_urls:
        sources = write_hostile_sources(tmp_path / "sources.toml", base_urls, [site], unreachable=False)
        # The held post must outlast Datasette and a whole `summarize`, however busy the machine:
        # with the default DOWNLOAD_TIMEOUT the crawl gives it up after 3 x 30 s and ends early.
        with open(log, "w") as out:
            crawl = subprocess.Popen([sys.executable, "-m", "clinicwatch.cli", *map(str, crawl_args(sources, db_path)),
                                      "-s", "DOWNLOAD_TIMEOUT=900"], stdout=out, stderr=subprocess.STDOUT)
        try:
            # Post 0 is held, so the crawl cannot end before the others are stored.
            kill_point_reached = wait_for(lambda: count(db_path, "SELECT COUNT(*) FROM posts") >= POSTS - 1, crawl)
            assert kill_point_reached, f"the crawl stopped early; see {log}"
            datasette = Datasette([str(db_path)])
            response = asyncio.run(datasette.client.get("/cw/posts.json?_shape=array&_size=max"))
            assert response.status_code == 200 and len(response.json()) == POSTS - 1
            run_clinicwatch(*summarize_args(db_path), log=log)
            assert crawl.poll() is None  # the crawl was running all along
            assert count(db_path, SUMMARIES) == (POSTS - 1) // 2
        finally:
            state.hold.set()
            crawl.wait(timeout=300)
    assert crawl.returncode == 0
    assert database_problems(db_path, set(generated_post_urls(base_urls[site.name], POSTS)), summarized=False) == []


def wait_for(condition, process, timeout: float = 300) -> bool:
    """Poll a condition while the process runs; False if the process ends first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


LIMITED_FILE_SIZE = """\
import resource, runpy, sys
limit = int(sys.argv.pop(1))
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # Python ignores SIGXFSZ: writes fail with EFBIG
sys.argv[0] = "clinicwatch"
runpy.run_module("clinicwatch.cli", run_name="__main__")
"""


def test_a_disk_that_fills_up_stops_the_crawl_with_exit_3_and_no_half_rows(blog, tmp_path):
    sources, _ = blog
    db_path = tmp_path / "cw.db"
    open_db(db_path).close()
    limit = db_path.stat().st_size + 200_000  # the write-ahead log fills up after a few posts
    result = subprocess.run([sys.executable, "-c", LIMITED_FILE_SIZE, str(limit),
                             *map(str, crawl_args(sources, db_path))], capture_output=True, text=True, timeout=300)
    assert result.returncode == 3, result.stderr[-3000:]
    assert f"Error: {db_path}: cannot write (" in result.stderr and "Check free disk space" in result.stderr
    assert integrity_ok(db_path) and database_problems(db_path, summarized=False) == []
    assert count(db_path, "SELECT COUNT(*) FROM posts") < POSTS
    start_run(open_db(db_path))  # what the next crawl does first
    assert count(db_path, "SELECT COUNT(*) FROM crawl_runs WHERE id = 1 AND status = 'failed'") == 1


def make_read_only(path: Path) -> None:
    """chmod, or for root (whom file modes do not stop) the immutable attribute."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("running as root on a file system without chattr +i: a read-only file cannot be made here")


@pytest.fixture
def read_only_database(tmp_path):
    db_path = tmp_path / "cw.db"
    open_db(db_path).close()
    make_read_only(db_path)
    try:
        yield db_path
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(db_path)], check=True)
        db_path.chmod(0o644)


@pytest.mark.parametrize("command", ["crawl", "summarize"])
def test_a_read_only_database_is_a_clear_error(read_only_database, tmp_path, command):
    before = read_only_database.read_bytes()
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sites]]\nname = "A"\nurl = "http://clinic.invalid/blog/"\n')
    args = crawl_args(sources, read_only_database) if command == "crawl" else summarize_args(read_only_database)
    result = clinicwatch(*args, check=False)
    assert result.returncode == 3, result.stderr[-3000:]
    assert f"Error: {read_only_database}: cannot" in result.stderr and "permissions" in result.stderr
    assert read_only_database.read_bytes() == before


def test_write_failures_leave_no_half_written_post(tmp_path):
    """A write that fails part-way (here: the file may not grow, as on a full disk) rolls back whole."""
    from db.schema import DatabaseError
    from db.store import PostRecord, save_post, start_run, upsert_site

    db = open_db(tmp_path / "cw.db")
    site = upsert_site(db, "Clinic", "https://clinic.example/blog/")
    run = start_run(db)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 2}")
    big = PostRecord(site_id=site, url="https://clinic.example/blog/a/", text="word " * 20000, content_hash="h",
                     html="<p>" + "x" * 200_000)
    with pytest.raises(DatabaseError, match=r"cw\.db: cannot write \(database or disk is full\)"):
        save_post(db, big, run)
    for table in ("posts", "post_versions", "post_html", "run_posts", "posts_fts"):
        assert db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
