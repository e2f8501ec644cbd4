"""The batch stage: summarize every pending post, one transaction per batch."""

from __future__ import annotations

import sys
from typing import Iterator, Protocol

import sqlite_utils
from tqdm import tqdm

from db.queries import pending_summary_posts
from db.store import save_summaries

from .summary import Summary


class Summarizer(Protocol):
    """What the batch stage needs of a summarizer. It may also have `selection_version`: the version of the
    rules choosing a summary's content (summaries.extractive.SELECTION), which it records in
    `params`; a summary of another version is redone. One without it records none."""

    method: str
    model: str
    model_revision: str | None
    params: dict

    def summarize_many(self, texts: list[str]) -> list[Summary]: ...


def batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def summary_row(post: dict, summary: Summary, summarizer: Summarizer) -> dict:
    return {
        "post_id": post["id"],
        # The hash of the text that was summarized, so an edited post becomes pending again.
        "content_hash": post["content_hash"],
        "summary": summary.text,
        "method": summarizer.method,
        "model": summarizer.model,
        "model_revision": summarizer.model_revision,
        "params": summarizer.params,
        "fallback_reason": summary.fallback_reason,
    }


def summarize_pending(
    db: sqlite_utils.Database,
    summarizer: Summarizer,
    *,
    batch_size: int = 16,
    limit: int | None = None,
    progress: bool = True,
) -> int:
    """Summarize posts with no summary of their current text by this summarizer's model (name and weights)
    and selection version; return how many were written.

    Each batch is written in one transaction, so a killed run loses at most the batch in
    hand and the next run picks up from there. A post with no sentence fit for a summary
    is stored with an empty summary, so it is not tried again until its text changes.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    posts = pending_summary_posts(db, summarizer.method, summarizer.model, limit, summarizer.model_revision,
                                  getattr(summarizer, "selection_version", None))
    written = 0
    with tqdm(total=len(posts), desc="summarizing", unit="post", file=sys.stderr, disable=not progress) as bar:
        for batch in batches(posts, batch_size):
            summaries = summarizer.summarize_many([post["text"] for post in batch])
            rows = [summary_row(post, summary, summarizer) for post, summary in zip(batch, summaries, strict=True)]
            written += save_summaries(db, rows)
            bar.update(len(batch))
    return written
