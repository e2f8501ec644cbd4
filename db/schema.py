"""The database schema and its migrations.

The tables and columns of docs/database.md are a public contract: scripts outside this
repository read them. A change to them is a new migration appended to MIGRATIONS (never
an edit of an old one) and a note in docs/database.md. The schema version is SQLite's
``PRAGMA user_version``.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

DEFAULT_DB = "data/clinicwatch.db"


def default_db_path() -> str:
    return os.environ.get("CLINICWATCH_DB") or DEFAULT_DB


def open_db(path: str | os.PathLike | None = None, *, migrate_schema: bool = True, create: bool = True,
            read_only: bool = False) -> sqlite_utils.Database:
    """Open a clinicwatch database, in WAL mode, migrated to the current schema.

    A file that is another application's (tables of its own, no schema version of ours) is
    refused before anything is written to it. `create`: a new or empty file becomes a
    clinicwatch database (only crawl, run and nightly ask for that). `read_only`: opened
    with SQLite's mode=ro, never migrated; a file of an older schema is refused with the
    command that migrates it."""
    path = Path(path or default_db_path())
    memory = str(path) == ":memory:"
    if read_only and not path.is_file():
        raise DatabaseError(f"{path}: no such database file")
    if not memory and not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if read_only:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30,
                                   isolation_level=None)
        else:
            conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        db = sqlite_utils.Database(conn)
        db.execute("PRAGMA busy_timeout = 30000")
        check_ours(db, path, create=create and not read_only)
        db.execute("PRAGMA foreign_keys = ON")
        if read_only:
            if schema_version(db) < len(MIGRATIONS):
                raise DatabaseError(
                    f"{path}: schema version {schema_version(db)} is older than this clinicwatch's "
                    f"({len(MIGRATIONS)}); run `clinicwatch migrate --db {path}` to upgrade it (a crawl does too)")
            return db
        if not memory:
            db.enable_wal()
            # WAL with synchronous=NORMAL is durable at every checkpoint and never corrupt.
            db.execute("PRAGMA synchronous = NORMAL")
        if migrate_schema:
            migrate(db)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: cannot open as a clinicwatch database ({exc}). "
                            "Check the path, its permissions and free disk space.") from exc
    return db


# Tables every clinicwatch schema version has had since version 1.
OUR_TABLES = {"sites", "crawl_runs", "fetches", "posts", "post_versions"}


def check_ours(db: sqlite_utils.Database, path, *, create: bool) -> None:
    """Refuse, before any write, a file that is not a clinicwatch database: tables of its own
    with no schema version of ours, or a schema version without our tables. An empty file (no
    tables, version 0) is refused unless `create`."""
    version = schema_version(db)
    tables = {row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")}
    if version == 0 and not tables:
        if not create:
            raise DatabaseError(f"{path}: not a clinicwatch database (it is empty); "
                                f"`clinicwatch crawl --db {path}` creates one")
        return
    if version == 0 or not OUR_TABLES <= tables:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise DatabaseError(f"{path}: not a clinicwatch database (schema version {version}, tables: "
                            f"{shown or 'none'}); refusing to change it. Give --db a clinicwatch database "
                            "or a new file.")
    if version > len(MIGRATIONS):
        raise DatabaseError(f"{path}: schema version {version} is newer than this clinicwatch understands "
                            f"({len(MIGRATIONS)}); upgrade clinicwatch.")


class DatabaseError(Exception):
    """The database file cannot be opened or written; the message names the file."""


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> int:
    """Apply every migration newer than the database's version, each in its own transaction."""
    current = schema_version(db)
    if current > len(MIGRATIONS):
        raise DatabaseError(
            f"{db.conn.execute('PRAGMA database_list').fetchone()[2]}: schema version {current} is newer "
            f"than this clinicwatch understands ({len(MIGRATIONS)}); upgrade clinicwatch."
        )
    for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
        try:
            db.conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
        except sqlite3.Error:
            if db.conn.in_transaction:
                db.conn.rollback()
            raise
    return schema_version(db)


