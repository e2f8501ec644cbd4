"""Extractive summaries: a few of the post's own sentences, chosen with sentence embeddings.

Faithful by construction: every sentence of a summary is verbatim a sentence of the post,
so a summary can leave a claim out but never invent one.

Selection: the centroid of the post's candidate sentences stands for what the post is
about; maximal marginal relevance (MMR) picks sentences close to it but not to each other,
with a mild bonus for early sentences (posts, like news, tend to state their point first).

Focus (issue 14): when ketamine is a subject of the post, a sentence also scores for how much
it carries the post's claims about ketamine (closeness to written claim prototypes, naming
ketamine, the mention rules' claims and mechanisms, the relevance rule's brain-change
concepts), so background any brain article could contain ranks below; the first sentence
chosen names ketamine, and the summary says something about the brain or the patient.
News and other posts keep the general selection.

Sentences that stand alone: a sentence that leans on the one before it
(pipeline.sentences.depends_on_previous, given the sentence before) is only taken together with that sentence (and
that one's own antecedent, up to MAX_CHAIN sentences); one whose antecedent may not be in a
summary (a heading, a question) is never taken.
"""

from __future__ import annotations

import re

import numpy as np

from pipeline.mentions import RULES_VERSION as MENTION_RULES
from pipeline.mentions import sentence_mentions
from pipeline.relevance import KETAMINE, PLASTICITY, ketamine_subject
from pipeline.relevance import RULES_VERSION as RELEVANCE_RULES
from pipeline.sentences import (
    Sentence,
    depends_on_previous,
    is_candidate,
    split_sentences,
)

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
# A summary of a post has at least MIN_WORDS words (when the post has them) and at most MAX_WORDS:
# issue 14 found summaries under 40 words carried background, not the post's claims.
MIN_WORDS = 50
MAX_WORDS = 120
# A sentence and the antecedents it leans on: at most this many sentences in one piece.
MAX_CHAIN = 3
# The version of the rules that choose a summary's sentences (the detector of pipeline.sentences included),
# recorded in each summary's params: a stored summary of another version (or of none: those made before
# versions were recorded) is redone by the next `clinicwatch summarize`, as new weights are. Raise it with
# every change that can change a summary. 4: issue 14, round 4 (the detector reads more kinds of sentence
# leaning on the one before). 5: round 5 (a sentence also leans on the one before when a definite noun phrase
# among its first words takes its noun from it, or "also" adds to it: pipeline.sentences.refers_back). 6: round 6
# (the kinds the fourth labeller marked: personal pronouns, "Together,", "Not ...", "that" after a preposition,
# "the other", "in a similar way", abstract definite subjects, subjectless list items, "also" further in; "Rather
# than" no longer: pipeline.sentences.DEPENDS_ON_PREVIOUS_ROUND6).
SELECTION_VERSION = 6
# What a summary records and is redone by: this version and the rules it reads, since the claim bonus
# reads the mention rules (claims_something) and the focus the relevance rules (ketamine_subject), so
# a change of either changes summaries too.
SELECTION = f"{SELECTION_VERSION} {MENTION_RULES} {RELEVANCE_RULES}"

# Focus: used when ketamine is a subject of the post (pipeline.relevance.ketamine_subject at least
# FOCUS_SUBJECT: two mentions of ketamine, no competing treatment named more often).
FOCUS_SUBJECT = 0.6
FOCUS_WEIGHT = 1.0
NAMES_KETAMINE_BONUS = 0.1
CLAIM_BONUS = 0.1
BRAIN_BONUS = 0.05
QUANTITY_BONUS = 0.05
FOCUS_POSITION_BONUS = 0.1
# What researchers survey in a clinic's post (issue 14), written for clinicwatch: a sentence
# close to one of these carries a claim rather than background.
CLAIM_PROTOTYPES = (
    "Ketamine blocks NMDA receptors and triggers a surge of glutamate that helps the brain grow new synapses.",
    "Ketamine increases BDNF and neuroplasticity, rebuilding connections between neurons lost to stress and depression.",
    "Many patients feel relief from depression within hours or days of a ketamine infusion, not weeks.",
    "The relief after a series of ketamine infusions can last for weeks or months, and booster infusions maintain it.",
    "Ketamine is safe at low doses; side effects such as dissociation, nausea or higher blood pressure pass within hours.",
    "Studies show that most patients with treatment-resistant depression respond to ketamine and many reach remission.",
    "During each ketamine infusion a physician monitors the patient, and integration therapy follows the treatment.",
    "Esketamine (Spravato) is an FDA-approved nasal spray given under supervision in a certified clinic.",
)


