"""A site's template inside its posts: paragraphs its page builder repeats in every post.

Page builders put a site's calls to action, disclaimers, author bios and "recent posts"
strips inside the post's own container, where no class or landmark marks them and the
extractor keeps them. What gives them away is repetition across the site's posts:

- A paragraph of the stored text (a block between blank lines) of at least MIN_WORDS words
  is boilerplate of its site when it is in at least max(MIN_POSTS, SHARE_OF_POSTS x n) of
  the site's n published posts. Posts that are mostly such paragraphs are copies of one
  another (one post under two URLs), not posts sharing a template, so they are left out of
  the count. A post never loses more than MAX_SHARE_REMOVED of its words to this: such a
  post is left whole.
- At the end of every crawl (StorePosts.close_spider), `remove_site_template` finds it in
  the stored texts of the crawl's sites, records it in the table `site_boilerplate` (kept
  across runs: a paragraph once found stays boilerplate of its site) and removes it from
  every post of the site, the first ones crawled included. A post whose text changes gets a
  new version, content hash, MinHash and relevance, as if it had been crawled so.
- While crawling, `SiteTemplate` removes the site's recorded paragraphs from each page's
  text before it is tagged, fingerprinted and stored, so a re-fetched post does not come
  back with them and show as changed.

(The `site_boilerplate` table keeps its name: it is part of the database contract.)
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
from collections.abc import Collection, Iterable
from contextlib import closing

import sqlite_utils

from db import store
from db.queries import (
    posts_written_in_run,
    site_boilerplate_hashes,
    site_post_texts,
    site_posts_in_chunks,
    sites_written_in_run,
)

from .dedup import content_hash
from .post_fields import derive_post_fields

# Shorter paragraphs are headings that posts share by chance ("Conclusion", "Key Takeaways").
MIN_WORDS = 3
MIN_POSTS = 3
SHARE_OF_POSTS = 0.3
MAX_SHARE_REMOVED = 0.5
PARAGRAPH_SEPARATOR = "\n\n"


def paragraph_hash(paragraph: str) -> str:
    # content_hash normalizes case, spacing, quotes and dashes: a template typed twice is one.
    return content_hash(paragraph)


def template_threshold(posts: int) -> int:
    """In how many of a site's posts a paragraph must be to be boilerplate."""
    return max(MIN_POSTS, math.ceil(SHARE_OF_POSTS * posts))


def _word_count(text: str) -> int:
    return len(text.split())


def without_template_paragraphs(text: str, boilerplate: Collection[str]) -> str:
    """The text without the paragraphs whose hash is in `boilerplate`, unless that would
    take more than MAX_SHARE_REMOVED of its words."""
    if not boilerplate:
        return text
    paragraphs = text.split(PARAGRAPH_SEPARATOR)
    kept = [paragraph for paragraph in paragraphs if paragraph_hash(paragraph) not in boilerplate]
    if len(kept) == len(paragraphs) or _word_count(" ".join(kept)) < (1 - MAX_SHARE_REMOVED) * _word_count(text):
        return text
    return PARAGRAPH_SEPARATOR.join(kept)


# The counts of find_template_paragraphs, in a private SQLite database on disk: a site's paragraphs are
# held nowhere in memory, so finding the template of a site of 20,000 posts costs the crawl no
# more memory than one of 200 (held in Python, they took 66 MiB at 20,000 posts; bench/memory.py).
_COUNTS_SCHEMA = """
CREATE TABLE texts (seq INTEGER PRIMARY KEY, text_key BLOB UNIQUE, words INTEGER, original INTEGER DEFAULT 1);
CREATE TABLE paragraphs (seq INTEGER, hash TEXT, words INTEGER, PRIMARY KEY (seq, hash)) WITHOUT ROWID;
CREATE TABLE paragraph_texts (hash TEXT PRIMARY KEY, paragraph TEXT);  -- rowid: order of first sight
"""
_REPEATED = "SELECT hash FROM paragraphs GROUP BY hash HAVING COUNT(*) >= ?"