V1_INITIAL = """
CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    location TEXT
);
CREATE TABLE crawl_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed')),
    pages_fetched INTEGER NOT NULL DEFAULT 0,
    pages_failed INTEGER NOT NULL DEFAULT 0,
    posts_new INTEGER NOT NULL DEFAULT 0,
    posts_changed INTEGER NOT NULL DEFAULT 0,
    posts_unchanged INTEGER NOT NULL DEFAULT 0,
    posts_removed INTEGER NOT NULL DEFAULT 0,
    pid INTEGER,
    note TEXT
);
CREATE TABLE fetches (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES crawl_runs(id),
    site_id INTEGER REFERENCES sites(id),
    url TEXT NOT NULL,
    purpose TEXT,  -- robots, sitemap, feed, listing, page, recheck (a known post), or probe (a guessed sitemap/feed path)
    status INTEGER,
    error TEXT,
    bytes INTEGER,
    fetched_at TEXT NOT NULL
);
CREATE INDEX fetches_run ON fetches(run_id);
CREATE INDEX fetches_url ON fetches(url);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    url TEXT NOT NULL UNIQUE,
    fetched_url TEXT,
    title TEXT,
    author TEXT,
    published_at TEXT,
    date_source TEXT,
    text TEXT NOT NULL,
    word_count INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    is_relevant INTEGER NOT NULL DEFAULT 0,
    relevance_score REAL,
    relevance_concepts TEXT,
    duplicate_of INTEGER REFERENCES posts(id),
    minhash BLOB,
    extractor TEXT,
    etag TEXT,
    last_modified TEXT,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    last_changed_at TEXT NOT NULL,
    removed_at TEXT
);
CREATE INDEX posts_site ON posts(site_id);
CREATE INDEX posts_hash ON posts(content_hash);
CREATE INDEX posts_duplicate_of ON posts(duplicate_of);
CREATE TABLE post_versions (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id),
    content_hash TEXT NOT NULL,
    title TEXT,
    text TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    UNIQUE (post_id, content_hash)
);
-- The page as fetched (gzip), so text can be re-derived when the extractor improves.
CREATE TABLE post_html (
    post_id INTEGER PRIMARY KEY REFERENCES posts(id),
    html_gz BLOB NOT NULL,
    fetched_at TEXT NOT NULL
);
CREATE TABLE summaries (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id),
    content_hash TEXT NOT NULL,
    summary TEXT NOT NULL,
    method TEXT NOT NULL,
    model TEXT NOT NULL,
    model_revision TEXT,
    params TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (post_id, content_hash, method, model)
);
CREATE INDEX summaries_post ON summaries(post_id);
-- What each crawl run did to each post: the source of crawl_runs' counts and of the nightly digest.
CREATE TABLE run_posts (
    run_id INTEGER NOT NULL REFERENCES crawl_runs(id),
    post_id INTEGER NOT NULL REFERENCES posts(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('new', 'changed', 'unchanged', 'removed')),
    PRIMARY KEY (run_id, post_id)
);

-- Full-text search, laid out as sqlite-utils' enable_fts() makes it (so Datasette and
-- Table.search() find it), written out here so the whole migration is one transaction.
CREATE VIRTUAL TABLE posts_fts USING FTS5 (title, text, content=[posts], tokenize='porter');
CREATE TRIGGER posts_ai AFTER INSERT ON posts BEGIN
  INSERT INTO posts_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER posts_ad AFTER DELETE ON posts BEGIN
  INSERT INTO posts_fts (posts_fts, rowid, title, text) VALUES('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER posts_au AFTER UPDATE OF title, text ON posts BEGIN
  INSERT INTO posts_fts (posts_fts, rowid, title, text) VALUES('delete', old.rowid, old.title, old.text);
  INSERT INTO posts_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

-- Posts with their clinic and the summary of their current text (the newest, if several models wrote one).
CREATE VIEW posts_with_summaries AS
SELECT
    p.id, s.name AS site, s.location, p.url, p.title, p.author, p.published_at,
    p.word_count, p.is_relevant, p.relevance_score, p.relevance_concepts,
    p.duplicate_of, sm.summary, sm.method AS summary_method, sm.model AS summary_model,
    p.text, p.first_seen_at, p.last_changed_at, p.removed_at
FROM posts p
JOIN sites s ON s.id = p.site_id
LEFT JOIN summaries sm ON sm.id = (
    SELECT id FROM summaries
    WHERE post_id = p.id AND content_hash = p.content_hash
    ORDER BY created_at DESC, id DESC LIMIT 1
);

-- One row per group of copies: the earliest post (the head) and where its copies stand.
CREATE VIEW duplicate_clusters AS
SELECT
    head.id AS head_id, head.title AS head_title, hs.name AS head_site, head.url AS head_url,
    head.published_at AS head_published_at,
    COUNT(copy.id) AS copies,
    GROUP_CONCAT(DISTINCT cs.name) AS copy_sites
FROM posts head
JOIN sites hs ON hs.id = head.site_id
JOIN posts copy ON copy.duplicate_of = head.id
JOIN sites cs ON cs.id = copy.site_id
GROUP BY head.id;
"""


