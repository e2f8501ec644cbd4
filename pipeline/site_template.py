"""A site's template inside its posts, and re-deriving stored posts' text.

Page builders put a site's calls to action, disclaimers, author bios and "recent posts"
strips inside the post's own container, where no class or landmark marks them and the
extractor keeps them. What gives them away is repetition across the site's posts:

- A paragraph of the stored text (a block between blank lines) of at least MIN_WORDS words
  is boilerplate of its site when it is in at least max(MIN_POSTS, SHARE_OF_POSTS x n) of
  the site's n published posts. Posts that are mostly such paragraphs are copies of one
  another (one post under two URLs), not posts sharing a template, so they are left out of
  the count. A post never loses more than MAX_SHARE_REMOVED of its words to this: such a
  post is left whole.
- At the end of every crawl (StorePosts.close_spider), `remove_site_boilerplate` finds it in
  the stored texts of the crawl's sites, records it in the table `site_boilerplate` (kept
  across runs: a paragraph once found stays boilerplate of its site) and removes it from
  every post of the site, the first ones crawled included. A post whose text changes gets a
  new version, content hash, MinHash and relevance, as if it had been crawled so.
- While crawling, `SiteBoilerplate` removes the site's recorded paragraphs from each page's
  text before it is tagged, fingerprinted and stored, so a re-fetched post does not come
  back with them and show as changed.

`reextract_posts` re-derives the text and metadata of stored posts from their stored pages
with the current extractor (`clinicwatch reextract`).
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

import sqlite_utils

from db import store
from db.queries import (dedup_signatures, posts_written_in_run, site_boilerplate_hashes, site_post_texts,
                        stored_page)

from .dedup import content_hash, duplicate_heads, minhash_signature
from .extract import MIN_POST_WORDS, extract_page
from .relevance import assess_relevance

# Shorter paragraphs are headings that posts share by chance ("Conclusion", "Key Takeaways").
MIN_WORDS = 3
MIN_POSTS = 3
SHARE_OF_POSTS = 0.3
MAX_SHARE_REMOVED = 0.5
PARAGRAPH_SEPARATOR = "\n\n"


def paragraph_hash(paragraph: str) -> str:
    # content_hash normalizes case, spacing, quotes and dashes: a template typed twice is one.
    return content_hash(paragraph)


def boilerplate_threshold(posts: int) -> int:
    """In how many of a site's posts a paragraph must be to be boilerplate."""
    return max(MIN_POSTS, math.ceil(SHARE_OF_POSTS * posts))


def _word_count(text: str) -> int:
    return len(text.split())


def without_boilerplate(text: str, boilerplate: Collection[str]) -> str:
    """The text without the paragraphs whose hash is in `boilerplate`, unless that would
    take more than MAX_SHARE_REMOVED of its words."""
    if not boilerplate:
        return text
    paragraphs = text.split(PARAGRAPH_SEPARATOR)
    kept = [paragraph for paragraph in paragraphs if paragraph_hash(paragraph) not in boilerplate]
    if len(kept) == len(paragraphs) or _word_count(" ".join(kept)) < (1 - MAX_SHARE_REMOVED) * _word_count(text):
        return text
    return PARAGRAPH_SEPARATOR.join(kept)


@dataclass(frozen=True)
class _PostParagraphs:
    words: int
    countable: dict[str, str]  # paragraph hash -> paragraph, for paragraphs of MIN_WORDS words or more

    @classmethod
    def of(cls, text: str) -> _PostParagraphs:
        paragraphs = text.split(PARAGRAPH_SEPARATOR)
        countable = {paragraph_hash(p): p for p in paragraphs if _word_count(p) >= MIN_WORDS}
        return cls(_word_count(text), countable)

    def share_in(self, hashes: Collection[str]) -> float:
        repeated = sum(_word_count(paragraph) for key, paragraph in self.countable.items() if key in hashes)
        return repeated / self.words if self.words else 0.0


def _repeated(posts: list[_PostParagraphs]) -> Counter[str]:
    counts = Counter(key for post in posts for key in post.countable)
    threshold = boilerplate_threshold(len(posts))
    return Counter({key: count for key, count in counts.items() if count >= threshold})


def find_boilerplate(texts: Iterable[str]) -> list[tuple[str, str, int]]:
    """(paragraph hash, paragraph, posts holding it) of every paragraph repeated across the
    texts of one site's posts (see the module docstring)."""
    posts = [_PostParagraphs.of(text) for text in dict.fromkeys(texts)]  # an exact copy counts once
    repeated = _repeated(posts)
    originals = [post for post in posts if post.share_in(repeated) <= MAX_SHARE_REMOVED]
    if len(originals) < len(posts):
        repeated = _repeated(originals)
    paragraphs = {key: paragraph for post in originals for key, paragraph in post.countable.items()}
    return [(key, paragraphs[key], count) for key, count in repeated.most_common()]


