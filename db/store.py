"""Writes. Each function is one transaction, so a killed process leaves either all of a
page's rows or none of them."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable, Iterator

import sqlite_utils

from .queries import FAILED_FETCH, post_by_url
from .schema import DatabaseError


def utcnow() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error (the connection runs in autocommit mode).
    SQLite failing to write (disk full, read-only file, I/O error, locked past the busy timeout)
    raises DatabaseError naming the file; nothing of the transaction is left behind. Inside another
    one (a distributed crawl's coordinator stores a write and its lease's count together) it is
    part of that one: both commit or neither."""
    if db.conn.in_transaction:
        yield
        return
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            db.conn.rollback()
            raise
        db.conn.commit()
    except sqlite3.OperationalError as exc:
        if db.conn.in_transaction:
            db.conn.rollback()
        raise DatabaseError(f"{database_file(db)}: cannot write ({exc}). "
                            "Check free disk space and the file's permissions.") from exc


def database_file(db: sqlite_utils.Database) -> str:
    return db.conn.execute("PRAGMA database_list").fetchone()[2] or ":memory:"


def check_writable(db: sqlite_utils.Database) -> None:
    """Raise DatabaseError now if the database cannot take a write (a read-only file or mount),
    rather than at a crawl's first page. The statement writes nothing, but SQLite refuses to
    start it on a database it cannot write."""
    with transaction(db):
        db.execute("DELETE FROM crawl_runs WHERE 0")


def upsert_site(db: sqlite_utils.Database, name: str, url: str, location: str | None = None) -> int:
    with transaction(db):
        row = db.execute("SELECT id FROM sites WHERE name = ?", [name]).fetchone()
        if row:
            db.execute("UPDATE sites SET url = ?, location = ? WHERE id = ?", [url, location, row[0]])
            return row[0]
        return db.execute(
            "INSERT INTO sites (name, url, location) VALUES (?, ?, ?)", [name, url, location]
        ).lastrowid


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_run(db: sqlite_utils.Database, note: str | None = None) -> int:
    """Open a crawl run. Runs left 'running' by a process that no longer exists are marked failed."""
    with transaction(db):
        for run_id, pid in db.execute("SELECT id, pid FROM crawl_runs WHERE status = 'running'").fetchall():
            if pid != os.getpid() and not _pid_alive(pid):
                db.execute(
                    "UPDATE crawl_runs SET status = 'failed', finished_at = ?, "
                    "note = COALESCE(note || '; ', '') || 'process died before the run finished' WHERE id = ?",
                    [utcnow(), run_id],
                )
        return db.execute(
            "INSERT INTO crawl_runs (started_at, status, pid, note) VALUES (?, 'running', ?, ?)",
            [utcnow(), os.getpid(), note],
        ).lastrowid


def finish_run(db: sqlite_utils.Database, run_id: int, status: str, note: str | None = None) -> dict:
    """Close a run, deriving its counts from the rows it wrote."""
    counts = run_counts(db, run_id)
    with transaction(db):
        db.execute(
            """UPDATE crawl_runs SET finished_at = ?, status = ?, note = COALESCE(?, note),
               pages_fetched = ?, pages_failed = ?, posts_new = ?, posts_changed = ?,
               posts_unchanged = ?, posts_removed = ? WHERE id = ?""",
            [utcnow(), status, note, counts["pages_fetched"], counts["pages_failed"], counts["posts_new"],
             counts["posts_changed"], counts["posts_unchanged"], counts["posts_removed"], run_id],
        )
    return counts


def run_counts(db: sqlite_utils.Database, run_id: int) -> dict:
    fetched, failed = db.execute(
        f"SELECT COUNT(*), COALESCE(SUM({FAILED_FETCH}), 0) FROM fetches WHERE run_id = ?",
        [run_id],
    ).fetchone()
    outcomes = dict(
        db.execute("SELECT outcome, COUNT(*) FROM run_posts WHERE run_id = ? GROUP BY outcome", [run_id]).fetchall()
    )
    return {
        "pages_fetched": fetched,
        "pages_failed": failed,
        "posts_new": outcomes.get("new", 0),
        "posts_changed": outcomes.get("changed", 0),
        "posts_unchanged": outcomes.get("unchanged", 0),
        "posts_removed": outcomes.get("removed", 0),
    }