def sentence_count(word_count: int, min_sentences: int, max_sentences: int) -> int:
    """How many sentences a post of this length gets."""
    fraction = (word_count - SHORT_POST_WORDS) / (LONG_POST_WORDS - SHORT_POST_WORDS)
    fraction = min(max(fraction, 0.0), 1.0)
    return min_sentences + round(fraction * (max_sentences - min_sentences))


def names_ketamine(text: str) -> bool:
    return KETAMINE.search(text) is not None


def about_ketamine(text: str) -> bool:
    """Is ketamine a subject of the post, so that its summary is focused on ketamine's claims?"""
    return ketamine_subject("", text) >= FOCUS_SUBJECT


def claims_something(text: str) -> bool:
    """Do the mention rules find a claim (rapid relief, lasting effects, safety, success rates ...) or a mechanism?"""
    return any(category in ("claim", "mechanism") for category, _, _ in sentence_mentions(text))


# A speed, a duration or a share ("within hours", "1-2 months", "70% of patients", "45 minutes"): claims of
# how fast, how long and how often. Issue 14, round 3: of the candidate sentences of the 83 labelled clinic
# posts about ketamine, 53 % of those with a quantity are marked claims against 28 % of the others (naming
# ketamine: 46 % against 20 %). A bonus of 0.05 gives one more old held-out summary a marked claim (23 -> 24 of
# 25) and one dev summary fewer (50 -> 49 of 54: it quotes "Ketamine can produce antidepressant effects within
# hours of the first session", a claim the labeller left unmarked); 0.1 the same; 0.15 gave a dev summary a
# sentence without its antecedent. Years are left out: "used since 1970" is history, not a claim.
_COUNT = (r"(?:\d+(?:\.\d+)?(?:\s*(?:-|\u2013|to)\s*\d+(?:\.\d+)?)?"
          r"|a\s+few|few|several|one|two|three|four|five|six|seven|eight|nine|ten|twelve)")
QUANTITY = re.compile(
    rf"\b{_COUNT}\s*(?:%|percent\b|(?:minutes?|hours?|days?|weeks?|months?)\b)"
    r"|\bwithin\s+(?:minutes|hours|days|a\s+day|a\s+week)\b",
    re.IGNORECASE)


def claim_bonus(text: str, claims: bool) -> float:
    """What the rules already see in a sentence: ketamine named, a claim or a mechanism, brain change, a quantity."""
    bonus = NAMES_KETAMINE_BONUS if names_ketamine(text) else 0.0
    if claims:
        bonus += CLAIM_BONUS
    if PLASTICITY.search(text):
        bonus += BRAIN_BONUS
    if QUANTITY.search(text):
        bonus += QUANTITY_BONUS
    return bonus


# Words for what happens to the brain or the patient (beside the relevance rule's brain-change concepts and
# the mention rules' claims and mechanisms).
OUTCOME = re.compile(
    r"\b(?:brain|neur\w*|synap\w*|receptors?|glutamate|relie\w*|improv\w*|symptoms?|remission|respon\w*|mood"
    r"|heal\w*|effective\w*|safe\w*|side[- ]effects?|reduc\w*|better|recover\w*|cravings?|thought\s+patterns)\b",
    re.IGNORECASE)


def says_outcome(text: str, claims: bool | None = None) -> bool:
    """Does the sentence say something about the brain or the patient's outcome? `claims`: claims_something(text),
    when the caller has it."""
    if OUTCOME.search(text) or PLASTICITY.search(text):
        return True
    return claims_something(text) if claims is None else claims


