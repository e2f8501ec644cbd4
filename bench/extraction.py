"""Main-text extraction on the article-extraction benchmark: ours against plain trafilatura.

Scoring follows the benchmark's README: texts become multisets of 4-token shingles over
\\w+ tokens; per page tp/fp/fn are divided by tp+fp+fn; precision and recall are means over
pages (1 when there is nothing to miss), F1 comes from the two means, and accuracy is the
share of pages whose token lists are identical.

Speed: every extractor reads the same raw bytes, and the extractors take turns page by
page, so a machine shared with other work slows them alike; each first reads a few pages
untimed (imports, caches, lazily loaded word lists).

The pages are split in two halves by the SHA-1 of their key (even last hex digit: "dev",
odd: "held-out"), fixed before any page was looked at: tuning looks at the dev half only
(--worst lists dev pages only); the held-out half says whether a gain transfers.

    python -m bench.extraction [--dataset DIR] [--worst N] [--half dev]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import platform
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from pipeline.extract import extract_page

# shared/ sits beside the repository's checkout
DEFAULT_DATASET = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "article-extraction"
SHINGLE_SIZE = 4
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class PageScore:
    key: str
    precision: float | None  # None when nothing was predicted or expected: the page has no say
    recall: float | None
    exact: bool

    @property
    def f1(self) -> float:
        precision, recall = self.precision or 0.0, self.recall or 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True)
class Summary:
    precision: float
    recall: float
    f1: float
    accuracy: float
    docs_per_second: float


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(words: list[str]) -> Counter:
    if len(words) < SHINGLE_SIZE:
        # A text shorter than a shingle is one short shingle, so it is still compared.
        return Counter([tuple(words)] if words else [])
    return Counter(tuple(words[i : i + SHINGLE_SIZE]) for i in range(len(words) - SHINGLE_SIZE + 1))


def score_page(key: str, predicted: str, expected: str) -> PageScore:
    predicted_words, expected_words = tokens(predicted), tokens(expected)
    predicted_shingles, expected_shingles = shingles(predicted_words), shingles(expected_words)
    tp = sum((predicted_shingles & expected_shingles).values())
    fp = sum((predicted_shingles - expected_shingles).values())
    fn = sum((expected_shingles - predicted_shingles).values())
    # The README divides tp, fp and fn by tp+fp+fn first; that cancels out of tp/(tp+fp)
    # and tp/(tp+fn), so the raw counts give the same figures.
    precision = (tp / (tp + fp) if tp + fp else None) if fp or fn else 1.0
    recall = (tp / (tp + fn) if tp + fn else None) if fp or fn else 1.0
    return PageScore(key, precision, recall, predicted_words == expected_words)


def summarise(scores: list[PageScore], seconds: float) -> Summary:
    precisions = [s.precision for s in scores if s.precision is not None]
    recalls = [s.recall for s in scores if s.recall is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(s.exact for s in scores) / len(scores) if scores else 0.0
    return Summary(precision, recall, f1, accuracy, len(scores) / seconds if seconds else 0.0)


def _read_gz(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def load_pages(dataset: Path) -> list[tuple[str, bytes, str, str | None]]:
    """(key, raw HTML, expected body, url) of every page with a ground truth."""
    truth = json.loads((dataset / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        (key, _read_gz(dataset / "html" / f"{key}.html.gz"), entry["articleBody"], entry.get("url"))
        for key, entry in sorted(truth.items())
    ]


DEV, HELD_OUT = "dev", "held-out"


def half(key: str) -> str:
    """The page's half of the benchmark, from its key alone (see the module's docstring)."""
    return DEV if int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % 2 == 0 else HELD_OUT


Extractor = Callable[[bytes, str | None], str]
WARM_UP_PAGES = 5


def run(extractors: dict[str, Extractor], pages: list) -> dict[str, list[tuple[PageScore, float]]]:
    """Every extractor on every page, taking turns page by page; (score, seconds) of each
    page, by extractor name."""
    for _key, html, _expected, url in pages[:WARM_UP_PAGES]:
        for extract in extractors.values():
            extract(html, url)
    results: dict[str, list[tuple[PageScore, float]]] = {name: [] for name in extractors}
    for key, html, expected, url in pages:
        for name, extract in extractors.items():
            started = time.perf_counter()
            predicted = extract(html, url)
            seconds = time.perf_counter() - started
            results[name].append((score_page(key, predicted, expected), seconds))
    return results


def summary_of(page_results: list[tuple[PageScore, float]], keys: set[str] | None = None) -> Summary:
    """The summary over the pages whose keys are given (all of them without keys)."""
    chosen = [(score, seconds) for score, seconds in page_results if keys is None or score.key in keys]
    return summarise([score for score, _ in chosen], sum(seconds for _, seconds in chosen))


def ours(html: bytes, url: str | None) -> str:
    return extract_page(html, url).text


def plain_trafilatura(html: bytes, url: str | None) -> str:
    return trafilatura.extract(html) or ""


def trafilatura_with_our_settings(html: bytes, url: str | None) -> str:
    """trafilatura as extract_page calls it, without our chrome pass: tells that pass's gain."""
    return trafilatura.extract(html, url=url, fast=True, favor_recall=True, include_comments=False) or ""