def record_fetch(
    db: sqlite_utils.Database,
    run_id: int | None,
    url: str,
    status: int | None,
    error: str | None = None,
    site_id: int | None = None,
    size: int | None = None,
    purpose: str | None = None,
) -> int:
    with transaction(db):
        return db.execute(
            "INSERT INTO fetches (run_id, site_id, url, purpose, status, error, bytes, fetched_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, site_id, url, purpose, status, error, size, utcnow()],
        ).lastrowid


@dataclass
class PostRecord:
    """A post as the pipeline hands it to storage."""

    site_id: int
    url: str
    text: str
    content_hash: str
    title: str | None = None
    author: str | None = None
    published_at: str | None = None
    date_source: str | None = None
    fetched_url: str | None = None
    is_relevant: bool = False
    relevance_score: float | None = None
    relevance_concepts: list[str] = field(default_factory=list)
    relevance_rules: str | None = None  # the rules that scored it (pipeline.relevance.RULES_VERSION)
    minhash: bytes | None = None
    extractor: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    html: str | None = None

    @property
    def word_count(self) -> int:
        return len(self.text.split())


def save_post(db: sqlite_utils.Database, post: PostRecord, run_id: int | None = None) -> tuple[int, str]:
    """Insert or update one post with its version and HTML; return (post id, 'new'|'changed'|'unchanged')."""
    now = utcnow()
    columns = {
        "site_id": post.site_id,
        "fetched_url": post.fetched_url,
        "title": post.title,
        "author": post.author,
        "published_at": post.published_at,
        "date_source": post.date_source,
        "text": post.text,
        "word_count": post.word_count,
        "content_hash": post.content_hash,
        "is_relevant": int(bool(post.is_relevant)),
        "relevance_score": post.relevance_score,
        "relevance_concepts": json.dumps(post.relevance_concepts),
        "minhash": post.minhash,
        "extractor": post.extractor,
        "etag": post.etag,
        "last_modified": post.last_modified,
        "last_seen_at": now,
        "removed_at": None,
    }
    if post.relevance_rules is not None:  # a record that does not name them leaves the column as it is
        columns["relevance_rules"] = post.relevance_rules
    with transaction(db):
        existing = post_by_url(db, post.url)
        if existing is None:
            columns.update(url=post.url, first_seen_at=now, last_changed_at=now)
            names = ", ".join(columns)
            post_id = db.execute(
                f"INSERT INTO posts ({names}) VALUES ({', '.join('?' for _ in columns)})", list(columns.values())
            ).lastrowid
            outcome = "new"
        else:
            post_id = existing["id"]
            outcome = "unchanged" if existing["content_hash"] == post.content_hash else "changed"
            if outcome == "changed":
                columns["last_changed_at"] = now
            assignments = ", ".join(f"{name} = ?" for name in columns)
            db.execute(f"UPDATE posts SET {assignments} WHERE id = ?", [*columns.values(), post_id])
        if outcome != "unchanged":  # every text the crawl sees change is a version, a return to an old one too
            db.execute(
                "INSERT INTO post_versions (post_id, content_hash, title, text, seen_at) VALUES (?, ?, ?, ?, ?)",
                [post_id, post.content_hash, post.title, post.text, now],
            )
        if post.html is not None:
            db.execute(
                "INSERT OR REPLACE INTO post_html (post_id, html_gz, fetched_at) VALUES (?, ?, ?)",
                [post_id, gzip.compress(post.html.encode("utf-8")), now],
            )
        if run_id is not None:
            db.execute(
                "INSERT OR IGNORE INTO run_posts (run_id, post_id, outcome) VALUES (?, ?, ?)", [run_id, post_id, outcome]
            )
    return post_id, outcome


