"""Scrapy item pipelines, one transformation each, wired in crawler/settings.py:

ExtractText → CanonicalUrl → TagRelevance → Fingerprint → StorePosts

Only PostPage items are transformed; UnchangedPost and GonePost pass straight to StorePosts.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from crawler.discovery import page_tree
from crawler.extensions import UsesCrawlRun
from crawler.items import GonePost, PostPage, UnchangedPost
from db import store
from db.queries import dedup_signatures

from .canonical import canonical_url, declared_canonical
from .dedup import content_hash, duplicate_heads, minhash_signature
from .extract import extract_page
from .mentions import fill_pending_mentions
from .relevance import assess_relevance

logger = logging.getLogger(__name__)

# Fewer words than this in a post page's main text means the text is not in the HTML.
MIN_POST_WORDS = 40


class ExtractText(UsesCrawlRun):
    """Main text and metadata (title, author, published date) of the page."""

    def process_item(self, item):
        if not isinstance(item, PostPage):
            return item
        try:
            page = extract_page(item.html, item.url, site_name=item.site)
        except Exception as exc:  # a page that breaks the extractor must not stop the crawl
            self.run.note_fetch_error(item.url, f"text extraction failed: {type(exc).__name__}: {exc}")
            raise DropItem(f"{item.url}: text extraction failed ({exc})") from exc
        words = len(page.text.split())
        if words < MIN_POST_WORDS:
            message = (f"post page has no text in its HTML ({words} words); it is probably rendered by "
                       "JavaScript, which clinicwatch does not run")
            self.run.note_fetch_error(item.url, message)
            raise DropItem(f"{item.url}: {message}")
        item.title, item.author = page.title, page.author
        item.published_at, item.date_source = page.published_at, page.date_source
        item.text, item.extractor = page.text, page.extractor
        return item


class CanonicalUrl(UsesCrawlRun):
    def process_item(self, item):
        if isinstance(item, PostPage):
            item.canonical_url = canonical_url(item.url, declared_canonical(page_tree(item.html)))
        return item


class TagRelevance(UsesCrawlRun):
    def process_item(self, item):
        if isinstance(item, PostPage):
            relevance = assess_relevance(item.title, item.text)
            item.is_relevant = relevance.is_relevant
            item.relevance_score = relevance.score
            item.relevance_concepts = list(relevance.concepts)
        return item


class Fingerprint(UsesCrawlRun):
    """Exact (content hash) and near-duplicate (MinHash) fingerprints of the text."""

    def process_item(self, item):
        if isinstance(item, PostPage):
            item.content_hash = content_hash(item.text)
            item.minhash = minhash_signature(item.text)
        return item


class StorePosts(UsesCrawlRun):
    """Writes each post in one transaction; at the end links copies to the earliest post."""

    def process_item(self, item):
        run = self.run
        if isinstance(item, PostPage):
            record = store.PostRecord(
                site_id=run.site_ids[item.site], url=item.canonical_url, fetched_url=item.url, text=item.text,
                content_hash=item.content_hash, title=item.title, author=item.author,
                published_at=item.published_at, date_source=item.date_source, is_relevant=item.is_relevant,
                relevance_score=item.relevance_score, relevance_concepts=item.relevance_concepts,
                minhash=item.minhash, extractor=item.extractor, etag=item.etag, last_modified=item.last_modified,
                html=item.html,
            )
            store.save_post(run.db, record, run.run_id)
        elif isinstance(item, UnchangedPost):
            store.touch_post(run.db, item.url, run.run_id)
        elif isinstance(item, GonePost):
            store.mark_removed(run.db, item.url, run.run_id)
        return item

    def close_spider(self):
        db = self.run.db
        changed = store.set_duplicates(db, duplicate_heads(dedup_signatures(db)))
        logger.info("duplicates linked: %d post(s) changed cluster", changed)
        # New and changed posts, and any stored before the current mention rules.
        logger.info("mentions found in %d post(s)", fill_pending_mentions(db))