def pieces(candidates: list[Sentence]) -> list[list[int]]:
    """For each candidate (by index in candidates), the candidates it must be taken with, itself last:
    its antecedents when it leans on the sentence before it. A candidate whose antecedent is not a
    candidate, or whose chain is longer than MAX_CHAIN, gets an empty piece: it is never taken."""
    index_at = {s.position: i for i, s in enumerate(candidates)}
    found = []
    for i, sentence in enumerate(candidates):
        piece = [i]
        current = sentence
        while True:
            before = index_at.get(current.position - 1)
            if not depends_on_previous(current.text, None if before is None else candidates[before].text):
                break
            if before is None or len(piece) >= MAX_CHAIN:
                piece = []
                break
            piece.insert(0, before)
            current = candidates[before]
        found.append(piece)
    return found


def usable_pieces(candidates: list[Sentence]) -> tuple[list[Sentence], list[list[int]]]:
    """The candidates that some piece may take, and the pieces (indices into that list). A post whose
    every candidate leans on an antecedent it may not take keeps them all, each a piece of its own."""
    found = [piece for piece in pieces(candidates) if piece]
    if not found:
        return candidates, [[i] for i in range(len(candidates))]
    rows = sorted({row for piece in found for row in piece})
    new_index = {row: i for i, row in enumerate(rows)}
    return [candidates[row] for row in rows], [[new_index[row] for row in piece] for piece in found]


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


def select_pieces(
    relevance: np.ndarray,
    similarity: np.ndarray,
    piece_of: list[list[int]],
    words: list[int],
    *,
    min_sentences: int,
    max_sentences: int,
    min_words: int,
    max_words: int | None,
    mmr_lambda: float = MMR_LAMBDA,
    first_must: np.ndarray | None = None,
    then_must: np.ndarray | None = None,
) -> list[int]:
    """Rows chosen by MMR over pieces (a sentence with the antecedents it needs), until the summary
    has min_sentences and min_words, never past max_sentences or max_words.

    A piece scores the mean relevance of the sentences it adds, less their highest similarity to
    a sentence already chosen. first_must: when some piece has a row marked, the first piece
    chosen has one (the sentence naming ketamine); then_must: likewise for the second piece when
    none chosen so far has one (a claim about the brain or the outcome).
    """
    chosen: list[int] = []
    total_words = 0
    redundancy = np.zeros(len(relevance), dtype=np.float32)
    while len(chosen) < max_sentences and (len(chosen) < min_sentences or total_words < min_words):
        best, best_score = None, -np.inf
        options = []
        for piece in piece_of:
            new = [row for row in piece if row not in chosen]
            if not new or len(chosen) + len(new) > max_sentences:
                continue
            added = sum(words[row] for row in new)
            if max_words is not None and chosen and total_words + added > max_words:
                continue
            options.append((piece, new))
        must = first_must if not chosen else then_must
        if must is not None and not any(must[row] for row in chosen):
            options = [(piece, new) for piece, new in options if any(must[row] for row in piece)] or options
        for piece, new in options:
            score = mmr_lambda * float(np.mean(relevance[new])) - (1 - mmr_lambda) * float(np.max(redundancy[new]))
            if score > best_score:
                best, best_score = new, score
        if best is None:
            break
        chosen.extend(best)
        total_words += sum(words[row] for row in best)
        for row in best:
            redundancy = np.maximum(redundancy, similarity[row])
    return chosen