def _count_paragraphs(counts: sqlite3.Connection, texts: Iterable[str]) -> int:
    """Fill the counts database with each distinct text's countable paragraphs; returns how many texts."""
    for text in texts:
        text_key = hashlib.blake2b(text.encode(), digest_size=16).digest()
        inserted = counts.execute("INSERT OR IGNORE INTO texts (text_key, words) VALUES (?, ?)",
                                  [text_key, _word_count(text)])
        if inserted.rowcount == 0:
            continue  # an exact copy counts once
        seq = inserted.lastrowid
        for paragraph in text.split(PARAGRAPH_SEPARATOR):
            words = _word_count(paragraph)
            if words >= MIN_WORDS:
                key = paragraph_hash(paragraph)
                counts.execute("INSERT OR IGNORE INTO paragraphs VALUES (?, ?, ?)", [seq, key, words])
                counts.execute("INSERT OR IGNORE INTO paragraph_texts VALUES (?, ?)", [key, paragraph])
    return counts.execute("SELECT COUNT(*) FROM texts").fetchone()[0]


def find_template_paragraphs(texts: Iterable[str]) -> list[tuple[str, str, int]]:
    """(paragraph hash, paragraph, posts holding it) of every paragraph repeated across the
    texts of one site's posts (see the module docstring), most repeated first."""
    with closing(sqlite3.connect("")) as counts:  # "": a temporary database on disk, deleted on close
        counts.executescript(_COUNTS_SCHEMA)
        posts = _count_paragraphs(counts, texts)
        # A text made mostly of repeated paragraphs is a copy of another post, not a post in the template.
        counts.execute(
            f"""UPDATE texts SET original = words = 0 OR words * ? >= (
                    SELECT COALESCE(SUM(words), 0) FROM paragraphs
                    WHERE paragraphs.seq = texts.seq AND hash IN ({_REPEATED}))""",
            [MAX_SHARE_REMOVED, template_threshold(posts)],
        )
        originals = counts.execute("SELECT COUNT(*) FROM texts WHERE original").fetchone()[0]
        rows = counts.execute(
            """SELECT p.hash, t.paragraph, COUNT(*) AS posts
               FROM paragraphs p JOIN texts USING (seq) JOIN paragraph_texts t USING (hash)
               WHERE texts.original GROUP BY p.hash HAVING COUNT(*) >= ? ORDER BY posts DESC, t.rowid""",
            [template_threshold(originals)],
        ).fetchall()
    return [tuple(row) for row in rows]


def remove_site_template(db: sqlite_utils.Database, site_ids: Iterable[int], run_id: int | None = None) -> int:
    """Find and record each site's boilerplate and remove it from the site's stored posts;
    returns how many posts' text changed. The text of a post that crawl run `run_id` stored
    is replaced in its version rather than followed by a new one: it was never final.
    Posts are read a chunk at a time, so memory does not grow with the size of the site."""
    fresh = posts_written_in_run(db, run_id) if run_id is not None else set()
    if run_id is not None:
        # Known boilerplate leaves a page as it is crawled (SiteTemplate), so only a site where
        # this run stored a text can have any to find or remove; the others (every site of an
        # unchanged nightly run) are not read at all.
        written = sites_written_in_run(db, run_id)
        site_ids = [site_id for site_id in site_ids if site_id in written]
    changed = 0
    for site_id in site_ids:
        known = site_boilerplate_hashes(db, site_id)
        found = [row for row in find_template_paragraphs(site_post_texts(db, site_id)) if row[0] not in known]
        if found:
            store.add_site_boilerplate(db, site_id, found)
        boilerplate = known | {key for key, _, _ in found}
        if not boilerplate:
            continue
        for post in site_posts_in_chunks(db, site_id):
            text = without_template_paragraphs(post["text"], boilerplate)
            if text != post["text"]:
                changed += store.rewrite_post(
                    db, post["id"], derive_post_fields(post["title"], text).columns(text), replace_version=post["id"] in fresh
                )
    return changed


class SiteTemplate:
    """Each site's recorded boilerplate, read from the database once per instance."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.hashes: dict[int, set[str]] = {}

    def remove(self, site_id: int, text: str) -> str:
        if site_id not in self.hashes:
            self.hashes[site_id] = site_boilerplate_hashes(self.db, site_id)
        return without_template_paragraphs(text, self.hashes[site_id])
