"""What a summarizer hands the batch runner for one post."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    text: str
    # Set when a generated summary failed the faithfulness check and the extractive summary
    # of the post was stored instead: what the check found (stored in summaries.fallback_reason).
    fallback_reason: str | None = None
