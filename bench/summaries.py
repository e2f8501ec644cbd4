"""Benchmark: the extractive summarizer on real clinic writing, against lead-3 on 100 CNN/DailyMail articles, and its speed.

Real clinic writing first (bench/real_summaries.py, issue 14): held-out posts, then each split, the
share of summaries holding a claim sentence marked by hand, sentences left without their
antecedent, summaries naming ketamine and an outcome, words and sentences per summary.

ROUGE-1/2/L F1 (x100, rouge-score with stemming) against the human highlights, every system
at 3 sentences, in the same run: lead-3, and the extractive summarizer with each encoder
runtime (onnx-int8, the default on a CPU, and torch float32, the exact reference), plus how
many summaries the two runtimes pick identically. The articles are news, not clinic posts,
but their references were written by people.

Speed is measured on clinic-length texts: the clinic press releases in shared/ (about 430
words each), summarized as the batch runner does (default 3-5 sentences, 50-120 words, 16 posts a call,
model loading excluded): posts per second of wall time, and CPU seconds per post (all
threads), with the load average, since the machine may be shared. The speed bar is judged
on wall time; on a busy machine (load average above the core count when the run starts) wall
time also measures the neighbours, so the run says so and prints what the CPU time alone
would allow (cores / CPU seconds per post) beside it: measure again on an idle machine.

The exit status is 1 when a bar is missed: the default runtime beats lead-3 on ROUGE-1 and
ROUGE-L, and summarizes at least 15 clinic-length posts a second on this machine's cores; and
on the held-out clinic posts, when their texts are cached, at least 90 % of the summaries hold
a marked claim sentence, none holds a sentence without its antecedent, and every summary of a
relevant post names ketamine and says something about the brain or the patient's outcome.

--abstractive ID_OR_PATH adds an abstractive model's ROUGE, speed and the share of its
summaries replaced by the extractive one for naming what the article does not.

Needs bench/requirements.txt (rouge-score). Run: python -m bench.summaries [--cnndm FILE] [--posts DIR]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pipeline.sentences import split_sentences
from summaries.embeddings import SentenceEncoder
from summaries.extractive import ExtractiveSummarizer

# shared/ sits beside the repository's checkout.
SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_CNNDM = SHARED / "benchmarks" / "summaries" / "cnndm-100.csv"
DEFAULT_POSTS = SHARED / "corpus" / "press-releases"
METRICS = ("rouge1", "rouge2", "rougeL")
TARGET_POSTS_PER_SECOND = 15
RUNTIMES = ("onnx-int8", "torch")


@dataclass
class Timing:
    docs: int
    wall: float
    cpu: float

    @property
    def per_second(self) -> float:
        return self.docs / self.wall

    @property
    def cpu_per_doc(self) -> float:
        return self.cpu / self.docs


def load_articles(path: Path) -> list[tuple[str, str]]:
    """(article, highlights) pairs."""
    csv.field_size_limit(sys.maxsize)
    with path.open(newline="", encoding="utf-8") as handle:
        return [(row["article"], row["highlights"]) for row in csv.DictReader(handle)]


def lead(text: str, count: int) -> str:
    """The first sentences, split the same way as for our summaries so only the choice differs."""
    return " ".join(sentence.text for sentence in split_sentences(text)[:count])


def mean_f1(scorer, predictions: list[str], references: list[str]) -> dict[str, float]:
    totals = dict.fromkeys(METRICS, 0.0)
    for prediction, reference in zip(predictions, references):
        scores = scorer.score(reference, prediction)
        for metric in METRICS:
            totals[metric] += scores[metric].fmeasure
    return {metric: 100 * total / len(predictions) for metric, total in totals.items()}


def load_posts(folder: Path) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(folder.rglob("*.md")) if path.name != "README.md"]


def timed_summaries(summarizer, texts: list[str], batch_size: int) -> tuple[list[str], Timing]:
    """Summaries in batches as the batch runner makes them, with wall and CPU time (every thread's)."""
    wall, cpu = time.perf_counter(), time.process_time()
    summaries: list[str] = []
    for start in range(0, len(texts), batch_size):
        summaries.extend(s.text for s in summarizer.summarize_many(texts[start:start + batch_size]))
    return summaries, Timing(len(texts), time.perf_counter() - wall, time.process_time() - cpu)


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def format_table(rows: list[tuple[str, dict[str, float] | None, Timing | None, Timing | None]]) -> str:
    width = max(len(name) for name, *_ in rows)
    header = (f"{'system':<{width}} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'news/s':>8} "
              f"{'posts/s':>8} {'CPU ms/post':>12}")
    lines = [header]
    for name, scores, news, posts in rows:
        line = f"{name:<{width}} " + " ".join(f"{scores[m]:8.1f}" if scores else f"{'':8}" for m in METRICS)
        line += f" {news.per_second:8.1f}" if news else f" {'':8}"
        if posts:
            line += f" {posts.per_second:8.1f} {1000 * posts.cpu_per_doc:12.0f}"
        lines.append(line.rstrip())
    return "\n".join(lines)


def agreement(ours: list[str], reference: list[str]) -> str:
    """How many summaries are identical, and the share of the reference's summary sentences also chosen by ours."""
    same = sum(a == b for a, b in zip(ours, reference))
    chosen = [{s.text for s in split_sentences(a)} for a in ours]
    wanted = [{s.text for s in split_sentences(b)} for b in reference]
    shared = sum(len(a & b) for a, b in zip(chosen, wanted)) / max(sum(len(b) for b in wanted), 1)
    return f"{same}/{len(reference)} identical, {100 * shared:.0f} % of sentences shared"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.summaries", description=__doc__.splitlines()[0])
    parser.add_argument("--cnndm", type=Path, default=DEFAULT_CNNDM, help="CSV with article and highlights columns")
    parser.add_argument("--posts", type=Path, default=DEFAULT_POSTS, help="folder of clinic-length .md texts, for speed")
    parser.add_argument("--sentences", type=int, default=3, help="sentences per summary on the news articles")
    parser.add_argument("--model", default=None, help="sentence encoder: directory or id (default: the bundled all-MiniLM-L6-v2)")
    parser.add_argument("--batch-size", type=int, default=16, help="posts per summarize_many call")
    parser.add_argument("--abstractive", default=None, metavar="ID_OR_PATH",
                        help="also measure this seq2seq or causal instruct model as an abstractive summarizer")
    parser.add_argument("--abstractive-limit", type=int, default=30, help="news articles for the abstractive model")
    return parser.parse_args(argv)


def measure_runtime(args, runtime: str, articles: list[str], posts: list[str]):
    encoder = SentenceEncoder(args.model, runtime=runtime)
    news = ExtractiveSummarizer(encoder, min_sentences=args.sentences, max_sentences=args.sentences,
                                 min_words=0, max_words=None)
    news.summarize_texts(["Warm-up, so that one-off start-up costs stay out of the timing. " * 3])
    news_summaries, news_timing = timed_summaries(news, articles, args.batch_size)
    post_summaries, post_timing = timed_summaries(ExtractiveSummarizer(encoder), posts, args.batch_size) if posts else ([], None)
    return encoder, news_summaries, news_timing, post_summaries, post_timing


def measure_abstractive(args, articles: list[str], references: list[str], scorer) -> str:
    from summaries.abstractive import AbstractiveSummarizer

    summarizer = AbstractiveSummarizer(args.abstractive)
    texts = articles[:args.abstractive_limit]
    wall, cpu = time.perf_counter(), time.process_time()
    written = summarizer.write_summaries(texts)
    timing = Timing(len(texts), time.perf_counter() - wall, time.process_time() - cpu)
    results = summarizer.checked(texts, written)
    scores = mean_f1(scorer, written, references[:len(texts)])
    replaced = sum(r.fallback_reason is not None for r in results)
    return (f"abstractive {summarizer.model} on {len(texts)} articles: ROUGE-1/2/L of what it wrote "
            f"{scores['rouge1']:.1f} / {scores['rouge2']:.1f} / {scores['rougeL']:.1f}; "
            f"{replaced} of {len(texts)} replaced by the extractive summary; "
            f"{timing.per_second:.2f} articles/s, {timing.cpu_per_doc:.1f} CPU s/article "
            f"({summarizer.device.type})")


def real_clinic_posts() -> dict[str, bool]:
    """The real clinic set, held-out splits first (bench/real_summaries.py); its bars, or none without the cache."""
    from bench.real_summaries import groups, report
    from bench.realdata import SUMMARIES_CSV, missing_texts, read_rows

    rows = read_rows(SUMMARIES_CSV)
    if missing_texts(rows):
        print("real clinic posts: texts not cached (python -m bench.realdata fetch); skipped", file=sys.stderr)
        return {}
    summarizer = ExtractiveSummarizer()
    bars = {}
    for name, subset, is_the_bar in groups(rows):
        lines, group_bars = report(subset, summarizer, name)
        print("\n".join(lines))
        if is_the_bar:
            bars.update(group_bars)
    return bars


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        print("rouge-score is missing: pip install -r bench/requirements.txt", file=sys.stderr)
        return 2
    if not args.cnndm.is_file():
        print(f"{args.cnndm}: no such file (pass --cnndm)", file=sys.stderr)
        return 2
    bars = real_clinic_posts()
    articles, references = (list(column) for column in zip(*load_articles(args.cnndm)))
    posts = load_posts(args.posts) if args.posts.is_dir() else []
    load_at_start = os.getloadavg()[0]
    print(f"machine: {platform.machine()}, {cores()} cores; load average at start {load_at_start:.1f}")
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    lead_scores = mean_f1(scorer, [lead(article, args.sentences) for article in articles], references)
    rows = [(f"lead-{args.sentences}", lead_scores, None, None)]
    measured = {}
    for runtime in RUNTIMES:
        encoder, news_summaries, news_timing, post_summaries, post_timing = measure_runtime(args, runtime, articles, posts)
        scores = mean_f1(scorer, news_summaries, references)
        measured[runtime] = (scores, news_summaries, post_summaries, post_timing)
        rows.append((f"extractive, {encoder.name.rsplit('/', 1)[-1]}, {runtime}", scores, news_timing, post_timing))
    print(f"{len(articles)} news articles from {args.cnndm} ({args.sentences} sentences per summary); "
          + (f"{len(posts)} clinic-length posts from {args.posts} "
             f"({sum(len(p.split()) for p in posts) / len(posts):.0f} words on average, 3-5 sentences)" if posts else
             "no clinic-length posts (pass --posts)"))
    print(format_table(rows))
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    default_scores, default_news, default_posts, default_timing = measured[RUNTIMES[0]]
    _, exact_news, exact_posts, _ = measured[RUNTIMES[1]]
    print(f"{RUNTIMES[0]} against {RUNTIMES[1]}: news {agreement(default_news, exact_news)}"
          + (f"; clinic posts {agreement(default_posts, exact_posts)}" if posts else ""))
    bars.update({
        "ROUGE-1 above lead": default_scores["rouge1"] > lead_scores["rouge1"],
        "ROUGE-L above lead": default_scores["rougeL"] > lead_scores["rougeL"],
    })
    if default_timing:
        rate = default_timing.per_second
        print(f"clinic-length posts/s on {cores()} cores ({RUNTIMES[0]}): {rate:.1f}, wall time")
        if load_at_start > cores():
            print(f"  the machine was busy (load {load_at_start:.1f}): its CPU time alone would allow "
                  f"{cores() / default_timing.cpu_per_doc:.1f} posts/s; measure again on an idle machine")
        bars[f"at least {TARGET_POSTS_PER_SECOND} clinic-length posts/s"] = rate >= TARGET_POSTS_PER_SECOND
    if args.abstractive:
        print(measure_abstractive(args, articles, references, scorer))
    print("bars: " + "; ".join(f"{bar}: {'met' if met else 'MISSED'}" for bar, met in bars.items()))
    return 0 if all(bars.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
