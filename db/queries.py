"""Reads: plain functions over a sqlite_utils.Database."""

from __future__ import annotations

from typing import Iterator

import sqlite_utils

# A failed fetch: an error, or an HTTP error status for something the crawl needed. Guessed
# sitemap/feed paths and robots.txt may answer 404 on healthy sites.
FAILED_FETCH = "(error IS NOT NULL OR (status >= 400 AND COALESCE(purpose, '') NOT IN ('probe', 'robots')))"


def post_by_url(db: sqlite_utils.Database, url: str, *, or_fetched: bool = False) -> dict | None:
    """The post stored under this canonical URL (or, with or_fetched, fetched from it)."""
    sql = "SELECT id, content_hash, removed_at, etag, last_modified FROM posts WHERE url = ?"
    if or_fetched:
        sql += " OR fetched_url = ? ORDER BY url = ? DESC"
    rows = list(db.query(sql + " LIMIT 1", [url, url, url] if or_fetched else [url]))
    return rows[0] if rows else None


def known_posts(db: sqlite_utils.Database) -> list[dict]:
    """Published posts with what a re-crawl needs: site, canonical and fetched url, the validators of a
    conditional GET (etag, last_modified), and when a crawl last saw the post (to compare sitemap lastmod)."""
    return list(db.query(
        """SELECT s.name AS site, p.url, COALESCE(p.fetched_url, p.url) AS fetched_url, p.etag, p.last_modified,
                  p.last_seen_at
           FROM posts p JOIN sites s ON s.id = p.site_id WHERE p.removed_at IS NULL ORDER BY p.id"""
    ))


def dedup_signatures(db: sqlite_utils.Database) -> Iterator[dict]:
    """Every stored post's duplicate-detection inputs, oldest first."""
    yield from db.query(
        "SELECT id, content_hash, minhash, published_at, first_seen_at FROM posts ORDER BY id"
    )


def pending_summary_posts(
    db: sqlite_utils.Database, method: str, model: str, limit: int | None = None
) -> list[dict]:
    """Posts to summarize: relevant, published, not a copy, with no summary of their current text by this model."""
    sql = """
        SELECT p.id, p.content_hash, p.title, p.text
        FROM posts p
        WHERE p.is_relevant = 1 AND p.duplicate_of IS NULL AND p.removed_at IS NULL
          AND NOT EXISTS (
            SELECT 1 FROM summaries s
            WHERE s.post_id = p.id AND s.content_hash = p.content_hash AND s.method = ? AND s.model = ?
          )
        ORDER BY p.id
    """
    params: list = [method, model]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return list(db.query(sql, params))


def site_stats(db: sqlite_utils.Database) -> list[dict]:
    return list(
        db.query(
            f"""
            SELECT s.name AS site,
                   COUNT(p.id) AS posts,
                   COALESCE(SUM(p.is_relevant), 0) AS relevant,
                   COALESCE(SUM(p.duplicate_of IS NOT NULL), 0) AS duplicates,
                   COALESCE(SUM(p.removed_at IS NOT NULL), 0) AS removed,
                   (SELECT COUNT(*) FROM summaries sm JOIN posts q ON q.id = sm.post_id
                     WHERE q.site_id = s.id AND sm.content_hash = q.content_hash) AS summarized,
                   (SELECT COUNT(*) FROM fetches f WHERE f.site_id = s.id
                     AND f.run_id = (SELECT MAX(id) FROM crawl_runs)
                     AND {FAILED_FETCH}) AS fetch_errors_last_run
            FROM sites s LEFT JOIN posts p ON p.site_id = s.id
            GROUP BY s.id ORDER BY s.name
            """
        )
    )


def last_runs(db: sqlite_utils.Database, limit: int = 5) -> list[dict]:
    return list(db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT ?", [limit]))


def run_fetch_errors(db: sqlite_utils.Database, run_id: int) -> list[dict]:
    return list(
        db.query(
            f"SELECT url, purpose, status, error FROM fetches WHERE run_id = ? AND {FAILED_FETCH} ORDER BY id",
            [run_id],
        )
    )
