"""How well the relevance rule's data-driven part should hold on unseen clinic writing: k-fold
cross-validation on the 313 real texts (bench/data/real-relevance.csv, texts in bench/cache).

The one constant of the rule fitted to labelled texts is the encoder path's MARGIN
(pipeline/claim_encoder.py): how far a candidate sentence must be nearer the brain-change
prototypes than the others. Each fold chooses it on the other four folds (fewest errors; ties
to the middle of the grid) and is scored with it; the CV figure sums the left-out folds. Beside
it, the alternative issue 13 suggested: a logistic regression on the candidates' embeddings,
trained per fold on the written prototypes, the rule's own claims in relevant training texts
(positives) and every candidate of the irrelevant ones (negatives), its threshold chosen the
same way. Folds are fixed by a hash of the URL.

What CV cannot estimate: the rule's words (pipeline/brain_claims.py) and the prototypes were
written by people who had read these texts' errors, so the rule's own figures here are
in-sample. Only the choice of MARGIN (and the classifier) is cross-validated.

    python -m bench.relevance_cv [--folds 5]
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass

import numpy as np

GRID_MARGIN = [round(0.01 * step, 2) for step in range(16)]
GRID_PROBABILITY = [round(0.3 + 0.05 * step, 2) for step in range(14)]


@dataclass
class Text:
    url: str
    relevant: bool
    rule: bool  # the rule alone (no encoder path) takes it
    harm: bool  # psychosis-model or harm context: an encoder claim is halved below the threshold
    candidates: np.ndarray  # the encoder path's candidate sentences, embedded
    claims: np.ndarray  # the rule's claim sentences, embedded
    margin: float = -1.0  # best candidate's margin over the prototypes


def fold_of(url: str, folds: int) -> int:
    return int(hashlib.sha1(url.encode("utf-8")).hexdigest()[:8], 16) % folds


def load_texts() -> tuple[list[Text], np.ndarray, np.ndarray] | None:
    from bench.realdata import RELEVANCE_CSV, TUNED_ON, cached_text, read_rows, require_cache
    from pipeline import claim_encoder, relevance
    from pipeline.brain_claims import HARM_CONTEXT, KETAMINE_WORD, lines_of
    from pipeline.sentence_model import shared_model

    # Only the splits tuned on: the held-out ones are not read here at all.
    rows = [row for row in read_rows(RELEVANCE_CSV) if row["split"] in TUNED_ON["relevance"]]
    if not require_cache(rows, "real relevance set"):
        return None
    model = shared_model()
    def embed(sentences: list[str]) -> np.ndarray:
        return model.encode([claim_encoder.normalised(s) for s in sentences]).reshape(-1, 384)

    positive = embed([text for text, _ in claim_encoder.POSITIVE])
    negative = embed(list(claim_encoder.NEGATIVE))
    saved, relevance.ENCODER_PATH = relevance.ENCODER_PATH, False
    try:
        texts = []
        for row in rows:
            text = cached_text(row["url"])
            result = relevance.assess_relevance("", text)
            # The encoder path reads only texts that name ketamine (pipeline.relevance.assess_relevance).
            lines = lines_of(text) if KETAMINE_WORD.search(text) else []
            candidates = embed([sentence for sentence, _ in claim_encoder.candidates(lines)])
            item = Text(row["url"], row["relevant"] == "1", result.is_relevant,
                        len(HARM_CONTEXT.findall(text)) >= 2, candidates,
                        embed([claim.sentence for claim in result.claims if claim.via != "class"]))
            if len(candidates):
                # float32, as pipeline.claim_encoder computes it: the same texts sit on either side of MARGIN.
                item.margin = float(max(p.max() - n.max() for p, n in zip(candidates @ positive.T, candidates @ negative.T)))
            texts.append(item)
    finally:
        relevance.ENCODER_PATH = saved
    return texts, positive, negative


def counts(decisions: list[bool], texts: list[Text]) -> tuple[int, int, int]:
    tp = sum(d and t.relevant for d, t in zip(decisions, texts))
    fp = sum(d and not t.relevant for d, t in zip(decisions, texts))
    return tp, fp, sum(t.relevant for t in texts) - tp


def decide(texts: list[Text], score, threshold: float) -> list[bool]:
    """The rule, else an encoder claim at or above the threshold (never in a harm context)."""
    return [t.rule or (not t.harm and score(t) >= threshold) for t in texts]


def choose(texts: list[Text], score, grid: list[float]) -> float:
    middle = grid[len(grid) // 2]
    return min(grid, key=lambda threshold: (sum(counts(decide(texts, score, threshold), texts)[1:]), abs(threshold - middle)))


def margin_scorer(train: list[Text], positive, negative):
    return lambda t: t.margin


def classifier_scorer(train: list[Text], positive, negative):
    from sklearn.linear_model import LogisticRegression

    x = [positive, negative] + [t.claims for t in train if t.relevant] + [t.candidates for t in train if not t.relevant]
    y = [np.ones(len(positive)), np.zeros(len(negative))] + [np.ones(len(t.claims)) for t in train if t.relevant] \
        + [np.zeros(len(t.candidates)) for t in train if not t.relevant]
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(np.concatenate(x), np.concatenate(y))
    return lambda t: float(model.predict_proba(t.candidates)[:, 1].max()) if len(t.candidates) else 0.0


def cross_validate(texts, positive, negative, make_scorer, grid, folds: int):
    """(cross-validated counts, thresholds chosen per fold, in-sample counts, in-sample threshold)."""
    total, chosen = np.zeros(3, dtype=int), []
    for k in range(folds):
        train = [t for t in texts if fold_of(t.url, folds) != k]
        test = [t for t in texts if fold_of(t.url, folds) == k]
        score = make_scorer(train, positive, negative)
        chosen.append(choose(train, score, grid))
        total += counts(decide(test, score, chosen[-1]), test)
    score = make_scorer(texts, positive, negative)
    threshold = choose(texts, score, grid)
    return tuple(total), chosen, counts(decide(texts, score, threshold), texts), threshold


def line(name: str, tp: int, fp: int, fn: int) -> str:
    precision, recall = tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0
    return f"  {name:<44} P {precision:.3f}  R {recall:.3f}  (TP {tp} FP {fp} FN {fn})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    loaded = load_texts()
    if loaded is None:
        print("relevance CV: skipped (texts not cached)")
        return 0
    texts, positive, negative = loaded
    from pipeline.claim_encoder import MARGIN

    print(f"relevance, {args.folds}-fold cross-validation on {len(texts)} real texts ({sum(t.relevant for t in texts)} relevant):")
    print(line("rule alone (in-sample: words written after reading the errors)",
               *counts([t.rule for t in texts], texts)))
    print(line(f"rule + encoder, shipped MARGIN {MARGIN} (in-sample)", *counts(decide(texts, lambda t: t.margin, MARGIN), texts)))
    for name, make, grid in (("rule + encoder, MARGIN chosen per fold", margin_scorer, GRID_MARGIN),
                             ("rule + logistic regression on embeddings", classifier_scorer, GRID_PROBABILITY)):
        cv, chosen, inside, threshold = cross_validate(texts, positive, negative, make, grid, args.folds)
        print(line(f"{name}: CV", *cv) + f"  thresholds {chosen}")
        print(line(f"{name}: in-sample", *inside) + f"  threshold {threshold}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
