"""Extractive summaries: a few of the post's own sentences, chosen with sentence embeddings.

Faithful by construction: every sentence of a summary is verbatim a sentence of the post,
so a summary can leave a claim out but never invent one.

Selection: the centroid of the post's candidate sentences stands for what the post is
about; maximal marginal relevance (MMR) picks sentences close to it but not to each other,
with a mild bonus for early sentences (posts, like news, tend to state their point first).
"""

from __future__ import annotations

import numpy as np

from pipeline.sentences import Sentence, is_candidate, split_sentences

from .embeddings import SentenceEncoder
from .summary import Summary

MMR_LAMBDA = 0.7
# Added to a sentence's closeness to the centroid, falling linearly from the first sentence to
# the last. On the news benchmark (bench/summaries.py) ROUGE rises up to about 0.2; blogs put
# their point first less reliably than news does, so the bonus stays a little below that.
POSITION_BONUS = 0.15
# Posts this short get min_sentences, this long max_sentences, linearly in between.
SHORT_POST_WORDS = 300
LONG_POST_WORDS = 1200


def sentence_count(word_count: int, min_sentences: int, max_sentences: int) -> int:
    """How many sentences a post of this length gets."""
    fraction = (word_count - SHORT_POST_WORDS) / (LONG_POST_WORDS - SHORT_POST_WORDS)
    fraction = min(max(fraction, 0.0), 1.0)
    return min_sentences + round(fraction * (max_sentences - min_sentences))


def unique_candidates(sentences: list[Sentence]) -> list[Sentence]:
    """Candidate sentences, each text once (posts repeat their key line in intro and conclusion)."""
    seen: set[str] = set()
    kept = []
    for sentence in sentences:
        key = " ".join(sentence.text.lower().split())
        if key not in seen and is_candidate(sentence):
            seen.add(key)
            kept.append(sentence)
    return kept


def select_sentences(
    embeddings: np.ndarray,
    earliness: np.ndarray,
    count: int,
    *,
    mmr_lambda: float = MMR_LAMBDA,
    position_bonus: float = POSITION_BONUS,
) -> list[int]:
    """Rows chosen by MMR around the centroid, in the order chosen.

    embeddings: unit rows; earliness: 1 for the post's first sentence down to 0 for its last.
    """
    centroid = embeddings.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
    relevance = embeddings @ centroid + position_bonus * earliness
    similarity = embeddings @ embeddings.T
    chosen: list[int] = []
    redundancy = np.zeros(len(embeddings), dtype=np.float32)
    for _ in range(min(count, len(embeddings))):
        scores = mmr_lambda * relevance - (1 - mmr_lambda) * redundancy
        scores[chosen] = -np.inf
        best = int(np.argmax(scores))
        chosen.append(best)
        redundancy = np.maximum(redundancy, similarity[best])
    return chosen


class ExtractiveSummarizer:
    """Summarizes posts with 2 to 4 (by post length) of their own sentences, in their original order.

    A post with fewer candidate sentences than it would get is summarized by all of them;
    a post with none (only headings, questions, calls to action ...) gets the empty string.
    """

    method = "extractive"

    def __init__(self, encoder: SentenceEncoder | None = None, *, min_sentences: int = 2, max_sentences: int = 4):
        if not 1 <= min_sentences <= max_sentences:
            raise ValueError(f"need 1 <= min_sentences <= max_sentences, got {min_sentences} and {max_sentences}")
        self.encoder = encoder or SentenceEncoder()
        self.min_sentences = min_sentences
        self.max_sentences = max_sentences

    @property
    def model(self) -> str:
        return self.encoder.name

    @property
    def model_revision(self) -> str | None:
        return self.encoder.revision

    @property
    def params(self) -> dict:
        return {
            "min_sentences": self.min_sentences,
            "max_sentences": self.max_sentences,
            "mmr_lambda": MMR_LAMBDA,
            "position_bonus": POSITION_BONUS,
            "short_post_words": SHORT_POST_WORDS,
            "long_post_words": LONG_POST_WORDS,
            **self.encoder.runtime_params,
        }

    def summarize(self, text: str) -> str:
        return self.summarize_texts([text])[0]

    def summarize_many(self, texts: list[str]) -> list[Summary]:
        """One Summary per text, for the batch runner."""
        return [Summary(text) for text in self.summarize_texts(texts)]

    def summarize_texts(self, texts: list[str]) -> list[str]:
        """One summary per text; the candidate sentences of the batch that need choosing between
        are embedded in one call (a post with no more candidates than its count takes them all)."""
        posts = [split_sentences(text) for text in texts]
        candidates = [unique_candidates(sentences) for sentences in posts]
        counts = [sentence_count(len(text.split()), self.min_sentences, self.max_sentences) for text in texts]
        to_embed = [post if len(post) > count else [] for post, count in zip(candidates, counts)]
        embeddings = self.encoder.encode([s.text for post in to_embed for s in post])
        summaries = []
        start = 0
        for sentences, chosen_from, count, embedded in zip(posts, candidates, counts, to_embed):
            if not embedded:
                summaries.append(" ".join(s.text for s in chosen_from))
                continue
            rows = embeddings[start:start + len(embedded)]
            start += len(embedded)
            summaries.append(self._summary(sentences, chosen_from, rows, count))
        return summaries

    def _summary(self, sentences: list[Sentence], candidates: list[Sentence], embeddings: np.ndarray, count: int) -> str:
        last = max(len(sentences) - 1, 1)
        earliness = np.array([1 - s.position / last for s in candidates], dtype=np.float32)
        chosen = select_sentences(embeddings, earliness, count)
        return " ".join(candidates[i].text for i in sorted(chosen))
