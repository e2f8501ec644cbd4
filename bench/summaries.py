"""Benchmark: the extractive summarizer against lead-3 on 100 CNN/DailyMail articles.

ROUGE-1/2/L F1 (x100, rouge-score with stemming) against the human highlights, both
systems at 3 sentences in the same run, and the summarizer's speed in documents per
second (model loading excluded). The articles are news, not clinic posts, but their
references were written by people. Speed on clinic-length texts is measured on the
clinic press releases in shared/ (about 430 words each), summarized as the batch runner does.

Needs bench/requirements.txt (rouge-score). Run: python -m bench.summaries [--cnndm FILE] [--posts DIR]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

from summaries.embeddings import SentenceEncoder
from summaries.extractive import ExtractiveSummarizer
from summaries.sentences import split_sentences

# shared/ sits beside the repository's checkout.
SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_CNNDM = SHARED / "benchmarks" / "summaries" / "cnndm-100.csv"
DEFAULT_POSTS = SHARED / "corpus" / "press-releases"
METRICS = ("rouge1", "rouge2", "rougeL")


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


def timed_summaries(summarizer: ExtractiveSummarizer, texts: list[str], batch_size: int) -> tuple[list[str], float]:
    """Summaries in batches as the batch runner makes them, and documents per second."""
    started = time.perf_counter()
    summaries: list[str] = []
    for start in range(0, len(texts), batch_size):
        summaries.extend(summarizer.summarize_many(texts[start:start + batch_size]))
    return summaries, len(texts) / (time.perf_counter() - started)


def format_table(rows: list[tuple[str, dict[str, float], float | None]]) -> str:
    width = max(len(name) for name, _, _ in rows)
    lines = [f"{'system':<{width}} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'docs/s':>8}"]
    for name, scores, speed in rows:
        rate = f"{speed:8.1f}" if speed is not None else ""
        lines.append(f"{name:<{width}} " + " ".join(f"{scores[m]:8.1f}" for m in METRICS) + f" {rate}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.summaries", description=__doc__.splitlines()[0])
    parser.add_argument("--cnndm", type=Path, default=DEFAULT_CNNDM, help="CSV with article and highlights columns")
    parser.add_argument("--posts", type=Path, default=DEFAULT_POSTS, help="folder of clinic-length .md texts, for speed")
    parser.add_argument("--sentences", type=int, default=3, help="sentences per summary, for both systems")
    parser.add_argument("--model", default=None, help="model directory or id (default: the bundled all-MiniLM-L6-v2)")
    parser.add_argument("--batch-size", type=int, default=16, help="posts per summarize_many call")
    return parser.parse_args(argv)


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
    articles, references = zip(*load_articles(args.cnndm))
    summarizer = ExtractiveSummarizer(
        SentenceEncoder(args.model), min_sentences=args.sentences, max_sentences=args.sentences
    )
    summarizer.encoder.encode(["Warm-up, so one-off start-up costs stay out of the timing."])
    ours, docs_per_second = timed_summaries(summarizer, list(articles), args.batch_size)
    leads = [lead(article, args.sentences) for article in articles]
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    print(f"{len(articles)} articles from {args.cnndm}, {args.sentences} sentences per summary")
    print(format_table([
        (f"lead-{args.sentences}", mean_f1(scorer, leads, list(references)), None),
        (f"extractive ({summarizer.model.rsplit('/', 1)[-1]})", mean_f1(scorer, ours, list(references)), docs_per_second),
    ]))
    posts = load_posts(args.posts) if args.posts.is_dir() else []
    if posts:
        clinic = ExtractiveSummarizer(summarizer.encoder)
        _, posts_per_second = timed_summaries(clinic, posts, args.batch_size)
        words = sum(len(post.split()) for post in posts) / len(posts)
        print(f"clinic-length posts ({len(posts)} from {args.posts}, {words:.0f} words on average, "
              f"default 2-4 sentences): {posts_per_second:.1f} posts/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