def touch_post(db: sqlite_utils.Database, url: str, run_id: int | None = None) -> int | None:
    """A known post answered 'not modified': note that it is still there, unchanged."""
    with transaction(db):
        row = post_by_url(db, url, or_fetched=True)
        if row is None:
            return None
        db.execute("UPDATE posts SET last_seen_at = ?, removed_at = NULL WHERE id = ?", [utcnow(), row["id"]])
        if run_id is not None:
            db.execute(
                "INSERT OR IGNORE INTO run_posts (run_id, post_id, outcome) VALUES (?, ?, 'unchanged')", [run_id, row["id"]]
            )
        return row["id"]


def mark_removed(db: sqlite_utils.Database, url: str, run_id: int | None = None) -> int | None:
    """A known post now answers 404 or 410: set removed_at (once); the row is never deleted."""
    with transaction(db):
        row = post_by_url(db, url, or_fetched=True)
        if row is None or row["removed_at"]:
            return None
        db.execute("UPDATE posts SET removed_at = ? WHERE id = ?", [utcnow(), row["id"]])
        if run_id is not None:
            db.execute(
                "INSERT OR IGNORE INTO run_posts (run_id, post_id, outcome) VALUES (?, ?, 'removed')", [run_id, row["id"]]
            )
        return row["id"]


def set_duplicates(db: sqlite_utils.Database, duplicate_of: dict[int, int | None]) -> int:
    """Apply a {post id: head id or None} mapping; returns how many rows changed."""
    changed = 0
    with transaction(db):
        for post_id, head in duplicate_of.items():
            changed += db.execute(
                "UPDATE posts SET duplicate_of = ? WHERE id = ? AND duplicate_of IS NOT ?", [head, post_id, head]
            ).rowcount
    return changed


def save_summaries(db: sqlite_utils.Database, rows: Iterable[dict]) -> int:
    """Store summaries: dicts with post_id, content_hash, summary, method, model, model_revision, params
    and optionally fallback_reason. A summary by other weights under the same model name, or by another
    selection (`selection_version` in params), replaces the one stored for that text (the batch runner asks
    for one only when either changed)."""
    now = utcnow()
    written = 0
    with transaction(db):
        for row in rows:
            written += db.execute(
                """INSERT INTO summaries
                   (post_id, content_hash, summary, method, model, model_revision, params, fallback_reason,
                    created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (post_id, content_hash, method, model) DO UPDATE SET
                     summary = excluded.summary, model_revision = excluded.model_revision,
                     params = excluded.params, fallback_reason = excluded.fallback_reason,
                     created_at = excluded.created_at
                   WHERE model_revision IS NOT excluded.model_revision
                      OR json_extract(params, '$.selection_version')
                         IS NOT json_extract(excluded.params, '$.selection_version')""",
                [row["post_id"], row["content_hash"], row["summary"], row["method"], row["model"],
                 row.get("model_revision"), json.dumps(row.get("params") or {}, sort_keys=True),
                 row.get("fallback_reason"), now],
            ).rowcount
    return written


def note_fetch_error(db: sqlite_utils.Database, run_id: int | None, url: str, error: str) -> None:
    with transaction(db):
        db.execute(
            "UPDATE fetches SET error = ? WHERE id = (SELECT MAX(id) FROM fetches WHERE run_id IS ? AND url = ?)",
            [error, run_id, url],
        )


# The wait after a lasting failure: 1 day after the first, doubling after each further one, at most 30.
MAX_SKIP_DAYS = 30


def skip_days(failures: int) -> int:
    return min(2 ** (failures - 1), MAX_SKIP_DAYS)


