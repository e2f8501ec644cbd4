"""Crawls across machines end to end, beside tests/test_distributed.py: a coordinator killed at the
points where a result is stored in SQLite but not yet acknowledged in Redis, `nightly --redis`
run twice, and a worker that serves one run after another, each under that run's settings."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections import Counter

from clinicwatch.demo import demo_sites, serve_sites, write_sources
from db import open_db
from tests.conftest import FAST, clinicwatch
from tests.test_distributed import (
    fetch_rows,
    lease_holders,
    popen_cli,
    posts_by_url,
    pytestmark,
    redis,
    redis_url,
    wait_for,
)

__all__ = ["pytestmark", "redis_url"]  # the skip without redis-server, and the fixture

# One request at a time per site, 0.1 s apart: a site takes a couple of seconds, long enough for
# the test to see which worker holds it.
STEADY = ["-s", "DOWNLOAD_DELAY=0.1", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False", "-s", "AUTOTHROTTLE_ENABLED=False",
          "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
ONE_SITE_EACH = ["-s", "CLINICWATCH_WORKER_SITES=1", "-s", "CLINICWATCH_LEASE_TIMEOUT=60"]

# The coordinator's command line with a method wrapped to end the process (os._exit: no cleanup, as
# SIGKILL) on its n-th call, right after it returned or right before it runs.
KILLED_COORDINATOR = """
import os, sys
from crawler.distributed.coordinator import Coordinator
from crawler.distributed.runstate import RunState

owner, method, when, nth = sys.argv[1].split(":")
cls = {"Coordinator": Coordinator, "RunState": RunState}[owner]
original, calls = getattr(cls, method), []

def killing(*args, **kwargs):
    calls.append(1)
    if when == "before" and len(calls) == int(nth):
        os._exit(9)
    result = original(*args, **kwargs)
    if when == "after" and len(calls) == int(nth):
        os._exit(9)
    return result

setattr(cls, method, killing)
sys.argv = ["clinicwatch", *sys.argv[2:]]
from clinicwatch.cli import main
main()
"""


def popen_coordinator(kill_at: str, *args, log):
    return subprocess.Popen([sys.executable, "-c", KILLED_COORDINATOR, kill_at, *map(str, args)], stdout=log,
                            stderr=subprocess.STDOUT, text=True)


def database_outcome(db_path) -> dict:
    """Everything a crawl writes, without ids and times: posts, fetches, versions, mentions, what
    the run did to each post, and the run's counts."""
    db = open_db(db_path)
    url = {r["id"]: r["url"] for r in db.query("SELECT id, url FROM posts")}
    counts = ("status", "pages_fetched", "pages_failed", "posts_new", "posts_changed", "posts_unchanged",
              "posts_removed")
    runs = [{k: r[k] for k in counts} for r in db.query("SELECT * FROM crawl_runs ORDER BY id")]
    return {
        "posts": posts_by_url(db_path), "fetches": fetch_rows(db_path), "runs": runs,
        "versions": Counter((url[r["post_id"]], r["content_hash"]) for r in db.query("SELECT * FROM post_versions")),
        "mentions": Counter((url[r["post_id"]], r["category"], r["concept"], r["sentence_index"])
                            for r in db.query("SELECT * FROM mentions")),
        "run_posts": Counter((url[r["post_id"]], r["outcome"]) for r in db.query("SELECT * FROM run_posts")),
        "html": sorted(url[r["post_id"]] for r in db.query("SELECT post_id FROM post_html")),
    }


def stop(*processes):
    for process in processes:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(10)


