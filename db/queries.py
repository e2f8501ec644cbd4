"""Reads: plain functions over a sqlite_utils.Database."""

from __future__ import annotations

import re
from typing import Iterable, Iterator

import sqlite_utils

# A failed fetch: an error, or an HTTP error status for something the crawl needed. Guessed
# sitemap/feed paths and robots.txt may answer 404 on healthy sites, and a known post answering
# 404 or 410 on a recheck is a removal (counted in posts_removed), not a failure.
FAILED_FETCH = ("(error IS NOT NULL OR (status >= 400 AND COALESCE(purpose, '') NOT IN ('probe', 'robots')"
                " AND NOT (purpose = 'recheck' AND status IN (404, 410))))")


def post_by_url(db: sqlite_utils.Database, url: str, *, or_fetched: bool = False) -> dict | None:
    """The post stored under this canonical URL (or, with or_fetched, fetched from it)."""
    columns = "id, content_hash, removed_at, etag, last_modified"
    sql = f"SELECT {columns} FROM posts WHERE url = ?"
    params = [url]
    if or_fetched:
        # Two indexed lookups; an OR across the two columns would scan the table.
        sql += f" UNION ALL SELECT {columns} FROM posts WHERE fetched_url = ?"
        params.append(url)
    rows = list(db.query(sql + " LIMIT 1", params))
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
    db: sqlite_utils.Database, method: str, model: str, limit: int | None = None, model_revision: str | None = None,
    selection_version: int | str | None = None,
) -> list[dict]:
    """Posts to summarize: relevant, published, not a copy, with no summary of their current text by this
    model (its name and the digest of its weights: other weights under the same name are another model) and
    this selection (`selection_version` in the summary's params; None for a summarizer that records none)."""
    sql = """
        SELECT p.id, p.content_hash, p.title, p.text
        FROM posts p
        WHERE p.is_relevant = 1 AND p.duplicate_of IS NULL AND p.removed_at IS NULL
          AND NOT EXISTS (
            SELECT 1 FROM summaries s
            WHERE s.post_id = p.id AND s.content_hash = p.content_hash AND s.method = ? AND s.model = ?
              AND s.model_revision IS ? AND json_extract(s.params, '$.selection_version') IS ?
          )
        ORDER BY p.id
    """
    params: list = [method, model, model_revision, selection_version]
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
                     AND {FAILED_FETCH}) AS fetch_errors_last_run,
                   (SELECT COUNT(*) FROM failing_urls f WHERE f.site_id = s.id) AS failing_urls
            FROM sites s LEFT JOIN posts p ON p.site_id = s.id
            GROUP BY s.id ORDER BY s.name
            """
        )
    )


def failing_urls(db: sqlite_utils.Database) -> list[dict]:
    """The URLs not requested until skip_until after lasting failures (table failing_urls), with their site."""
    return list(db.query("SELECT s.name AS site, f.* FROM failing_urls f LEFT JOIN sites s ON s.id = f.site_id"
                         " ORDER BY s.name, f.url"))


def last_runs(db: sqlite_utils.Database, limit: int = 5) -> list[dict]:
    return list(db.query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT ?", [limit]))


def run_fetch_errors(db: sqlite_utils.Database, run_id: int) -> list[dict]:
    return list(
        db.query(
            f"SELECT url, purpose, status, error FROM fetches WHERE run_id = ? AND {FAILED_FETCH} ORDER BY id",
            [run_id],
        )
    )


def pending_mention_posts(db: sqlite_utils.Database, rules: str, limit: int | None = None) -> list[dict]:
    """Posts whose current text has not been scanned for mentions by these rules."""
    sql = """
        SELECT p.id, p.content_hash, p.text FROM posts p
        LEFT JOIN mention_scans ms ON ms.post_id = p.id
        WHERE ms.post_id IS NULL OR ms.content_hash != p.content_hash OR ms.rules != ?
        ORDER BY p.id
    """
    params: list = [rules]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return list(db.query(sql, params))


def stale_relevance_posts(db: sqlite_utils.Database, rules: str, limit: int) -> list[dict]:
    """Posts whose stored relevance was scored by other rules than these (or before rules were recorded)."""
    return list(db.query(
        "SELECT id, title, text FROM posts WHERE relevance_rules IS NULL OR relevance_rules != ? ORDER BY id LIMIT ?",
        [rules, limit]))


def monthly_post_counts(db: sqlite_utils.Database, relevant_only: bool = False) -> list[dict]:
    """Posts per publication month per clinic: dicts with month (YYYY-MM), site, posts. Undated posts are left out."""
    return list(db.query(
        f"""SELECT substr(p.published_at, 1, 7) AS month, s.name AS site, COUNT(*) AS posts
            FROM posts p JOIN sites s ON s.id = p.site_id
            WHERE p.published_at IS NOT NULL {'AND p.is_relevant = 1' if relevant_only else ''}
            GROUP BY month, s.name ORDER BY month, s.name"""
    ))


def monthly_mention_counts(db: sqlite_utils.Database, relevant_only: bool = False) -> list[dict]:
    """Posts mentioning each category per publication month: dicts with month, category, posts."""
    return list(db.query(
        f"""SELECT substr(p.published_at, 1, 7) AS month, m.category, COUNT(DISTINCT p.id) AS posts
            FROM mentions m JOIN posts p ON p.id = m.post_id
            WHERE p.published_at IS NOT NULL {'AND p.is_relevant = 1' if relevant_only else ''}
            GROUP BY month, m.category ORDER BY month, m.category"""
    ))


def undated_post_count(db: sqlite_utils.Database, relevant_only: bool = False) -> int:
    return db.execute(
        f"SELECT COUNT(*) FROM posts WHERE published_at IS NULL {'AND is_relevant = 1' if relevant_only else ''}"
    ).fetchone()[0]


def post_detail(db: sqlite_utils.Database, post_id: int) -> dict | None:
    """Everything the readable post page shows: the post with its clinic and summary, its copies
    (the other posts of its cluster, earliest first), its versions (oldest first) and its mentions."""
    rows = list(db.query(
        """SELECT w.*, p.content_hash, COALESCE(w.duplicate_of, w.id) AS cluster_id
           FROM posts_with_summaries w JOIN posts p ON p.id = w.id WHERE w.id = ?""", [post_id]))
    if not rows:
        return None
    post = rows[0]
    post["copies"] = list(db.query(
        """SELECT p.id, p.title, s.name AS site, p.url, p.published_at, p.first_seen_at, p.duplicate_of IS NULL AS is_first
           FROM posts p JOIN sites s ON s.id = p.site_id
           WHERE (p.id = :head OR p.duplicate_of = :head) AND p.id != :id
           ORDER BY p.duplicate_of IS NOT NULL, COALESCE(p.published_at, p.first_seen_at), p.id""",
        {"head": post["cluster_id"], "id": post_id}))
    post["versions"] = list(db.query(
        "SELECT id, content_hash, title, text, seen_at FROM post_versions WHERE post_id = ? ORDER BY seen_at, id",
        [post_id]))
    post["mentions"] = list(db.query(
        "SELECT category, concept, matched, sentence FROM mentions WHERE post_id = ? ORDER BY sentence_index, id",
        [post_id]))
    return post


def site_boilerplate_hashes(db: sqlite_utils.Database, site_id: int) -> set[str]:
    """Hashes of the paragraphs recorded as repeated across the site's posts (table site_boilerplate)."""
    return {row[0] for row in db.execute("SELECT paragraph_hash FROM site_boilerplate WHERE site_id = ?", [site_id])}