# What posts say, by category, with the sentence each mention came from; and views for browsing and export.
V2_MENTIONS = """
CREATE TABLE mentions (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id),
    category TEXT NOT NULL CHECK (category IN ('mechanism', 'condition', 'claim', 'citation', 'call_to_action')),
    concept TEXT NOT NULL,
    matched TEXT NOT NULL,
    sentence TEXT NOT NULL,
    sentence_index INTEGER NOT NULL,
    UNIQUE (post_id, sentence_index, concept)
);
CREATE INDEX mentions_concept ON mentions(category, concept);
-- Which text of each post was scanned by which rules: a post without a row for its current
-- text and the current rules is pending, and the next back-fill scans it.
CREATE TABLE mention_scans (
    post_id INTEGER PRIMARY KEY REFERENCES posts(id),
    content_hash TEXT NOT NULL,
    rules TEXT NOT NULL,
    scanned_at TEXT NOT NULL
);

-- One row per post with what browsing facets on: clinic, year, relevance, cluster, mention categories.
CREATE VIEW posts_browse AS
SELECT
    w.id, w.title, w.site, w.published_at, substr(w.published_at, 1, 4) AS year, w.is_relevant,
    COALESCE(w.duplicate_of, w.id) AS cluster_id,
    1 + (SELECT COUNT(*) FROM posts c WHERE c.duplicate_of = COALESCE(w.duplicate_of, w.id)) AS cluster_size,
    (SELECT json_group_array(category) FROM
        (SELECT DISTINCT category FROM mentions m WHERE m.post_id = w.id ORDER BY category)) AS mention_categories,
    w.summary, w.word_count, w.url, w.removed_at
FROM posts_with_summaries w;

-- Each mention with its post's clinic and date.
CREATE VIEW mention_sentences AS
SELECT
    m.id, m.post_id, p.title, s.name AS site, p.published_at, substr(p.published_at, 1, 4) AS year,
    p.is_relevant, m.category, m.concept, m.matched, m.sentence, m.sentence_index
FROM mentions m
JOIN posts p ON p.id = m.post_id
JOIN sites s ON s.id = p.site_id;

-- Each change of a post's text: which version came before which, and when (post_versions holds the texts).
CREATE VIEW post_changes AS
SELECT
    v.post_id, s.name AS site, v.title, v.previous_title, v.previous_id AS previous_version_id,
    v.id AS version_id, v.previous_seen_at, v.seen_at AS changed_at
FROM (
    SELECT pv.id, pv.post_id, pv.title, pv.seen_at,
        LAG(pv.id) OVER w AS previous_id,
        LAG(pv.title) OVER w AS previous_title,
        LAG(pv.seen_at) OVER w AS previous_seen_at
    FROM post_versions pv
    WINDOW w AS (PARTITION BY pv.post_id ORDER BY pv.seen_at, pv.id)
) v
JOIN posts p ON p.id = v.post_id
JOIN sites s ON s.id = p.site_id
WHERE v.previous_id IS NOT NULL;

-- What `clinicwatch export` writes, in its documented column order.
CREATE VIEW posts_export AS
SELECT
    w.id, w.site, w.location, w.url, w.title, w.author, w.published_at, w.word_count, w.is_relevant,
    w.relevance_score, w.relevance_concepts, COALESCE(w.duplicate_of, w.id) AS cluster_id, w.duplicate_of,
    w.summary, w.summary_method, w.summary_model, w.first_seen_at, w.last_changed_at, w.removed_at, w.text,
    (SELECT group_concat(concept, '; ') FROM (SELECT DISTINCT concept FROM mentions m
        WHERE m.post_id = w.id AND m.category = 'mechanism' ORDER BY concept)) AS mechanisms,
    (SELECT group_concat(concept, '; ') FROM (SELECT DISTINCT concept FROM mentions m
        WHERE m.post_id = w.id AND m.category = 'condition' ORDER BY concept)) AS conditions,
    (SELECT group_concat(concept, '; ') FROM (SELECT DISTINCT concept FROM mentions m
        WHERE m.post_id = w.id AND m.category = 'claim' ORDER BY concept)) AS claims,
    (SELECT group_concat(concept, '; ') FROM (SELECT DISTINCT concept FROM mentions m
        WHERE m.post_id = w.id AND m.category = 'citation' ORDER BY concept)) AS citations,
    (SELECT group_concat(concept, '; ') FROM (SELECT DISTINCT concept FROM mentions m
        WHERE m.post_id = w.id AND m.category = 'call_to_action' ORDER BY concept)) AS calls_to_action
FROM posts_with_summaries w;
"""