def test_a_coordinator_killed_between_sqlite_and_redis_resumes_and_stores_nothing_twice(tmp_path, redis_url):
    sites = demo_sites()[:2]
    with serve_sites(sites) as base_urls:
        sources = write_sources(tmp_path / "sources.toml", base_urls, sites)
        single = tmp_path / "single.db"
        clinicwatch("crawl", "--sources", sources, "--db", single, "--allow-private-hosts", *FAST)
        single_paths = {site.name: Counter(site.requests) for site in sites}
        for site in sites:
            site.requests.clear()

        db_path = tmp_path / "distributed.db"
        args = ["crawl", "--sources", sources, "--db", db_path, "--allow-private-hosts", "--redis", redis_url,
                *STEADY, *ONE_SITE_EACH]
        client = redis.Redis.from_url(redis_url, decode_responses=True)
        with open(tmp_path / "coordinator.log", "w") as log:
            workers = {}
            # 1: killed right after the transaction of a site's 3rd write committed, before the next.
            coordinator = popen_coordinator("Coordinator:store_write:after:3", *args, log=log)
            try:
                wait_for(lambda: client.hget("clinicwatch:run", "status") == "running", 60, "the run to be seeded")
                # Two workers, one site each: the first to hold a site is stopped (SIGSTOP) until the other
                # holds the other one.
                workers = {key: popen_cli("worker", "--redis", redis_url, "--exit-when-idle", log=log) for key in "ab"}

                def holder():
                    for site, token in lease_holders(client).items():
                        for key, process in workers.items():
                            if f":{process.pid}/" in token:
                                return key, site

                first, _site = wait_for(holder, 60, "a worker to lease a site")
                workers[first].send_signal(signal.SIGSTOP)
                # The other worker may have leased the other site already (a fresh-clone CI run saw the
                # pending list empty right after the stop); what matters is that each holds one site.
                wait_for(lambda: client.hlen("clinicwatch:tokens") == 2, 60, "the other worker to lease the other site")
                leased = lease_holders(client)
                holders = {key for token in leased.values() for key, process in workers.items()
                           if f":{process.pid}/" in token}
                assert holders == {"a", "b"}, "a worker crawled its first site and took the second before it was stopped"
                workers[first].send_signal(signal.SIGCONT)
                assert coordinator.wait(120) == 9
                assert client.llen("clinicwatch:storing") == 1 and client.scard("clinicwatch:stored") == 0
                # 2: killed after a site's last write and its worker's count committed, before Redis heard.
                coordinator = popen_coordinator("RunState:stored:before:1", *args, log=log)
                assert coordinator.wait(120) == 9
                assert client.llen("clinicwatch:storing") == 1 and client.scard("clinicwatch:stored") == 0
                # 3: killed after the run's end was committed, before Redis heard of it.
                coordinator = popen_coordinator("RunState:finish:before:1", *args, log=log)
                assert coordinator.wait(120) == 9
                assert client.hget("clinicwatch:run", "status") == "running"
                # 4: nothing left to do: the run is not started again.
                coordinator = popen_cli(*args, log=log)
                assert coordinator.wait(120) == 0, (tmp_path / "coordinator.log").read_text()[-3000:]
                assert client.hget("clinicwatch:run", "status") == "finished"
                assert [process.wait(60) for process in workers.values()] == [0, 0]
            finally:
                stop(coordinator, *workers.values())

    coordinator_log = (tmp_path / "coordinator.log").read_text()
    assert coordinator_log.count("resuming distributed run") == 2
    assert "distributed run 1 had finished: nothing to resume" in coordinator_log
    # The database is the single-process crawl's: no fetch, version, mention or outcome twice.
    assert database_outcome(db_path) == database_outcome(single)
    # No URL fetched twice in the run (no work was re-queued), robots.txt once per site.
    for site in sites:
        assert Counter(site.requests) == single_paths[site.name], site.name
        assert site.requests.count("/robots.txt") == 1, site.name

    # stats: the two workers of the run, each with its site's fetches and posts, counted once.
    db = open_db(db_path)
    run_id = db.execute("SELECT MAX(id) FROM crawl_runs").fetchone()[0]
    site_ids = {r["name"]: r["id"] for r in db.query("SELECT id, name FROM sites")}
    text = clinicwatch("stats", "--db", db_path).stdout
    assert f"workers of run {run_id}:" in text
    as_json = json.loads(clinicwatch("stats", "--db", db_path, "--json").stdout)
    assert len(as_json["workers"]) == 2
    holders = {site: token.split("/")[0] for site, token in leased.items()}
    assert len(set(holders.values())) == 2
    for site, worker_name in holders.items():
        fetches = db.execute("SELECT COUNT(*), SUM(error IS NOT NULL OR (status >= 400 AND purpose NOT IN "
                             "('probe', 'robots'))) FROM fetches WHERE site_id = ?", [site_ids[site]]).fetchone()
        posts = db.execute("SELECT COUNT(*) FROM run_posts JOIN posts ON posts.id = post_id WHERE site_id = ?",
                           [site_ids[site]]).fetchone()[0]
        assert fetches[0] and posts
        worker = next(w for w in as_json["workers"] if w["worker"] == worker_name)
        assert (worker["sites"], worker["fetches"], worker["fetches_failed"], worker["posts"]) == (1, *fetches, posts)
        assert (f"  {worker['worker']}: 1 site(s), {fetches[0]} fetch(es) ({fetches[1]} failed), "
                f"{posts} post(s)") in text.splitlines()
    leases = list(db.query("SELECT * FROM run_leases WHERE run_id = ?", [run_id]))
    assert len(leases) == 2 and all(lease["stored_at"] for lease in leases)