def site_post_texts(db: sqlite_utils.Database, site_id: int) -> Iterator[str]:
    """The texts of the site's published posts, oldest first, read as they are used."""
    for (text,) in db.execute(
        "SELECT text FROM posts WHERE site_id = ? AND removed_at IS NULL ORDER BY id", [site_id]
    ):
        yield text


def site_posts_in_chunks(db: sqlite_utils.Database, site_id: int, chunk: int = 500) -> Iterator[dict]:
    """The site's published posts with what template removal rewrites, `chunk` at a time, so the
    caller may rewrite each one before the next chunk is read."""
    last = 0
    while rows := list(db.query(
        "SELECT id, title, text FROM posts WHERE site_id = ? AND removed_at IS NULL AND id > ? ORDER BY id LIMIT ?",
        [site_id, last, chunk],
    )):
        yield from rows
        last = rows[-1]["id"]


def posts_written_in_run(db: sqlite_utils.Database, run_id: int) -> set[int]:
    """Posts whose current text this crawl run stored (new or changed)."""
    return {row[0] for row in db.execute(
        "SELECT post_id FROM run_posts WHERE run_id = ? AND outcome IN ('new', 'changed')", [run_id]
    )}


def sites_written_in_run(db: sqlite_utils.Database, run_id: int) -> set[int]:
    """Sites of the posts whose text this crawl run stored (new or changed), or a failed run
    since the last run that finished did: a killed run never reached its end-of-crawl work."""
    return {row[0] for row in db.execute(
        """SELECT DISTINCT posts.site_id
           FROM run_posts JOIN posts ON posts.id = run_posts.post_id JOIN crawl_runs ON crawl_runs.id = run_posts.run_id
           WHERE run_posts.outcome IN ('new', 'changed')
             AND (run_posts.run_id = :run OR (crawl_runs.status = 'failed' AND crawl_runs.id > (
                  SELECT COALESCE(MAX(id), 0) FROM crawl_runs WHERE status IN ('ok', 'partial') AND id < :run)))""",
        {"run": run_id},
    )}


