"""The fields of a post that follow from its title and text: relevance (pipeline.relevance)
and the exact and near-duplicate fingerprints (pipeline.dedup).

Derived here, once, for every path that gives a post a text: the crawl (the DeriveFields item
pipeline), the end-of-crawl site template removal and `clinicwatch reextract`. A stored post's
fields are always those of its stored text; its relevance, those of the current relevance rules
once a crawl has ended (rescore_relevance)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from db.queries import stale_relevance_posts
from db.store import set_relevance

from .dedup import content_hash, minhash_signature
from .relevance import RULES_VERSION, assess_relevance


@dataclass(frozen=True)
class PostFields:
    content_hash: str
    minhash: bytes
    is_relevant: bool
    relevance_score: float
    relevance_concepts: tuple[str, ...]

    def columns(self, text: str) -> dict:
        """The `posts` columns of a post with this text, as db.store.rewrite_post takes them."""
        return {
            "text": text,
            "content_hash": self.content_hash,
            "minhash": self.minhash,
            "is_relevant": int(self.is_relevant),
            "relevance_score": self.relevance_score,
            "relevance_concepts": json.dumps(list(self.relevance_concepts)),
            "relevance_rules": RULES_VERSION,
        }


def derive_post_fields(title: str | None, text: str) -> PostFields:
    relevance = assess_relevance(title, text)
    return PostFields(
        content_hash=content_hash(text),
        minhash=minhash_signature(text),
        is_relevant=relevance.is_relevant,
        relevance_score=relevance.score,
        relevance_concepts=tuple(relevance.concepts),
    )


def rescore_relevance(db, batch_size: int = 200) -> int:
    """Score again every stored post whose relevance other rules scored (posts.relevance_rules is
    not pipeline.relevance.RULES_VERSION), from its stored title and text; returns how many.

    Run at the end of every crawl, so a changed rule reaches the posts stored before it without
    a re-crawl; the crawl's own posts carry the current rules and are not scored twice."""
    scored = 0
    while posts := stale_relevance_posts(db, RULES_VERSION, batch_size):
        scores = [assess_relevance(post["title"], post["text"]) for post in posts]
        scored += set_relevance(db, [(post["id"], result.is_relevant, result.score, result.concepts, RULES_VERSION)
                                     for post, result in zip(posts, scores)])
    return scored