def remember_failure(db: sqlite_utils.Database, run_id: int | None, url: str, site_id: int | None, reason: str,
                     lastmod: str | None = None, now: datetime | None = None) -> dict:
    """A lasting failure of url (table failing_urls): counted once per run, with the wait that follows."""
    now = now or datetime.now(timezone.utc)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    with transaction(db):
        row = db.execute("SELECT failures, last_run_id, first_failed_at FROM failing_urls WHERE url = ?",
                         [url]).fetchone()
        if row is None:
            failures, first = 1, stamp
        else:
            failures = row[0] + (run_id is None or row[1] != run_id)
            first = row[2]
        until = (now + timedelta(days=skip_days(failures))).strftime("%Y-%m-%dT%H:%M:%SZ")
        db.execute(
            "INSERT OR REPLACE INTO failing_urls (url, site_id, reason, failures, first_failed_at, last_failed_at,"
            " last_run_id, skip_until, lastmod) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [url, site_id, reason, failures, first, stamp, run_id, until, lastmod])
    return {"url": url, "reason": reason, "failures": failures, "skip_until": until, "lastmod": lastmod}


def forget_failure(db: sqlite_utils.Database, url: str) -> None:
    """url answered well, or its sitemap lastmod changed: it is asked for again from now on."""
    with transaction(db):
        db.execute("DELETE FROM failing_urls WHERE url = ?", [url])


def save_mentions(db: sqlite_utils.Database, post_id: int, content_hash: str, rules: str,
                  mentions: Iterable[dict]) -> bool:
    """Replace a post's mentions with those found in its text `content_hash` by `rules` (dicts with
    category, concept, matched, sentence, sentence_index). Skipped, returning False, when the post's
    text changed since it was read: the scan would describe a text the post no longer has."""
    with transaction(db):
        return _replace_mentions(db, post_id, content_hash, rules, mentions)


def save_many_mentions(db: sqlite_utils.Database, scans: Iterable[tuple[int, str, str, Iterable[dict]]]) -> int:
    """save_mentions for many posts, (post_id, content_hash, rules, mentions) each, in one
    transaction: a back-fill writes hundreds of scans, and a commit for each cost about as much as
    writing them. A post's mentions and its scan row still land together or not at all. Returns
    how many posts' scans were saved."""
    with transaction(db):
        return sum(_replace_mentions(db, *scan) for scan in scans)


def _replace_mentions(db: sqlite_utils.Database, post_id: int, content_hash: str, rules: str,
                      mentions: Iterable[dict]) -> bool:
    current = db.execute("SELECT content_hash FROM posts WHERE id = ?", [post_id]).fetchone()
    if current is None or current[0] != content_hash:
        return False
    db.execute("DELETE FROM mentions WHERE post_id = ?", [post_id])
    db.conn.executemany(
        "INSERT INTO mentions (post_id, category, concept, matched, sentence, sentence_index)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [[post_id, m["category"], m["concept"], m["matched"], m["sentence"], m["sentence_index"]]
         for m in mentions],
    )
    db.execute(
        "INSERT OR REPLACE INTO mention_scans (post_id, content_hash, rules, scanned_at) VALUES (?, ?, ?, ?)",
        [post_id, content_hash, rules, utcnow()],
    )
    return True


def set_relevance(db: sqlite_utils.Database, scores: Iterable[tuple[int, bool, float, list[str], str]]) -> int:
    """Store posts' relevance scored again by other rules: (post id, is_relevant, score, concepts,
    rules) tuples, in one transaction; the text and its versions are untouched. Returns how many."""
    rows = [(int(relevant), score, json.dumps(list(concepts)), rules, post_id)
            for post_id, relevant, score, concepts, rules in scores]
    with transaction(db):
        db.conn.executemany("UPDATE posts SET is_relevant = ?, relevance_score = ?, relevance_concepts = ?, "
                            "relevance_rules = ? WHERE id = ?", rows)
    return len(rows)


