"""Relevance rule on labelled sets: precision, recall and F1 of pipeline.relevance.assess_relevance.

First the real set (bench/data/real-relevance.csv: 772 public web texts, URLs, labels, kinds
and reasons committed, texts in the gitignored cache of bench/realdata.py): the held-out splits
(bench.realdata.held_out: never looked at while tuning) together, in English and not, then each
split, each beside the lexicon rule alone and the keyword baseline, with the confusion by kind
of each held-out split. The bar is read on the held-out splits' English texts together (the
rule reads English; texts in other languages are reported apart, and so are a tuning split's
English texts and its others). `--errors` prints the
per-item errors of the splits tuned on only. Then the leave-one-labeller-out estimate of
bench/relevance_cv.py (splits tuned on only). Without the cache it says how to rebuild it and
goes on.

The set (bench/data/relevance-labels.csv) is our fixture posts (the demo sites' posts and
tests/fixtures/other_sites.py, whose own `relevant` flags must agree with the file) and the
press releases of ../shared/corpus/press-releases, referenced by path with a label and a
one-line reason; no text of them is in this repository. Labels follow docs/decisions.md: about
ketamine as a treatment AND how the brain changes.

Beside the rule it prints a keyword baseline (a ketamine word and any plasticity word
anywhere, what a plain search would return) and the rule without its infusion proxy, then
every disagreement with the labels.

    python -m bench.relevance [--corpus DIR] [--labels CSV] [--errors] [--tuning-only]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clinicwatch.demo.sites import load_posts
from pipeline import relevance
from pipeline.relevance import (
    KETAMINE,
    lexicon_rule_score,
    PLASTICITY,
    THRESHOLD,
    Relevance,
    assess_relevance,
)
from tests.fixtures.other_sites import CEDAR_RIDGE_POSTS, LUMEN_POSTS

REPO = Path(__file__).resolve().parents[1]
DEFAULT_LABELS = REPO / "bench" / "data" / "relevance-labels.csv"
# shared/ sits beside the repository's checkout
# shared/ sits beside the repository's checkout (or beside the folder of a git worktree)
DEFAULT_CORPUS = next((folder / "shared" / "corpus" / "press-releases" for folder in REPO.parents
                       if (folder / "shared" / "corpus" / "press-releases").is_dir()),
                      REPO.parent / "shared" / "corpus" / "press-releases")
_HEADING_MARK = re.compile(r"^#+\s*", re.MULTILINE)
# The bar of issue 5: the rule's precision and recall on the labelled set.
BAR = 0.95


@dataclass(frozen=True)
class Item:
    corpus: str
    ref: str
    relevant: bool
    reason: str
    title: str
    text: str


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def fixture_posts() -> dict[tuple[str, str], tuple[str, str, bool]]:
    """(corpus, slug) -> (title, text, the fixture's own relevant flag) of every fixture post."""
    posts = {}
    for site in load_posts().values():
        for post in site.values():
            posts["demo-posts", post.slug] = (post.title, post.body, post.relevant)
    for post in LUMEN_POSTS + CEDAR_RIDGE_POSTS:
        posts["other-sites", post.slug] = (post.title, post.body, post.relevant)
    return posts


def press_release(path: Path) -> tuple[str, str]:
    """(title, text) of a corpus file: its first line is '# Title', the rest is the release."""
    first, _, rest = path.read_text(encoding="utf-8").partition("\n")
    return first.lstrip("# ").strip(), rest


def load_items(labels: Path, corpus: Path) -> list[Item]:
    fixtures = fixture_posts()
    items = []
    with labels.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            label = row["relevant"] == "1"
            if row["corpus"] == "press-releases":
                title, text = press_release(corpus / row["item"])
            else:
                title, text, own_flag = fixtures[row["corpus"], row["item"]]
                if own_flag != label:
                    raise SystemExit(f"{labels}: {row['item']} is labelled {label} but the fixture says {own_flag}")
            # Markdown heading marks are not part of the text a crawled page yields.
            items.append(Item(row["corpus"], row["item"], label, row["reason"], title, _HEADING_MARK.sub("", text)))
    return items


def confusion(pairs: list[tuple[bool, bool]]) -> Scores:
    """Scores of (predicted, labelled relevant) pairs."""
    tp = sum(p and t for p, t in pairs)
    fp = sum(p and not t for p, t in pairs)
    fn = sum(t and not p for p, t in pairs)
    return Scores(tp, fp, fn, len(pairs) - tp - fp - fn)


def score(items: list[Item], judge: Callable[[str, str], bool]) -> Scores:
    return confusion([(judge(item.title, item.text), item.relevant) for item in items])


def keyword_baseline(title: str, text: str) -> bool:
    """What a full-text search for ketamine and any plasticity word returns."""
    whole = f"{title}\n{text}"
    return bool(KETAMINE.search(whole) and PLASTICITY.search(whole))


def rule_without_infusion_proxy(title: str, text: str) -> bool:
    """The rule with the infusion proxy switched off, to show what the proxy is worth."""
    saved = relevance.INFUSION_WEIGHT
    relevance.INFUSION_WEIGHT = 0.0
    try:
        return assess_relevance(title, text).is_relevant
    finally:
        relevance.INFUSION_WEIGHT = saved


def english(row: dict) -> bool:
    return not row["kind"].endswith("-non-english")


def real_set(show_errors: bool, tuning_only: bool = False) -> bool | None:
    """The real set: the held-out splits together (English, then not), then each split; None
    when the cache is missing (or `tuning_only`: only the splits tuned on are scored, the
    held-out ones not even computed). True when the held-out English texts meet the bar."""
    from collections import Counter

    from bench.realdata import RELEVANCE_CSV, cached_text, held_out, read_rows, require_cache, split_groups

    rows = read_rows(RELEVANCE_CSV)
    if not require_cache(rows, "real relevance set"):
        print("real set: skipped (texts not cached; `python -m bench.realdata fetch` rebuilds bench/cache/)\n")
        return None
    judges = (
        ("clinicwatch assess_relevance", lambda text: assess_relevance("", text).is_relevant),
        ("lexicon rule alone (before)", lambda text: lexicon_rule_score("", text) >= THRESHOLD),
        ("keyword baseline", lambda text: keyword_baseline("", text)),
    )
    held = held_out("relevance")
    groups = []
    for name, splits, is_the_bar in split_groups("relevance", tuning_only):
        if is_the_bar:  # the bar is read on English texts: the rule reads English
            groups += [(name + ", English", lambda r, splits=splits: r["split"] in splits and english(r), True),
                       (name + ", other languages", lambda r, splits=splits: r["split"] in splits and not english(r),
                        False)]
        else:
            groups.append((name, lambda r, splits=splits: r["split"] in splits, False))
    met = True
    for name, chosen, is_bar in groups:
        items = [row for row in rows if chosen(row)]
        if not items:
            continue
        texts = [cached_text(row["url"]) for row in items]
        print(f"real set, {name}: {len(items)} texts, {sum(r['relevant'] == '1' for r in items)} relevant")
        print(f"{'rule':<30}{'P':>7}{'R':>7}{'F1':>7}{'TP':>5}{'FP':>5}{'FN':>5}{'TN':>5}")
        predictions = {}
        for judge_name, judge in judges:
            predicted = [judge(text) for text in texts]
            predictions[judge_name] = predicted
            s = confusion([(p, row["relevant"] == "1") for p, row in zip(predicted, items)])
            print(f"{judge_name:<30}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.tn:>5}")
            if judge_name == judges[0][0] and is_bar:
                met = s.precision >= BAR and s.recall >= BAR
        ours = predictions[judges[0][0]]
        if not is_bar and any(not english(row) for row in items) and any(english(row) for row in items):
            # A split with texts in other languages: the rule's figures on each part.
            for part, wanted in (("English", True), ("other languages", False)):
                s = confusion([(p, row["relevant"] == "1") for p, row in zip(ours, items) if english(row) == wanted])
                print(f"  {judges[0][0] + ', ' + part:<28}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}"
                      f"{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.tn:>5}")
        if all(row["split"] in held for row in items):
            # Which kinds of text fail (kinds only: held-out items are not listed).
            wrong, total = Counter(), Counter()
            for row, predicted in zip(items, ours):
                total[row["kind"], row["relevant"]] += 1
                wrong[row["kind"], row["relevant"]] += predicted != (row["relevant"] == "1")
            print("confusion by kind (label: wrong / items; only kinds with an error):")
            for (kind, label), n in sorted(total.items()):
                if wrong[kind, label]:
                    print(f"  {kind:<34} {'relevant' if label == '1' else 'not relevant':<13} {wrong[kind, label]} / {n}")
        elif show_errors:
            print(f"{name} errors:")
            for row, text, predicted in zip(items, texts, ours):
                if predicted != (row["relevant"] == "1"):
                    result = assess_relevance("", text)
                    print(f"  {'FP' if predicted else 'FN'} {result.score:.2f} {row['kind']}: {row['reason']}\n"
                          f"        {row['url']}\n        concepts: {', '.join(result.concepts) or '-'}")
                    for claim in result.claims[:3]:
                        print(f"        claim ({claim.via}): {claim.sentence[:140]}")
        print()
    if tuning_only:
        print("bar on held-out real English texts: not scored (--tuning-only)\n")
        return None
    print(f"bar on held-out real English texts: precision and recall >= {BAR}: {'met' if met else 'MISSED'}\n")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the press-releases folder")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="labelled set (CSV)")
    parser.add_argument("--near", type=int, default=8, help="how many items nearest the threshold to list")
    parser.add_argument("--errors", action="store_true", help="list the errors of the real splits tuned on")
    parser.add_argument("--tuning-only", action="store_true",
                        help="score only the real splits tuned on (held-out splits are not computed)")
    args = parser.parse_args(argv)
    real_met = real_set(args.errors, args.tuning_only)
    if real_met is not None or args.tuning_only:
        from bench import relevance_cv

        relevance_cv.main([])
        print()
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus}: no such folder (pass --corpus)")
    items = load_items(args.labels, args.corpus)
    by_corpus = {name: sum(i.corpus == name for i in items) for name in dict.fromkeys(i.corpus for i in items)}
    print(f"fixture and corpus set: {len(items)} labelled items ({', '.join(f'{n} {c}' for c, n in by_corpus.items())}), "
          f"{sum(i.relevant for i in items)} relevant; {os.cpu_count()} CPUs, {platform.platform()}")

    started = time.perf_counter()
    results: dict[str, Relevance] = {(i.corpus, i.ref): assess_relevance(i.title, i.text) for i in items}
    seconds = time.perf_counter() - started
    judges = (
        ("clinicwatch assess_relevance", lambda title, text: assess_relevance(title, text).is_relevant),
        ("  without infusion proxy", rule_without_infusion_proxy),
        ("keyword baseline", keyword_baseline),
    )
    print(f"{'rule':<30}{'P':>7}{'R':>7}{'F1':>7}{'TP':>5}{'FP':>5}{'FN':>5}{'TN':>5}")
    for name, judge in judges:
        s = score(items, judge)
        print(f"{name:<30}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.tn:>5}")
    ours = score(items, judges[0][1])
    meets_bar = ours.precision >= BAR and ours.recall >= BAR
    print(f"bar: precision and recall >= {BAR}: {'met' if meets_bar else 'MISSED'}")
    print(f"assess_relevance: {len(items) / seconds:,.0f} posts/s")

    for heading, wanted in (("false positives", False), ("false negatives", True)):
        wrong = [i for i in items if i.relevant == wanted and results[i.corpus, i.ref].is_relevant != wanted]
        print(f"\n{heading} ({len(wrong)}):")
        for item in wrong:
            result = results[item.corpus, item.ref]
            print(f"  {result.score:.2f}  {item.corpus}/{item.ref}\n        label: {item.reason}\n"
                  f"        concepts: {', '.join(result.concepts) or '-'}")
    # How close the calls are: a rule that only just separates the set would not keep doing so.
    print(f"\nnearest the threshold ({THRESHOLD}): score, label, item, concepts")
    for item in sorted(items, key=lambda i: abs(results[i.corpus, i.ref].score - THRESHOLD))[:args.near]:
        result = results[item.corpus, item.ref]
        print(f"  {result.score:.2f}  {int(item.relevant)}  {item.corpus}/{item.ref}  ({', '.join(result.concepts)})")
    return 0 if meets_bar and real_met is not False else 1


if __name__ == "__main__":
    raise SystemExit(main())
