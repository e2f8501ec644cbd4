"""Summarizers (extractive by default) and the batch runner that summarizes pending posts."""

from __future__ import annotations

from typing import Callable

from .batch import summarize_pending
from .embeddings import ModelNotAvailableError, SentenceEncoder
from .extractive import ExtractiveSummarizer


def _extractive(model: str | None, allow_download: bool) -> ExtractiveSummarizer:
    return ExtractiveSummarizer(SentenceEncoder(model, allow_download=allow_download))


SUMMARIZERS: dict[str, Callable[[str | None, bool], object]] = {"extractive": _extractive}


def load_summarizer(kind: str = "extractive", model: str | None = None, allow_download: bool = False):
    """A summarizer of this kind; model is a directory or model id (default: the bundled all-MiniLM-L6-v2)."""
    try:
        factory = SUMMARIZERS[kind]
    except KeyError:
        raise ValueError(f"unknown summarizer {kind!r}; available: {', '.join(sorted(SUMMARIZERS))}") from None
    return factory(model, allow_download)


__all__ = [
    "ExtractiveSummarizer",
    "ModelNotAvailableError",
    "SentenceEncoder",
    "load_summarizer",
    "summarize_pending",
]
