"""The fields of a post that follow from its title and text: relevance (pipeline.relevance)
and the exact and near-duplicate fingerprints (pipeline.dedup).

Derived here, once, for every path that gives a post a text: the crawl (the DeriveFields item
pipeline), the end-of-crawl site template removal and `clinicwatch reextract`. A stored post's
fields are always those of its stored text."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .dedup import content_hash, minhash_signature
from .relevance import assess_relevance


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
