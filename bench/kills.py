"""Kill the crawl and the summarizer (SIGKILL) at random points, recover, and check the database.

Each round grows a generated blog served on loopback (tests/fixtures/hostile_sites.py), then
kills one stage at a random point:

- crawl: after a random number of fetch rows of the run in progress;
- summarize: after a random number of summaries (batches of --batch-size posts).

Then `clinicwatch crawl` and `clinicwatch summarize` run to the end, and the database must hold:
PRAGMA integrity_check ok, FTS index consistent, no foreign key broken, every post the blog
serves stored once (0 lost, 0 duplicate rows), one version and one stored page per post, every
relevant post summarized once, and the killed crawl run marked failed. tests/test_crash_recovery.py
runs three fixed kill points with the same harness; this runs 20 random ones.

    python -m bench.kills [--rounds 20] [--seed N] [--posts 60] [--grow 20]
"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from pipeline.urls import normalize_url

# The loopback blog needs no politeness delays.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        "-s", "LOG_LEVEL=WARNING"]
BATCH_SIZE = 2


def clinicwatch_args(*args) -> list[str]:
    return [sys.executable, "-m", "clinicwatch.cli", *map(str, args)]


def run_clinicwatch(*args, log: Path) -> None:
    """Run to the end; its output goes to the log (Scrapy's log would fill a pipe and stall the process)."""
    with open(log, "a") as out:
        result = subprocess.run(clinicwatch_args(*args), stdout=out, stderr=subprocess.STDOUT, timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(f"clinicwatch {args[0]} exited {result.returncode}; see {log}")


def count(db_path: Path, sql: str) -> int:
    """One number from the database, read as Datasette would while another process writes; 0 while
    the file or its tables do not exist yet."""
    try:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)) as db:
            return db.execute(sql).fetchone()[0] or 0
    except sqlite3.OperationalError:
        return 0


@dataclass
class Kill:
    stage: str  # crawl or summarize
    point: int  # the row count that triggered the kill
    killed: bool  # False: the process ended before reaching the point
    run_id: int | None  # the crawl run in progress when killed


# Kill-point counts; {last_run} is the newest crawl run before the process starts, so only its own rows count.
NEW_RUN_FETCHES = "SELECT COUNT(*) FROM fetches WHERE run_id > {last_run}"
NEW_RUN_POSTS = "SELECT COUNT(*) FROM run_posts WHERE run_id > {last_run}"
SUMMARIES = "SELECT COUNT(*) FROM summaries"