def derived_fields(title: str | None, text: str) -> dict:
    """The columns of `posts` that follow from a post's title and text."""
    relevance = assess_relevance(title, text)
    return {
        "text": text,
        "content_hash": content_hash(text),
        "minhash": minhash_signature(text),
        "is_relevant": int(relevance.is_relevant),
        "relevance_score": relevance.score,
        "relevance_concepts": json.dumps(list(relevance.concepts)),
    }


def remove_site_boilerplate(db: sqlite_utils.Database, site_ids: Iterable[int], run_id: int | None = None) -> int:
    """Find and record each site's boilerplate and remove it from the site's stored posts;
    returns how many posts' text changed. The text of a post that crawl run `run_id` stored
    is replaced in its version rather than followed by a new one: it was never final."""
    fresh = posts_written_in_run(db, run_id) if run_id is not None else set()
    changed = 0
    for site_id in site_ids:
        posts = site_post_texts(db, site_id)
        known = site_boilerplate_hashes(db, site_id)
        found = [row for row in find_boilerplate(post["text"] for post in posts) if row[0] not in known]
        if found:
            store.add_site_boilerplate(db, site_id, found)
        boilerplate = known | {key for key, _, _ in found}
        for post in posts:
            text = without_boilerplate(post["text"], boilerplate)
            if text != post["text"]:
                changed += store.rewrite_post(
                    db, post["id"], derived_fields(post["title"], text), replace_version=post["id"] in fresh
                )
    return changed


class SiteBoilerplate:
    """Each site's recorded boilerplate, read from the database once per instance."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.hashes: dict[int, set[str]] = {}

    def remove(self, site_id: int, text: str) -> str:
        if site_id not in self.hashes:
            self.hashes[site_id] = site_boilerplate_hashes(self.db, site_id)
        return without_boilerplate(text, self.hashes[site_id])


@dataclass
class Reextraction:
    pages: int = 0
    text_changed: int = 0
    metadata_changed: int = 0  # title, author or date only
    duplicates_relinked: int = 0
    failures: list[str] = field(default_factory=list)  # "<url>: <why>", the stored text kept


_METADATA = ("title", "author", "published_at", "date_source", "extractor")


def _reextract_one(db: sqlite_utils.Database, row: dict, boilerplate: SiteBoilerplate) -> str:
    """Re-derive one stored post; returns "text", "metadata" or "same"; raises on a page
    that does not give a post's text any more."""
    page = extract_page(gzip.decompress(row["html_gz"]).decode("utf-8"), row["url"], site_name=row["site"])
    text = boilerplate.remove(row["site_id"], page.text)
    if _word_count(text) < MIN_POST_WORDS:
        raise ValueError(f"the page now gives {_word_count(text)} words of text")
    fields = {name: getattr(page, name) for name in _METADATA if getattr(page, name) != row[name]}
    if "title" in fields or content_hash(text) != row["content_hash"]:
        fields.update(derived_fields(page.title, text))
    if not fields:
        return "same"
    if store.rewrite_post(db, row["id"], fields):
        return "text"
    # A new extractor version alone is bookkeeping, not a change to report.
    return "metadata" if fields.keys() - {"extractor"} else "same"


def reextract_posts(
    db: sqlite_utils.Database, post_ids: Iterable[int], progress: Callable[[int], None] | None = None
) -> Reextraction:
    """Re-derive the text and metadata of stored posts (ids from db.queries.stored_page_ids)
    from their stored pages, with the current extractor and their site's boilerplate. A post
    gets a new version, hash, MinHash and relevance only where its text changed; copies are
    then linked again. (Mentions of changed texts are rescanned by the next crawl, report or
    export, as for any text whose scan is out of date.)"""
    result = Reextraction()
    boilerplate = SiteBoilerplate(db)
    # By id, not over one query: the rows are rewritten while the loop goes on.
    for post_id in post_ids:
        row = stored_page(db, post_id)
        result.pages += 1
        try:
            outcome = _reextract_one(db, row, boilerplate)
        except Exception as exc:  # one page the extractor cannot read must not stop the others
            result.failures.append(f"{row['url']}: {type(exc).__name__}: {exc}")
            outcome = "same"
        result.text_changed += outcome == "text"
        result.metadata_changed += outcome == "metadata"
        if progress:
            progress(1)
    result.duplicates_relinked = store.set_duplicates(db, duplicate_heads(dedup_signatures(db)))
    return result
