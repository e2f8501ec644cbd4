"""The coordinator of a distributed crawl (`clinicwatch crawl --redis`): the only process that
writes the SQLite file. It seeds the run in Redis (settings, sites, what workers need of the
database), stores each site's results as its lease completes, with the same db.store writes a
single-process crawl makes, in the order the worker made them, then runs the end-of-crawl steps.
Killed and restarted (with the same --redis and --db), it resumes the run where it stopped."""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from pathlib import Path

from crawler.process import CrawlDidNotStart
from db import open_db, store
from db.queries import known_posts, site_boilerplate_hashes
from pipeline.pipelines import end_of_crawl

from .runstate import RunState, decode

logger = logging.getLogger(__name__)

# The writes a worker may ask for, by name: nothing else from Redis is ever called.
WRITES = {
    "record_fetch": store.record_fetch,
    "note_fetch_error": store.note_fetch_error,
    "save_post": store.save_post,
    "touch_post": store.touch_post,
    "mark_removed": store.mark_removed,
}
POST_WRITES = {"save_post", "touch_post", "mark_removed"}
DATACLASSES = {"PostRecord": store.PostRecord}


def failed_fetch(args: list) -> bool:
    _run_id, _url, status, error, _site_id, _size, purpose = args
    return bool(error) or bool(status and status >= 400 and purpose not in ("probe", "robots"))


class Coordinator:
    def __init__(self, state: RunState, db_path: str, log=logger.info):
        self.state = state
        self.db_path = str(Path(db_path).resolve())
        self.db = open_db(db_path)
        self.log = log

    def seed_or_resume(self, sources, settings: dict) -> int:
        """The run to coordinate: the one in Redis if it is this database's and still running
        (a restarted coordinator), else a new one."""
        run = self.state.active()
        if run and run.get("db") != self.db_path:
            raise CrawlDidNotStart(f"run {run.get('run_id')} of {run.get('db')} is still going on in this Redis "
                                   "database; use another (redis://HOST:PORT/N) for another database, or FLUSHDB "
                                   "it if that run is abandoned")
        if run:
            run_id = int(run["run_id"])
            row = self.db.execute("SELECT status FROM crawl_runs WHERE id = ?", [run_id]).fetchone()
            if row and row[0] in ("ok", "partial"):  # killed after the run's end, before Redis heard of it
                self.log(f"distributed run {run_id} had finished: nothing to resume")
                return run_id
            if row and row[0] in ("running", "failed"):
                store.adopt_run(self.db, run_id)
                self.log(f"resuming distributed run {run_id}: {self.state.stored_count()} of {run['sites']} "
                         "site(s) stored")
                return run_id
        run_id = store.start_run(self.db, note="distributed")
        known = defaultdict(list)
        for row in known_posts(self.db):
            known[row["site"]].append(row)
        sites = {}
        for source in sources:
            site_id = store.upsert_site(self.db, source.name, source.url, source.location)
            sites[source.name] = {"source": dataclasses.asdict(source), "site_id": site_id,
                                  "known": known.get(source.name, []),
                                  "boilerplate": sorted(site_boilerplate_hashes(self.db, site_id))}
        self.state.seed(run_id, settings, sites, db=self.db_path)
        self.log(f"distributed run {run_id} seeded: {len(sites)} site(s) waiting for workers")
        return run_id

    def store_lease(self, run_id: int, message: dict) -> None:
        """Make a completed lease's writes, each in one transaction with the count of the lease's
        writes made (run_leases): a coordinator killed anywhere in here and started again goes on
        after the last write it made, and counts the site for its worker once."""
        site, token, worker = message["site"], message["token"], message["worker"]
        lease = store.lease_progress(self.db, run_id, token, self.state.site_config(site)["site_id"], worker)
        if lease["stored_at"] is None:
            for name, args in self.state.result_entries(site, token, start=lease["writes"]):
                self.store_write(run_id, token, name, decode(args, DATACLASSES))
            store.record_worker_lease(self.db, run_id, token)
            lease = store.lease_progress(self.db, run_id, token, lease["site_id"], worker)
        self.log(f"site {site} stored: {lease['fetches']} fetch(es), {lease['posts']} post(s), by {worker}")

    def store_write(self, run_id: int, lease: str, name: str, args: list) -> None:
        with store.transaction(self.db):
            WRITES[name](self.db, *args)
            fetch = name == "record_fetch"
            store.count_lease_write(self.db, run_id, lease, fetch, fetch and failed_fetch(args), name in POST_WRITES)

    def run(self, sources, settings: dict, poll: float = 1.0) -> dict:
        run_id = self.seed_or_resume(sources, settings)
        if self.db["crawl_runs"].get(run_id)["status"] == "running":
            self.store_and_finish(run_id, poll)
        self.state.finish()
        self.state.drop_stale_results()
        return self.db["crawl_runs"].get(run_id)

    def store_and_finish(self, run_id: int, poll: float) -> None:
        total = int(self.state.run()["sites"])
        while self.state.stored_count() < total:
            message = self.state.next_done(poll)
            if message is None:
                continue
            if not self.state.is_stored(message["site"]):
                self.store_lease(run_id, message)
            self.state.stored(message)
        site_ids = [config["site_id"] for config in self.site_configs()]
        end_of_crawl(lambda step, *args: step(self.db, *args), self.db, site_ids, run_id)
        counts = store.run_counts(self.db, run_id)
        store.finish_run(self.db, run_id, "partial" if counts["pages_failed"] else "ok")

    def site_configs(self):
        for key in self.state.r.scan_iter(self.state.key("site", "*")):
            yield self.state.site_config(key[len(self.state.key("site", "")):])


def coordinate(sources, db_path: str, redis_url: str, settings: dict, log=logger.info) -> dict:
    """Seed (or resume) a distributed run, store its results until every site is stored; returns
    its crawl_runs row."""
    return Coordinator(RunState.from_url(redis_url), db_path, log).run(sources, settings)