class ExtractiveSummarizer:
    """Summarizes posts with 3 to 5 (by post length) of their own sentences, 50 to 120 words, in their
    original order; each sentence that leans on the one before comes with it.

    A post with no more sentences fit for a summary than it would get is summarized by all of them;
    a post with none (only headings, questions, calls to action ...) gets the empty string.
    """

    method = "extractive"
    selection_version = SELECTION

    def __init__(self, encoder: SentenceEncoder | None = None, *, min_sentences: int = 3, max_sentences: int = 5,
                 min_words: int = MIN_WORDS, max_words: int | None = MAX_WORDS):
        if not 1 <= min_sentences <= max_sentences:
            raise ValueError(f"need 1 <= min_sentences <= max_sentences, got {min_sentences} and {max_sentences}")
        self.encoder = encoder or SentenceEncoder()
        self.min_sentences = min_sentences
        self.max_sentences = max_sentences
        self.min_words = min_words
        self.max_words = max_words
        self._prototypes: np.ndarray | None = None

    @property
    def model(self) -> str:
        return self.encoder.name

    @property
    def model_revision(self) -> str | None:
        return self.encoder.revision

    @property
    def params(self) -> dict:
        return {
            "selection_version": self.selection_version,
            "min_sentences": self.min_sentences,
            "max_sentences": self.max_sentences,
            "min_words": self.min_words,
            "max_words": self.max_words,
            "mmr_lambda": MMR_LAMBDA,
            "position_bonus": POSITION_BONUS,
            "short_post_words": SHORT_POST_WORDS,
            "long_post_words": LONG_POST_WORDS,
            "stand_alone": {"max_chain": MAX_CHAIN},
            "focus": {"subject": FOCUS_SUBJECT, "weight": FOCUS_WEIGHT, "names_ketamine": NAMES_KETAMINE_BONUS,
                      "claim": CLAIM_BONUS, "brain": BRAIN_BONUS, "quantity": QUANTITY_BONUS,
                      "position_bonus": FOCUS_POSITION_BONUS,
                      "prototypes": len(CLAIM_PROTOTYPES)},
            **self.encoder.runtime_params,
        }

    @property
    def prototypes(self) -> np.ndarray:
        if self._prototypes is None:
            self._prototypes = self.encoder.encode(list(CLAIM_PROTOTYPES))
        return self._prototypes

    def summarize(self, text: str) -> str:
        return self.summarize_texts([text])[0]

    def summarize_many(self, texts: list[str]) -> list[Summary]:
        """One Summary per text, for the batch runner."""
        return [Summary(text) for text in self.summarize_texts(texts)]

    def summarize_texts(self, texts: list[str]) -> list[str]:
        """One summary per text: its chosen sentences joined by spaces."""
        return [" ".join(s.text for s in chosen) for chosen in self.chosen_sentences(texts)]

    def chosen_sentences(self, texts: list[str]) -> list[list[Sentence]]:
        """The sentences of each text's summary, in the post's order; the candidate sentences of the batch
        that need choosing between are embedded in one call (a post with no more usable sentences than
        its count takes them all)."""
        posts = [split_sentences(text) for text in texts]
        usable = [usable_pieces(unique_candidates(sentences)) for sentences in posts]
        counts = [sentence_count(len(text.split()), self.min_sentences, self.max_sentences) for text in texts]
        # A post with no more usable sentences than its count takes them all; only the others are embedded
        # (a sentence that can never be taken is not: on the clinic posts a tenth of the candidates).
        to_embed = [post if len(post) > count else [] for (post, _), count in zip(usable, counts)]
        embeddings = self.encoder.encode([s.text for post in to_embed for s in post])
        summaries = []
        start = 0
        for text, sentences, (chosen_from, post_pieces), count, embedded in zip(texts, posts, usable, counts, to_embed):
            if not embedded:
                summaries.append(chosen_from)
                continue
            rows = embeddings[start:start + len(embedded)]
            start += len(embedded)
            summaries.append(self._summary(text, max(len(sentences) - 1, 1), chosen_from, post_pieces, rows, count))
        return summaries

    def _summary(self, text: str, last: int, candidates: list[Sentence], piece_of: list[list[int]],
                 embeddings: np.ndarray, count: int) -> list[Sentence]:
        earliness = np.array([1 - s.position / last for s in candidates], dtype=np.float32)
        centroid = embeddings.mean(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
        relevance = embeddings @ centroid
        first_must = then_must = None
        if about_ketamine(text):
            closeness = (embeddings @ self.prototypes.T).max(axis=1)
            claims = [claims_something(s.text) for s in candidates]
            bonus = np.array([claim_bonus(s.text, c) for s, c in zip(candidates, claims)], dtype=np.float32)
            relevance = relevance + FOCUS_POSITION_BONUS * earliness + FOCUS_WEIGHT * (closeness + bonus)
            first_must = np.array([names_ketamine(s.text) for s in candidates])
            then_must = np.array([says_outcome(s.text, c) for s, c in zip(candidates, claims)])
        else:
            relevance = relevance + POSITION_BONUS * earliness
        chosen = select_pieces(
            relevance, embeddings @ embeddings.T, piece_of, [s.word_count for s in candidates],
            min_sentences=count, max_sentences=self.max_sentences, min_words=self.min_words,
            max_words=self.max_words, first_must=first_must, then_must=then_must)
        return [candidates[i] for i in sorted(chosen)]