def rewrite_post(db: sqlite_utils.Database, post_id: int, fields: dict, *, replace_version: bool = False) -> bool:
    """Set columns of a stored post re-derived by clinicwatch itself (template removal,
    re-extraction): `fields` maps column names to values. When `fields` gives a text with a
    new content_hash, the word count follows and the text becomes a version of the post:
    a new one (and last_changed_at moves), or, with replace_version, in place of the
    current one (a text stored moments ago in the same crawl, never final). Returns whether
    the text changed."""
    now = utcnow()
    with transaction(db):
        current = db.execute("SELECT content_hash, title FROM posts WHERE id = ?", [post_id]).fetchone()
        if current is None:
            return False
        columns = dict(fields)
        text_changed = "text" in columns and columns.get("content_hash") != current[0]
        if text_changed:
            columns["word_count"] = len(columns["text"].split())
            if not replace_version:
                columns["last_changed_at"] = now
        if columns:
            assignments = ", ".join(f"{name} = ?" for name in columns)
            db.execute(f"UPDATE posts SET {assignments} WHERE id = ?", [*columns.values(), post_id])
        if text_changed:
            if replace_version:  # the newest row, the text being replaced (an older row may share its hash)
                db.execute("DELETE FROM post_versions WHERE id = (SELECT MAX(id) FROM post_versions"
                           " WHERE post_id = ? AND content_hash = ?)", [post_id, current[0]])
            db.execute(
                "INSERT INTO post_versions (post_id, content_hash, title, text, seen_at) VALUES (?, ?, ?, ?, ?)",
                [post_id, columns["content_hash"], columns.get("title", current[1]), columns["text"], now],
            )
    return text_changed


def add_site_boilerplate(db: sqlite_utils.Database, site_id: int, paragraphs: Iterable[tuple[str, str, int]]) -> int:
    """Record paragraphs found repeated across a site's posts: (paragraph_hash, text, posts)
    triples. A paragraph already recorded keeps its row. Returns how many were new."""
    now = utcnow()
    with transaction(db):
        return sum(
            db.execute(
                "INSERT OR IGNORE INTO site_boilerplate (site_id, paragraph_hash, text, posts, first_seen_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [site_id, paragraph_hash, text, posts, now],
            ).rowcount
            for paragraph_hash, text, posts in paragraphs
        )


def adopt_run(db: sqlite_utils.Database, run_id: int) -> None:
    """A distributed run resumed by a restarted coordinator: the run is this process's now (so no
    other crawl marks it failed as the run of a dead process)."""
    with transaction(db):
        db.execute("UPDATE crawl_runs SET pid = ?, status = 'running', finished_at = NULL WHERE id = ?",
                   [os.getpid(), run_id])


def lease_progress(db: sqlite_utils.Database, run_id: int, lease: str, site_id: int | None, worker: str) -> dict:
    """A lease of a distributed run whose results the coordinator stores: its run_leases row (a new
    one with nothing stored, or how far a killed coordinator got)."""
    with transaction(db):
        db.execute("INSERT OR IGNORE INTO run_leases (run_id, lease, site_id, worker) VALUES (?, ?, ?, ?)",
                   [run_id, lease, site_id, worker])
        return next(db.query("SELECT * FROM run_leases WHERE run_id = ? AND lease = ?", [run_id, lease]))


def count_lease_write(db: sqlite_utils.Database, run_id: int, lease: str, fetches: int, failed: int,
                      posts: int) -> None:
    """One more write of the lease stored: call it in the transaction of that write."""
    db.execute("UPDATE run_leases SET writes = writes + 1, fetches = fetches + ?, fetches_failed = fetches_failed + ?,"
               " posts = posts + ? WHERE run_id = ? AND lease = ?", [fetches, failed, posts, run_id, lease])


def record_worker_lease(db: sqlite_utils.Database, run_id: int, lease: str) -> bool:
    """Every write of the lease stored: the site counts for its worker in run_workers (once; False if
    it already did)."""
    with transaction(db):
        row = next(db.query("SELECT * FROM run_leases WHERE run_id = ? AND lease = ?", [run_id, lease]), None)
        if row is None or row["stored_at"]:
            return False
        now = utcnow()
        db.execute("UPDATE run_leases SET stored_at = ? WHERE run_id = ? AND lease = ?", [now, run_id, lease])
        db.execute(
            """INSERT INTO run_workers (run_id, worker, sites, fetches, fetches_failed, posts, last_stored_at)
               VALUES (?, ?, 1, ?, ?, ?, ?)
               ON CONFLICT (run_id, worker) DO UPDATE SET sites = sites + 1, fetches = fetches + excluded.fetches,
               fetches_failed = fetches_failed + excluded.fetches_failed, posts = posts + excluded.posts,
               last_stored_at = excluded.last_stored_at""",
            [run_id, row["worker"], row["fetches"], row["fetches_failed"], row["posts"], now])
        return True
