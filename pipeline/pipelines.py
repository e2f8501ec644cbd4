"""Scrapy item pipelines, one transformation each, wired in crawler/settings.py:

ExtractText → CanonicalUrl → DeriveFields → StorePosts

Only PostPage items are transformed; UnchangedPost and GonePost pass straight to StorePosts.
ExtractText's and DeriveFields' work runs in this process, or, when CLINICWATCH_EXTRACT_PROCESSES
asks for them (off by default), in a pool of processes (pipeline.offload), other pages going on
meanwhile; either way each page is stored in one transaction, by StorePosts, in this process.
"""

from __future__ import annotations

import logging
from functools import cached_property

from scrapy.exceptions import DropItem

from db import store
from db.queries import dedup_signatures
from pipeline.crawl_run import UsesCrawlRun
from pipeline.items import GonePost, PostPage, UnchangedPost

from .canonical import canonical_url
from .dedup import duplicate_heads
from .extract import MIN_POST_WORDS, extract_body
from .mentions import fill_pending_mentions
from .offload import ExtractPool, extract_pool
from .post_fields import derive_post_fields, rescore_relevance
from .relevance import RULES_VERSION as RELEVANCE_RULES
from .site_template import SiteTemplate, remove_site_template

logger = logging.getLogger(__name__)


class ExtractText(UsesCrawlRun):
    """The page decoded, its main text without its site template's recorded paragraphs
    (pipeline.site_template) and its metadata (title, author, published date)."""

    @cached_property
    def site_template(self) -> SiteTemplate:
        return SiteTemplate(self.run.db)

    @cached_property
    def pool(self) -> ExtractPool:
        return extract_pool(self.crawler)

    async def process_item(self, item):
        if not isinstance(item, PostPage):
            return item
        try:
            item.html, page = await self.pool.run(extract_body, item.body, item.content_type, item.url, item.site)
        except Exception as exc:  # a page that breaks the extractor must not stop the crawl
            self.run.note_fetch_error(item.url, f"text extraction failed: {type(exc).__name__}: {exc}")
            raise DropItem(f"{item.url}: text extraction failed ({exc})") from exc
        text = self.site_template.remove(self.run.site_ids[item.site], page.text)
        words = len(text.split())
        if item.rendered and words < MIN_POST_WORDS:
            message = f"post page has no text even rendered by JavaScript ({words} words)"
            self.run.note_fetch_error(item.url, message)
            raise DropItem(f"{item.url}: {message}")
        if words < MIN_POST_WORDS or (item.script_shell and not item.rendered):
            shape = "a JavaScript app shell" if item.script_shell else f"{words} words"
            message = (f"post page has no text in its HTML ({shape}); it is rendered by JavaScript, "
                       "which clinicwatch runs only with --render-js")
            self.run.note_fetch_error(item.url, message)
            raise DropItem(f"{item.url}: {message}")
        item.title, item.author = page.title, page.author
        item.published_at, item.date_source = page.published_at, page.date_source
        item.text, item.extractor = text, page.extractor
        item.declared_canonical = page.declared_canonical
        return item

    def close_spider(self):
        self.pool.close()


class CanonicalUrl(UsesCrawlRun):
    """The URL the post is stored under, from its declared rel=canonical, which ExtractText read
    from the tree it parsed: parsing the page again here was three quarters of this stage's time."""

    def process_item(self, item):
        if isinstance(item, PostPage):
            item.canonical_url = canonical_url(item.url, item.declared_canonical)
        return item


class DeriveFields(UsesCrawlRun):
    """Relevance and the exact and near-duplicate fingerprints of the text (pipeline.post_fields)."""

    @cached_property
    def pool(self) -> ExtractPool:
        return extract_pool(self.crawler)

    async def process_item(self, item):
        if isinstance(item, PostPage):
            fields = await self.pool.run(derive_post_fields, item.title, item.text)
            item.is_relevant = fields.is_relevant
            item.relevance_score = fields.relevance_score
            item.relevance_concepts = list(fields.relevance_concepts)
            item.content_hash = fields.content_hash
            item.minhash = fields.minhash
        return item


class StorePosts(UsesCrawlRun):
    """Writes each post in one transaction; at the end links copies to the earliest post."""

    def process_item(self, item):
        run = self.run
        if isinstance(item, PostPage):
            record = post_record(item, run.site_ids[item.site])
            run.write(store.save_post, record, run.run_id)
        elif isinstance(item, UnchangedPost):
            run.write(store.touch_post, item.url, run.run_id)
        elif isinstance(item, GonePost):
            run.write(store.mark_removed, item.url, run.run_id)
        return item

    def close_spider(self):
        if self.run.database_error:
            return  # the crawl stopped on it; the next crawl links the copies
        end_of_crawl(self.run.write, self.run.db, self.run.site_ids.values(), self.run.run_id)


def post_record(item: PostPage, site_id: int) -> store.PostRecord:
    """What StorePosts writes for a PostPage (also what a distributed crawl's worker sends)."""
    return store.PostRecord(
        site_id=site_id, url=item.canonical_url, fetched_url=item.url, text=item.text,
        content_hash=item.content_hash, title=item.title, author=item.author,
        published_at=item.published_at, date_source=item.date_source, is_relevant=item.is_relevant,
        relevance_score=item.relevance_score, relevance_concepts=item.relevance_concepts,
        relevance_rules=RELEVANCE_RULES if item.relevance_score is not None else None,
        minhash=item.minhash, extractor=item.extractor, etag=item.etag, last_modified=item.last_modified,
        html=item.html,
    )


def end_of_crawl(write, db, site_ids, run_id: int) -> None:
    """The end-of-crawl steps, in order, each through write(step, *args) (CrawlRun.write, or a plain
    call in a distributed crawl's coordinator)."""
    rewritten = write(remove_site_template, site_ids, run_id)
    logger.info("site template paragraphs removed from %d post(s)", rewritten)
    changed = write(store.set_duplicates, duplicate_heads(dedup_signatures(db)))
    logger.info("duplicates linked: %d post(s) changed cluster", changed)
    # Posts stored before the current relevance rules (pipeline.relevance.RULES_VERSION).
    logger.info("posts scored again by relevance rules %s: %d", RELEVANCE_RULES, write(rescore_relevance))
    # New and changed posts, and any stored before the current mention rules.
    logger.info("posts scanned for mentions: %d", write(fill_pending_mentions))