def site_ids_by_name(db: sqlite_utils.Database, names: Iterable[str] = ()) -> dict[str, int]:
    """{site name: id} of the named sites (every site when none is named); unknown names are left out."""
    names = list(names)
    sql = "SELECT name, id FROM sites"
    if names:
        sql += f" WHERE name IN ({', '.join('?' for _ in names)})"
    return dict(db.execute(sql + " ORDER BY name", names).fetchall())


def stored_page_ids(db: sqlite_utils.Database, site_ids: Iterable[int]) -> list[int]:
    """Ids of the posts of these sites that have a stored page (post_html), in order."""
    site_ids = list(site_ids)
    return [row[0] for row in db.execute(
        f"""SELECT p.id FROM posts p JOIN post_html h ON h.post_id = p.id
            WHERE p.site_id IN ({', '.join('?' for _ in site_ids)}) ORDER BY p.id""",
        site_ids,
    )]


def stored_page(db: sqlite_utils.Database, post_id: int) -> dict | None:
    """A post with its stored page (gzipped HTML) and what re-extraction compares."""
    rows = list(db.query(
        """SELECT p.id, p.site_id, s.name AS site, COALESCE(p.fetched_url, p.url) AS url, p.title, p.author,
                  p.published_at, p.date_source, p.extractor, p.content_hash, h.html_gz
           FROM posts p JOIN sites s ON s.id = p.site_id JOIN post_html h ON h.post_id = p.id
           WHERE p.id = ?""",
        [post_id],
    ))
    return rows[0] if rows else None


def fts_query(terms: str | None) -> str:
    """Search words as an FTS5 query that is never a syntax error: every word required (each a
    quoted string, so AND, NEAR, *, ^ or - are words, not operators), "quoted phrases" kept, an
    unclosed quote closed. "" when there is nothing to search for (empty, spaces, quotes only):
    MATCH '' is an FTS5 syntax error, so callers decide what an empty search means."""
    terms = terms or ""
    if terms.count('"') % 2:
        terms += '"'
    parts = [(phrase or word).strip() for phrase, word in re.findall(r'"([^"]*)"|([^\s"]+)', terms)]
    return " ".join(f'"{part}"' for part in parts if part)


def export_posts_query(relevant_only: bool = False, sites: Iterable[str] = (), since=None, until=None,
                       search: str | None = None) -> tuple[str, list]:
    """The posts_export view (its columns in their documented order), filtered; oldest post id first."""
    where, params = [], []
    if relevant_only:
        where.append("is_relevant = 1")
    if sites:
        where.append(f"site IN ({', '.join('?' for _ in sites)})")
        params += list(sites)
    if since:
        where.append("substr(published_at, 1, 10) >= ?")
        params.append(since.date().isoformat())
    if until:
        where.append("substr(published_at, 1, 10) <= ?")
        params.append(until.date().isoformat())
    if search is not None:
        match = fts_query(search)
        if not match:
            raise ValueError(f"the search {search!r} has no words to search for")
        where.append("id IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)")
        params.append(match)
    return f"SELECT * FROM posts_export {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY id", params


def run_workers(db: sqlite_utils.Database, run_id: int) -> list[dict]:
    """The workers of a distributed run and what each did (none for a single-process run)."""
    return list(db.query("SELECT * FROM run_workers WHERE run_id = ? ORDER BY worker", [run_id]))