MIN_F1 = 0.965
MIN_SPEEDUP = 1.5
OURS = "clinicwatch extract_page"
REFERENCE = "trafilatura.extract"
EXTRACTORS: dict[str, Extractor] = {
    OURS: ours,
    REFERENCE: plain_trafilatura,
    "  same settings as ours": trafilatura_with_our_settings,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dataset", type=Path, default=DEFAULT_DATASET, help="benchmark folder (ground-truth.json, html/)"
    )
    parser.add_argument("--worst", type=int, default=10, help="how many of our worst dev pages to list")
    parser.add_argument("--half", choices=[DEV, HELD_OUT], help="run on this half only")
    args = parser.parse_args(argv)
    if not (args.dataset / "ground-truth.json").is_file():
        parser.error(f"{args.dataset}: no ground-truth.json")
    pages = [page for page in load_pages(args.dataset) if args.half in (None, half(page[0]))]
    halves = {name: {key for key, *_ in pages if half(key) == name} for name in (HELD_OUT, DEV)}
    print(f"article-extraction: {len(pages)} pages from {args.dataset} "
          f"({len(halves[HELD_OUT])} held-out, {len(halves[DEV])} dev, split by sha1(key))")
    print(f"machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
          f"trafilatura {trafilatura.__version__}")
    results = run(EXTRACTORS, pages)
    summaries: dict[str, dict[str, Summary]] = {}
    print(f"{'half':<10}{'extractor':<26}{'F1':>7}{'P':>7}{'R':>7}{'acc':>7}{'docs/s':>9}")
    for part, keys in [*halves.items(), ("all", None)]:
        if keys is not None and not keys:
            continue
        for name, page_results in results.items():
            summary = summaries.setdefault(part, {})[name] = summary_of(page_results, keys)
            print(
                f"{part:<10}{name:<26}{summary.f1:>7.3f}{summary.precision:>7.3f}{summary.recall:>7.3f}"
                f"{summary.accuracy:>7.3f}{summary.docs_per_second:>9.1f}"
            )
    whole = summaries["all"]
    speedup = whole[OURS].docs_per_second / whole[REFERENCE].docs_per_second
    print(f"speed: {speedup:.2f}x {REFERENCE}")
    urls = {key: url for key, _html, _expected, url in pages}
    # The held-out half's pages are never listed: looking at them would make them dev pages.
    worst = sorted((score for score, _ in results[OURS] if score.key in halves[DEV]), key=lambda s: s.f1)
    print(f"\nour {args.worst} worst dev pages (F1, P, R, key, url):")
    for score in worst[: args.worst]:
        print(f"  {score.f1:.3f} {score.precision or 0:.3f} {score.recall or 0:.3f}  {score.key[:16]}  {urls[score.key]}")
    bars = {f"F1 >= {MIN_F1}": whole[OURS].f1 >= MIN_F1, f"speed >= {MIN_SPEEDUP}x": speedup >= MIN_SPEEDUP}
    for part in summaries:
        bars[f"F1 > {REFERENCE} ({part})"] = summaries[part][OURS].f1 > summaries[part][REFERENCE].f1
    print("bars: " + "; ".join(f"{bar}: {'met' if met else 'MISSED'}" for bar, met in bars.items()))
    return 0 if all(bars.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