def test_nightly_with_redis_twice_ends_as_a_single_process_nightly(tmp_path, redis_url):
    sites = demo_sites()[:2]
    with serve_sites(sites) as base_urls:
        sources = write_sources(tmp_path / "sources.toml", base_urls, sites)

        def nightly(db_path, *extra):
            return ["nightly", "--sources", sources, "--db", db_path, "--allow-private-hosts", "--reports",
                    tmp_path / f"reports-{db_path.stem}", *FAST, *extra]

        single = tmp_path / "single.db"
        single_out = clinicwatch(*nightly(single)).stdout
        single_paths = {site.name: Counter(site.requests) for site in sites}
        for site in sites:
            site.requests.clear()

        db_path = tmp_path / "distributed.db"
        client = redis.Redis.from_url(redis_url, decode_responses=True)
        with open(tmp_path / "nightly.log", "w") as log:
            command = [sys.executable, "-m", "clinicwatch.cli", *map(str, nightly(db_path, "--redis", redis_url))]
            first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
            worker = None
            try:
                wait_for(lambda: client.hget("clinicwatch:run", "status") == "running", 60, "the run to be seeded")
                run = client.hgetall("clinicwatch:run")
                # One nightly at a time: a second one, with --redis or not, exits 4 naming the lock, and
                # leaves the run in Redis as it was.
                for extra in (["--redis", redis_url], []):
                    refused = clinicwatch(*nightly(db_path, *extra), check=False)
                    assert refused.returncode == 4, refused.stderr[-2000:]
                    assert f"{db_path}.lock" in refused.stderr and f"pid {first.pid}" in refused.stderr
                assert client.hgetall("clinicwatch:run") == run
                # One worker, not told to exit: it serves the first run, then the second.
                worker = popen_cli("worker", "--redis", redis_url, log=log)
                out, _ = first.communicate(timeout=120)
                assert first.returncode == 0, (tmp_path / "nightly.log").read_text()[-3000:]
                after_first = database_outcome(db_path)
                first_paths = {site.name: Counter(site.requests) for site in sites}
                for site in sites:
                    site.requests.clear()
                second = clinicwatch(*nightly(db_path, "--redis", redis_url)).stdout
                assert worker.poll() is None
                worker.send_signal(signal.SIGTERM)
                assert worker.wait(60) == 0
            finally:
                stop(first, worker)

    def without_report_path(text):
        return [line for line in text.splitlines() if not line.startswith("digest: ")]

    # The first run: the single-process nightly's stdout (run line, digest), database and requests.
    assert without_report_path(out) == without_report_path(single_out)
    expected = database_outcome(single)
    assert after_first == expected
    summaries = "SELECT p.url, s.method, s.summary FROM summaries s JOIN posts p ON p.id = s.post_id ORDER BY 1, 2"
    assert list(open_db(db_path).query(summaries)) == list(open_db(single).query(summaries))
    for site in sites:
        assert first_paths[site.name] == single_paths[site.name], site.name

    # The unchanged re-run: recorded as such, its digest empty, nothing else written.
    posts = len(expected["posts"])
    assert f"posts new 0, changed 0, unchanged {posts}, removed 0" in second
    assert all(f"{outcome} relevant posts: 0" in second for outcome in ("new", "changed", "removed"))
    assert len(list((tmp_path / "reports-distributed").glob("*.md"))) == 2
    outcome = database_outcome(db_path)
    rerun = {**expected["runs"][0], "pages_fetched": outcome["runs"][1]["pages_fetched"], "posts_new": 0,
             "posts_unchanged": posts}
    assert outcome["runs"] == [expected["runs"][0], rerun]
    assert outcome["run_posts"] - after_first["run_posts"] == Counter((url, "unchanged") for url in expected["posts"])
    for part in ("posts", "versions", "mentions", "html"):
        assert outcome[part] == after_first[part], part
    assert list(open_db(db_path).query(summaries)) == list(open_db(single).query(summaries))
    db = open_db(db_path)
    assert [r["run_id"] for r in db.query("SELECT run_id FROM run_workers ORDER BY run_id")] == [1, 2]
    # The re-run read each site's robots.txt once and asked for no URL twice.
    for site in sites:
        assert site.requests.count("/robots.txt") == 1 and max(Counter(site.requests).values()) == 1, site.name


