"""`clinicwatch reextract`: the text and metadata of stored posts derived again from their
stored pages (`post_html`) with the current extractor and their site's template, after an
upgrade of clinicwatch, without fetching anything."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlite_utils

from db import store
from db.queries import dedup_signatures, stored_page

from .dedup import content_hash, duplicate_heads
from .extract import MIN_POST_WORDS, extract_page
from .post_fields import derive_post_fields
from .site_template import SiteTemplate


@dataclass
class Reextraction:
    pages: int = 0
    text_changed: int = 0
    metadata_changed: int = 0  # title, author or date only
    duplicates_relinked: int = 0
    failures: list[str] = field(default_factory=list)  # "<url>: <why>", the stored text kept


_METADATA = ("title", "author", "published_at", "date_source", "extractor")


def _reextract_one(db: sqlite_utils.Database, row: dict, boilerplate: SiteTemplate) -> str:
    """Re-derive one stored post; returns "text", "metadata" or "same"; raises on a page
    that does not give a post's text any more."""
    page = extract_page(gzip.decompress(row["html_gz"]).decode("utf-8"), row["url"], site_name=row["site"])
    text = boilerplate.remove(row["site_id"], page.text)
    if len(text.split()) < MIN_POST_WORDS:
        raise ValueError(f"the page now gives {len(text.split())} words of text")
    fields = {name: getattr(page, name) for name in _METADATA if getattr(page, name) != row[name]}
    if "title" in fields or content_hash(text) != row["content_hash"]:
        fields.update(derive_post_fields(page.title, text).columns(text))
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
    boilerplate = SiteTemplate(db)
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