V3_DUPLICATE_CLUSTERS = """
-- duplicate_clusters with every site of a cluster (the head's too), copies within the head's site,
-- and the copies' ids; the columns of version 1 keep their names and meanings.
DROP VIEW duplicate_clusters;
CREATE VIEW duplicate_clusters AS
SELECT
    head.id AS head_id, head.title AS head_title, hs.name AS head_site, head.url AS head_url,
    head.published_at AS head_published_at,
    COUNT(copy.id) AS copies,
    GROUP_CONCAT(DISTINCT cs.name) AS copy_sites,
    COUNT(copy.id) + 1 AS posts,
    COUNT(DISTINCT copy.site_id) + (SUM(copy.site_id = head.site_id) = 0) AS site_count,
    (SELECT json_group_array(name) FROM (
        SELECT DISTINCT s.name FROM posts m JOIN sites s ON s.id = m.site_id
        WHERE m.id = head.id OR m.duplicate_of = head.id ORDER BY s.name)) AS sites,
    SUM(copy.site_id = head.site_id) AS same_site_copies,
    (SELECT json_group_array(id) FROM (
        SELECT c.id FROM posts c WHERE c.duplicate_of = head.id
        ORDER BY COALESCE(c.published_at, '9999'), c.first_seen_at, c.id)) AS copy_ids,
    MAX(copy.published_at) AS last_copy_published_at
FROM posts head
JOIN sites hs ON hs.id = head.site_id
JOIN posts copy ON copy.duplicate_of = head.id
JOIN sites cs ON cs.id = copy.site_id
GROUP BY head.id;
"""


V4_SITE_BOILERPLATE = """
-- Paragraphs found repeated across many posts of one site (calls to action, disclaimers,
-- author bios inside the post's own container): removed from every post of the site.
CREATE TABLE site_boilerplate (
    site_id INTEGER NOT NULL REFERENCES sites(id),
    paragraph_hash TEXT NOT NULL,  -- pipeline.dedup.content_hash of the paragraph
    text TEXT NOT NULL,
    posts INTEGER NOT NULL,        -- posts of the site that had it when it was found
    first_seen_at TEXT NOT NULL,
    PRIMARY KEY (site_id, paragraph_hash)
);
"""


# Each entry is one schema version: a SQL script, run in one transaction with the version bump.
# Re-crawls look known posts up by the URL they were fetched from, once per post.
V5_FETCHED_URL_INDEX = """
CREATE INDEX posts_fetched_url ON posts(fetched_url);
"""


# An abstractive summary that names, numbers or drugs absent from its post is replaced by the
# post's extractive summary; why, is kept with the row (NULL for every other summary).
V6_SUMMARY_FALLBACK = """
ALTER TABLE summaries ADD COLUMN fallback_reason TEXT;
"""


# Every change a crawl sees is a row of history: a text that goes A -> B -> A has three versions.
# UNIQUE (post_id, content_hash) made the return to A an ignored INSERT (issue 12, item 12), so
# post_changes, changed_since and the post page showed only A -> B. SQLite cannot drop a
# constraint: the table is rebuilt (ids kept), and post_changes, which reads it, with it.
V7_VERSION_HISTORY = """
DROP VIEW post_changes;
CREATE TABLE post_versions_v7 (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES posts(id),
    content_hash TEXT NOT NULL,
    title TEXT,
    text TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
INSERT INTO post_versions_v7 (id, post_id, content_hash, title, text, seen_at)
    SELECT id, post_id, content_hash, title, text, seen_at FROM post_versions;
DROP TABLE post_versions;
ALTER TABLE post_versions_v7 RENAME TO post_versions;
CREATE INDEX post_versions_post ON post_versions(post_id, seen_at, id);
CREATE VIEW post_changes AS
SELECT
    v.post_id, s.name AS site, v.title, v.previous_title, v.previous_id AS previous_version_id,
    v.id AS version_id, v.previous_seen_at, v.seen_at AS changed_at
FROM (
    SELECT pv.id, pv.post_id, pv.title, pv.seen_at,
        LAG(pv.id) OVER w AS previous_id,
        LAG(pv.title) OVER w AS previous_title,
        LAG(pv.seen_at) OVER w AS previous_seen_at
    FROM post_versions pv
    WINDOW w AS (PARTITION BY pv.post_id ORDER BY pv.seen_at, pv.id)
) v
JOIN posts p ON p.id = v.post_id
JOIN sites s ON s.id = p.site_id
WHERE v.previous_id IS NOT NULL;
"""


