"""Summarizers (extractive by default, abstractive on request) and the batch runner that summarizes pending posts."""

from __future__ import annotations

from importlib import import_module

from .summary import Summary

# The sentence splitter (pipeline.sentences) is used by every crawl, the models only here:
# torch and transformers load on first use, not when the package is imported.
_LAZY = {"summarize_pending": ".batch", "ModelNotAvailableError": ".embeddings", "SentenceEncoder": ".embeddings",
         "ExtractiveSummarizer": ".extractive"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

SUMMARIZERS = ("extractive", "abstractive")


def load_summarizer(kind: str = "extractive", model: str | None = None, allow_download: bool = False,
                    runtime: str = "auto"):
    """A summarizer of this kind.

    extractive: model is the sentence encoder (default: the bundled all-MiniLM-L6-v2).
    abstractive: model is the generative model (required); the bundled encoder makes the
    extractive summaries that replace generated ones failing the faithfulness check.
    runtime: the sentence encoder's (auto, onnx-int8 or torch).
    """
    from .embeddings import SentenceEncoder
    from .extractive import ExtractiveSummarizer

    if kind == "extractive":
        return ExtractiveSummarizer(SentenceEncoder(model, allow_download=allow_download, runtime=runtime))
    if kind == "abstractive":
        if model is None:
            raise ValueError("the abstractive summarizer needs a model: a directory or id of a seq2seq or "
                             "causal instruct model (--model ID_OR_PATH)")
        from .abstractive import AbstractiveSummarizer

        fallback = ExtractiveSummarizer(SentenceEncoder(runtime=runtime))
        return AbstractiveSummarizer(model, allow_download=allow_download, fallback=fallback)
    raise ValueError(f"unknown summarizer {kind!r}; available: {', '.join(SUMMARIZERS)}")


__all__ = [
    "ExtractiveSummarizer",
    "ModelNotAvailableError",
    "SentenceEncoder",
    "Summary",
    "load_summarizer",
    "summarize_pending",
]