def kill_when(args: list, db_path: Path, sql: str, point: int, log: Path, stage: str, timeout: float = 900) -> Kill:
    """Start clinicwatch, poll `sql` until it reaches `point`, then SIGKILL the process."""
    sql = sql.format(last_run=count(db_path, "SELECT MAX(id) FROM crawl_runs"))
    with open(log, "a") as out:
        process = subprocess.Popen(clinicwatch_args(*args), stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    try:
        while process.poll() is None and count(db_path, sql) < point:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{stage} did not reach {point} in {timeout} s; see {log}")
            time.sleep(0.01)  # polling the database for the kill point, not waiting for an event
        killed = process.poll() is None
        if killed:
            process.send_signal(signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    run_id = count(db_path, "SELECT MAX(id) FROM crawl_runs") if stage == "crawl" else None
    return Kill(stage, point, killed, run_id)  # the kill point is past the run's first row: the run exists


def integrity_ok(db_path: Path) -> bool:
    """PRAGMA integrity_check, on a connection that first recovers the WAL as the next run would."""
    with closing(sqlite3.connect(db_path)) as db:
        return [row[0] for row in db.execute("PRAGMA integrity_check")] == ["ok"]


def database_problems(db_path: Path, expected_urls: set[str] | None = None, *, summarized: bool = True,
                      failed_run: int | None = None) -> list[str]:
    """What is wrong with the database; [] when nothing is. Without expected_urls only its
    consistency is checked (no half-written or duplicate rows), not that the crawl is complete."""
    problems: list[str] = []
    with closing(sqlite3.connect(db_path)) as db:
        integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity[:3]}")
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            problems.append(f"{len(broken)} broken foreign key(s), e.g. {broken[0]}")
        try:
            db.execute("INSERT INTO posts_fts(posts_fts) VALUES('integrity-check')")
        except sqlite3.DatabaseError as exc:
            problems.append(f"posts_fts out of step with posts: {exc}")
        stored = [normalize_url(url) for (url,) in db.execute("SELECT url FROM posts")]
        if len(stored) != len(set(stored)):
            problems.append(f"{len(stored) - len(set(stored))} duplicate post row(s)")
        if expected_urls is not None:
            expected = {normalize_url(url) for url in expected_urls}
            if expected - set(stored):
                problems.append(f"{len(expected - set(stored))} post(s) lost")
            if set(stored) - expected:
                problems.append(f"{len(set(stored) - expected)} row(s) that are not posts of the blog")
            running = db.execute("SELECT COUNT(*) FROM crawl_runs WHERE status = 'running'").fetchone()[0]
            if running:
                problems.append(f"{running} crawl run(s) still 'running' after recovery")
        for table, key in [("post_versions", "post_id"), ("post_html", "post_id")]:
            half = db.execute(f"SELECT COUNT(*) FROM posts WHERE id NOT IN (SELECT {key} FROM {table})").fetchone()[0]
            extra = db.execute(f"SELECT COUNT(*) - COUNT(DISTINCT {key}) FROM {table}").fetchone()[0]
            if half:
                problems.append(f"{half} post(s) without a row in {table} (half-written)")
            if extra:
                problems.append(f"{extra} duplicate row(s) in {table}")
        dup_summaries = db.execute("SELECT COUNT(*) - COUNT(DISTINCT post_id || ' ' || content_hash || ' ' || model)"
                                   " FROM summaries").fetchone()[0]
        if dup_summaries:
            problems.append(f"{dup_summaries} duplicate summary row(s)")
        if summarized:
            missing = db.execute("""SELECT COUNT(*) FROM posts p WHERE p.is_relevant = 1 AND p.duplicate_of IS NULL
                AND NOT EXISTS (SELECT 1 FROM summaries s WHERE s.post_id = p.id AND s.content_hash = p.content_hash)
            """).fetchone()[0]
            if missing:
                problems.append(f"{missing} relevant post(s) not summarized")
        copies = db.execute("SELECT COUNT(*) FROM posts WHERE duplicate_of IS NOT NULL").fetchone()[0]
        if copies:
            problems.append(f"{copies} post(s) marked as copies (every generated post is distinct)")
        if failed_run is not None:
            status = db.execute("SELECT status FROM crawl_runs WHERE id = ?", [failed_run]).fetchone()
            if status is None or status[0] != "failed":
                problems.append(f"killed crawl run {failed_run} is {status[0] if status else 'missing'}, not failed")
    return problems


def crawl_args(sources: Path, db_path: Path) -> list:
    return ["crawl", "--sources", sources, "--db", db_path, "--allow-private-hosts", "--max-pages-per-site", 100_000,
            *FAST]


def summarize_args(db_path: Path) -> list:
    return ["summarize", "--db", db_path, "--batch-size", BATCH_SIZE]


def recover(sources: Path, db_path: Path, log: Path) -> None:
    run_clinicwatch(*crawl_args(sources, db_path), log=log)
    run_clinicwatch(*summarize_args(db_path), log=log)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.kills", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=None, help="random seed [default: from the clock, printed]")
    parser.add_argument("--posts", type=int, default=60, help="posts of the blog at the first round")
    parser.add_argument("--grow", type=int, default=20, help="posts added before every round")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)

    from tests.fixtures.hostile_sites import (
        GeneratedBlogState,
        generated_blog,
        generated_post_urls,
        serve_hostile,
        write_hostile_sources,
    )

    state = GeneratedBlogState(args.posts)
    site = generated_blog(state)
    print(f"{args.rounds} kill points (seed {seed}); blog of {args.posts} posts, {args.grow} more each round; "
          f"summaries in batches of {BATCH_SIZE}")
    print(f"{'round':>5} {'stage':<9} {'kill at':>12} {'posts':>5} {'lost':>4} {'dups':>4} integrity  problems")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="clinicwatch-kills-") as tmp, serve_hostile([site]) as base_urls:
        tmp_path = Path(tmp)
        sources = write_hostile_sources(tmp_path / "sources.toml", base_urls, [site], unreachable=False)
        db_path, log = tmp_path / "kills.db", tmp_path / "clinicwatch.log"
        for round_number in range(1, args.rounds + 1):
            state.posts += args.grow if round_number > 1 else 0
            expected = set(generated_post_urls(base_urls[site.name], state.posts))
            stage = "crawl" if round_number % 2 else "summarize"
            if stage == "crawl":
                # A run fetches robots.txt, sitemaps, probes and every post: kill anywhere in it.
                point = rng.randint(1, state.posts + 10)
                kill = kill_when(crawl_args(sources, db_path), db_path, NEW_RUN_FETCHES, point, log, stage)
                label = f"{point} fetches"
            else:
                run_clinicwatch(*crawl_args(sources, db_path), log=log)
                pending = count(db_path, """SELECT COUNT(*) FROM posts p WHERE is_relevant = 1 AND NOT EXISTS (
                    SELECT 1 FROM summaries s WHERE s.post_id = p.id AND s.content_hash = p.content_hash)""")
                point = count(db_path, SUMMARIES) + rng.randint(1, max(1, pending - 1))
                kill = kill_when(summarize_args(db_path), db_path, SUMMARIES, point, log, stage)
                label = f"{point} summaries"
            integrity_at_kill = integrity_ok(db_path)
            recover(sources, db_path, log)
            problems = database_problems(db_path, expected, failed_run=kill.run_id if kill.killed else None)
            if not kill.killed:
                problems.append("finished before the kill point")
            posts = count(db_path, "SELECT COUNT(*) FROM posts")
            lost = len(expected) - posts
            dups = sum(int(p.split()[0]) for p in problems if "duplicate" in p)
            integrity = "ok" if integrity_at_kill and not any("integrity" in p for p in problems) else "FAILED"
            failures += bool(problems)
            print(f"{round_number:>5} {stage:<9} {label:>12} {posts:>5} {lost:>4} {dups:>4} {integrity:<10} "
                  f"{'; '.join(problems) or '-'}", flush=True)
    print(f"\n{args.rounds - failures} of {args.rounds} kill points recovered with 0 lost posts, 0 duplicate rows "
          f"and integrity_check ok (bar: all)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