# URLs whose fetch failed in a way that does not go away by itself (larger than the download limit,
# a compression bomb, binary served as HTML, XML declaring entities, a redirect loop): not requested
# again before skip_until, which backs off 1, 2, 4 ... days up to 30; forgotten when the URL answers
# well or its sitemap lastmod changes.
V8_FAILING_URLS = """
CREATE TABLE failing_urls (
    url TEXT PRIMARY KEY,            -- the URL the crawl asked for (a redirect chain's first)
    site_id INTEGER REFERENCES sites(id),
    reason TEXT NOT NULL,            -- the error of its last failure, as on its fetches row
    failures INTEGER NOT NULL,       -- crawl runs in a row in which it failed so
    first_failed_at TEXT NOT NULL,
    last_failed_at TEXT NOT NULL,
    last_run_id INTEGER REFERENCES crawl_runs(id),
    skip_until TEXT NOT NULL,        -- not requested before this time (UTC)
    lastmod TEXT                     -- its sitemap lastmod when it last failed
);
"""


# A crawl spread over machines (`clinicwatch crawl --redis`): what each worker did in a run.
V9_RUN_WORKERS = """
CREATE TABLE run_workers (
    run_id INTEGER NOT NULL REFERENCES crawl_runs(id),
    worker TEXT NOT NULL,              -- host:pid of the `clinicwatch worker` process
    sites INTEGER NOT NULL DEFAULT 0,  -- sites it crawled to the end (their results stored)
    fetches INTEGER NOT NULL DEFAULT 0,
    fetches_failed INTEGER NOT NULL DEFAULT 0,
    posts INTEGER NOT NULL DEFAULT 0,  -- posts it sent (new, changed, unchanged or removed)
    last_stored_at TEXT NOT NULL,
    PRIMARY KEY (run_id, worker)
);
"""


# A crawl across machines: each lease (one worker's go at one site) whose results the coordinator
# stores, and how far it got. Each write of a lease is stored in one transaction with the count
# of writes stored, so a coordinator killed and restarted goes on after the last write it stored
# and makes none twice.
V10_RUN_LEASES = """
CREATE TABLE run_leases (
    run_id INTEGER NOT NULL REFERENCES crawl_runs(id),
    lease TEXT NOT NULL,                      -- the lease's token: <worker>/<random hex>
    site_id INTEGER REFERENCES sites(id),
    worker TEXT NOT NULL,                     -- host:pid of the `clinicwatch worker` process
    writes INTEGER NOT NULL DEFAULT 0,        -- the lease's database writes stored so far, in order
    fetches INTEGER NOT NULL DEFAULT 0,
    fetches_failed INTEGER NOT NULL DEFAULT 0,
    posts INTEGER NOT NULL DEFAULT 0,         -- posts new, changed, unchanged or removed
    stored_at TEXT,                           -- when its last write was stored (NULL while storing)
    PRIMARY KEY (run_id, lease)
);
"""


# Which relevance rules scored each post (pipeline.relevance.RULES_VERSION): a post scored by other
# rules, or before this column (NULL), is scored again from its stored title and text.
V11_RELEVANCE_RULES = """
ALTER TABLE posts ADD COLUMN relevance_rules TEXT;
"""


MIGRATIONS: list[str] = [V1_INITIAL, V2_MENTIONS, V3_DUPLICATE_CLUSTERS, V4_SITE_BOILERPLATE, V5_FETCHED_URL_INDEX,
                         V6_SUMMARY_FALLBACK, V7_VERSION_HISTORY, V8_FAILING_URLS, V9_RUN_WORKERS, V10_RUN_LEASES,
                         V11_RELEVANCE_RULES]