def test_a_worker_crawls_each_run_with_that_run_s_settings(tmp_path, redis_url, monkeypatch):
    """One worker process, two runs: the first with --allow-private-hosts and a request cap (-s), the
    second with neither. The sites are named `localhost`, so the second run's refusal must come from
    the resolver the worker installed once, for the first run, with that run's flag."""
    from clinicwatch.demo import server

    monkeypatch.setattr(server, "loopback_host", lambda site: "127.0.0.1")  # the address of `localhost`
    sites = demo_sites()[:1]
    site = sites[0]
    with serve_sites(sites) as base_urls:
        named = {name: url.replace("127.0.0.1", "localhost") for name, url in base_urls.items()}
        sources = write_sources(tmp_path / "sources.toml", named, sites)
        db_path = tmp_path / "d.db"
        args = ["crawl", "--sources", sources, "--db", db_path, "--redis", redis_url, *FAST]
        with open(tmp_path / "worker.log", "w") as log:
            worker = popen_cli("worker", "--redis", redis_url, log=log)  # before any run: it waits for one
            try:
                clinicwatch(*args, "--allow-private-hosts", "-s", "CLINICWATCH_MAX_PAGES_PER_SITE=9")
                asked_in_first = len(site.requests)
                second = clinicwatch(*args, check=False)
                assert worker.poll() is None  # it runs until stopped
                worker.send_signal(signal.SIGTERM)
                assert worker.wait(60) == 0
            finally:
                stop(worker)

    db = open_db(db_path)
    runs = list(db.query("SELECT * FROM crawl_runs ORDER BY id"))
    assert [r["id"] for r in runs] == [1, 2]
    # The first run's cap (the default is 500; uncapped, the site answers 19 requests and has 7
    # posts): at most 9 requests through the spider's follow, robots.txt aside.
    assert 2 <= asked_in_first <= 10 and runs[0]["posts_new"] < len(site.posts)
    # The second run asked the site for nothing: every fetch refused before a connection.
    assert len(site.requests) == asked_in_first
    refused = list(db.query("SELECT status, error FROM fetches WHERE run_id = 2"))
    assert refused and all(r["status"] is None and "private" in r["error"].lower() for r in refused), refused[:3]
    assert runs[1]["status"] == "partial" and runs[1]["pages_failed"] == len(refused) and second.returncode == 0
