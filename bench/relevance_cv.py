"""How well the relevance rule's data-driven part should hold on unseen clinic writing: the real
texts (bench/data/real-relevance.csv, texts in bench/cache) left out one labeller at a time.

Each time a new labeller's set was scored as held out, precision and recall read 0.04-0.1 lower
than on the sets tuned on, so the unit left out is the labeller (bench.realdata.LABELLERS: first =
dev + heldout, second = heldout2's English texts, third, fourth; English texts only, as the bar).
For each labeller, every fitted choice is made on the other three and scored on that one; the
mean of the four is the criterion for a change (docs/decisions.md#relevance). `--by hash` gives
the older k-fold estimate with folds fixed by a hash of the URL, all languages.

Candidates, each beside the rule alone and the shipped rule + encoder path:
- the encoder path's MARGIN (pipeline/claim_encoder.py) chosen on the others (fewest errors; ties
  to the middle of the grid);
- a logistic regression on the candidates' embeddings, trained on the written prototypes, the
  rule's claims in relevant training texts and every candidate of the irrelevant ones;
- a logistic regression combiner over a few interpretable features of a post (the rule's score,
  its claims by tie, harm words, the encoder margin where the encoder runs now), which may also
  overturn the rule's own decisions.

What this cannot estimate: the rule's words (pipeline/brain_claims.py) and the prototypes were
written after reading every labeller's errors, so the rule's own figures here are in-sample.

    python -m bench.relevance_cv [--by labeller|hash] [--folds 5]
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass, field

import numpy as np

GRID_MARGIN = [round(0.01 * step, 2) for step in range(16)]
GRID_PROBABILITY = [round(0.3 + 0.05 * step, 2) for step in range(14)]
LABELLER_ORDER = ("first", "second", "third", "fourth")


@dataclass
class Text:
    url: str
    group: str  # the labeller, or the hash fold
    relevant: bool
    rule: bool  # the rule alone (no encoder path) takes it
    harm: bool  # psychosis-model or harm context: an encoder claim is halved below the threshold
    candidates: np.ndarray  # the encoder path's candidate sentences, embedded
    claims: np.ndarray  # the rule's claim sentences, embedded
    features: list[float] = field(default_factory=list)  # the combiner's inputs
    margin: float = -1.0  # best candidate's margin over the prototypes


def fold_of(url: str, folds: int) -> int:
    return int(hashlib.sha1(url.encode("utf-8")).hexdigest()[:8], 16) % folds


def load_texts(by: str, folds: int) -> tuple[list[Text], np.ndarray, np.ndarray] | None:
    from bench.realdata import (
        LABELLERS,
        RELEVANCE_CSV,
        TUNED_ON,
        cached_text,
        read_rows,
        require_cache,
    )
    from pipeline import claim_encoder, relevance
    from pipeline.brain_claims import HARM_CONTEXT, KETAMINE_WORD, lines_of
    from pipeline.sentence_model import shared_model

    # Only the splits tuned on: the held-out ones are not read here at all.
    rows = [row for row in read_rows(RELEVANCE_CSV) if row["split"] in TUNED_ON["relevance"]]
    if by == "labeller":
        rows = [row for row in rows if not row["kind"].endswith("-non-english")]
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
            harm = len(HARM_CONTEXT.findall(text))
            item = Text(row["url"], LABELLERS[row["split"]] if by == "labeller" else str(fold_of(row["url"], folds)),
                        row["relevant"] == "1", result.is_relevant, harm >= 2, candidates,
                        embed([claim.sentence for claim in result.claims if claim.via != "class"]))
            if len(candidates):
                # float32, as pipeline.claim_encoder computes it: the same texts sit on either side of MARGIN.
                item.margin = float(max(p.max() - n.max() for p, n in zip(candidates @ positive.T, candidates @ negative.T)))
            # The encoder runs only where the rule leaves a post under the threshold (the cost of issue 16).
            encoded = item.margin if not result.is_relevant and len(candidates) else 0.0
            vias = [claim.via for claim in result.claims]
            item.features = [result.score, np.log1p(vias.count("sentence")), np.log1p(len(vias) - vias.count("sentence")),
                             min(harm, 3), encoded, float(bool(encoded))]
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


def decide_alone(texts: list[Text], score, threshold: float) -> list[bool]:
    """The combiner's probability alone: it may overturn the rule's decision either way."""
    return [score(t) >= threshold for t in texts]


def choose(texts: list[Text], score, grid: list[float], decider=decide) -> float:
    middle = grid[len(grid) // 2]
    return min(grid, key=lambda threshold: (sum(counts(decider(texts, score, threshold), texts)[1:]),
                                            abs(threshold - middle)))


def margin_scorer(train: list[Text], positive, negative):
    return lambda t: t.margin


def classifier_scorer(train: list[Text], positive, negative):
    from sklearn.linear_model import LogisticRegression

    x = [positive, negative] + [t.claims for t in train if t.relevant] + [t.candidates for t in train if not t.relevant]
    y = [np.ones(len(positive)), np.zeros(len(negative))] + [np.ones(len(t.claims)) for t in train if t.relevant] \
        + [np.zeros(len(t.candidates)) for t in train if not t.relevant]
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(np.concatenate(x), np.concatenate(y))
    return lambda t: float(model.predict_proba(t.candidates)[:, 1].max()) if len(t.candidates) else 0.0


def combiner_scorer(train: list[Text], positive, negative):
    from sklearn.linear_model import LogisticRegression

    x = np.array([t.features for t in train])
    mean, spread = x.mean(0), x.std(0) + 1e-9
    model = LogisticRegression(C=0.1, max_iter=5000).fit((x - mean) / spread, [t.relevant for t in train])
    return lambda t: float(model.predict_proba(((np.array(t.features) - mean) / spread)[None])[0, 1])


def cross_validate(texts, positive, negative, make_scorer, grid, decider=decide):
    """({left-out group: its counts}, {group: threshold chosen on the others})."""
    scored, chosen = {}, {}
    for group in dict.fromkeys(t.group for t in texts):
        train = [t for t in texts if t.group != group]
        test = [t for t in texts if t.group == group]
        score = make_scorer(train, positive, negative)
        chosen[group] = choose(train, score, grid, decider)
        scored[group] = counts(decider(test, score, chosen[group]), test)
    return scored, chosen


def precision_recall(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0


def line(name: str, tp: int, fp: int, fn: int) -> str:
    precision, recall = precision_recall(tp, fp, fn)
    return f"  {name:<44} P {precision:.3f}  R {recall:.3f}  (TP {tp} FP {fp} FN {fn})"


def by_group(name: str, scored: dict[str, tuple[int, int, int]]) -> str:
    """Each left-out group's P/R and their mean (the criterion), then the pooled counts."""
    groups = [g for g in LABELLER_ORDER if g in scored] or sorted(scored)
    figures = [precision_recall(*scored[g]) for g in groups]
    total = np.sum([scored[g] for g in groups], axis=0)
    return (f"  {name}\n    " + "  ".join(f"{g} {p:.3f}/{r:.3f}" for g, (p, r) in zip(groups, figures))
            + f"  mean P {np.mean([p for p, _ in figures]):.3f} R {np.mean([r for _, r in figures]):.3f}"
            + f"  (pooled TP {total[0]} FP {total[1]} FN {total[2]})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--by", choices=("labeller", "hash"), default="labeller")
    parser.add_argument("--folds", type=int, default=5, help="folds of --by hash")
    args = parser.parse_args(argv)
    loaded = load_texts(args.by, args.folds)
    if loaded is None:
        print("relevance CV: skipped (texts not cached)")
        return 0
    texts, positive, negative = loaded
    from pipeline.claim_encoder import MARGIN

    unit = "leave-one-labeller-out (English)" if args.by == "labeller" else f"{args.folds}-fold cross-validation"
    print(f"relevance, {unit} on {len(texts)} real texts ({sum(t.relevant for t in texts)} relevant), "
          "per left-out group P/R and their mean:")
    def fixed(decisions):
        return {g: counts([d for d, t in zip(decisions, texts) if t.group == g], [t for t in texts if t.group == g])
                for g in dict.fromkeys(t.group for t in texts)}
    print(by_group("rule alone (in-sample: words written after reading the errors)", fixed([t.rule for t in texts])))
    print(by_group(f"rule + encoder, shipped MARGIN {MARGIN} (in-sample)", fixed(decide(texts, lambda t: t.margin, MARGIN))))
    for name, make, grid, decider in (
            ("rule + encoder, MARGIN chosen on the others", margin_scorer, GRID_MARGIN, decide),
            ("rule + logistic regression on embeddings", classifier_scorer, GRID_PROBABILITY, decide),
            ("logistic combiner over the rule's features", combiner_scorer, GRID_PROBABILITY, decide_alone)):
        scored, chosen = cross_validate(texts, positive, negative, make, grid, decider)
        print(by_group(name, scored) + f"  thresholds {list(chosen.values())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
