"""Real clinic writing, labelled by hand: the development sets of the relevance, mentions and
summary benchmarks (issue 13 and 14).

What is committed (bench/data/): each item's URL, its label and a one-line reason written
before any rule of clinicwatch saw the item, and its split (SPLITS, reported in that order):
- `heldout4`, `heldout3`: collected in session 4 by a fourth and a third labeller, English,
  mostly on sites not used before; labelled before any rule ran.
- `heldout2`: collected in session 4 by a second labeller after the session-3 rules were
  written (relevance: 56 of its 173 texts are not in English, kind suffixed -non-english).
- `heldout`: a third of the first collection, chosen by a hash of the URL before labelling.
- `dev`: the rest of the first collection.
Which splits each bench tuned on is TUNED_ON; the others are its held-out splits, never looked
at while tuning, and the issues' bars are read on them (held_out()). Sentences (mentions) and
marked claim sentences (summaries) are named by the SHA-1 of their text with whitespace folded,
never by their words: third-party text is not copied into this repository.

What is not committed: the texts. They live in a local cache (bench/cache/, gitignored;
$CLINICWATCH_BENCH_CACHE to put it elsewhere), one JSON object per URL. The benches read it
when it is there and say so when it is not. The cache shipped to the team was made from
stored public copies of the pages (their first ~2,000 characters); `python -m bench.realdata
fetch` rebuilds it from the live pages (clinicwatch's extractor, the same first 2,000
characters), where the network allows. Pages that changed since they were labelled may no
longer carry their labelled sentences: those are counted as missing, not scored.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"
RELEVANCE_CSV = DATA / "real-relevance.csv"
MENTIONS_CSV = DATA / "real-mentions.csv"
SUMMARIES_CSV = DATA / "real-summaries.csv"
EXCERPT_CHARS = 2000
# Each split and where it came from, in the order the benches report them.
SPLITS = {
    "heldout6": "sixth labeller, new sites",
    "heldout5": "fifth labeller, new sites",
    "heldout4": "fourth labeller, new sites",
    "heldout3": "third labeller, new sites",
    "heldout2": "second labeller",
    "heldout": "first collection, held-out third",
    "dev": "first collection",
}
# The splits each real set's rules were tuned on: `heldout` since session 4 (its aggregates had
# been reported four times); the mentions rules, the relevance rules and the summarizer also on
# `heldout2` (mentions-6, relevance-4, summaries round 4), each after it was scored once as a
# held-out set; the mentions rules and the summarizer also on `heldout3` (mentions-8, summaries
# round 5), after it was scored as held out (mentions twice, summaries twice). Session 5 tunes
# every bench on `heldout4` too, and relevance on `heldout3`, each scored as held out before
# (relevance heldout3 three times, the others once or twice, aggregates only), then on `heldout5`
# after it was scored as held out (twice: with the rules before and after that round).
# Who labelled each split: the unit of bench/relevance_cv.py's leave-one-labeller-out estimate (each new
# labeller's set scored as held out read 0.04-0.1 lower than the sets tuned on).
LABELLERS = {"dev": "first", "heldout": "first", "heldout2": "second", "heldout3": "third", "heldout4": "fourth",
             "heldout5": "fifth", "heldout6": "sixth"}
TUNED_ON = {
    "relevance": {"dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5"},
    "summaries": {"dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5"},
    "mentions": {"dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5"},
}


def held_out(bench: str) -> list[str]:
    """The splits of a real set never looked at while its rules were tuned, newest first."""
    return [split for split in SPLITS if split not in TUNED_ON[bench]]


def split_label(bench: str, split: str) -> str:
    return f"{split} ({SPLITS[split]}; {'tuned on' if split in TUNED_ON[bench] else 'held out'})"


def split_groups(bench: str, tuning_only: bool = False) -> list[tuple[str, set[str], bool]]:
    """What a real-set bench reports, in order: (name, splits, is_the_bar). The held-out splits
    together first (the issues' bars are read there), then each split; with `tuning_only`, only the
    splits tuned on, so a tuning run does not even compute the held-out ones."""
    held = held_out(bench)
    together = [] if tuning_only or not held else [("held out together: " + " + ".join(held), set(held), True)]
    return together + [(split_label(bench, split), {split}, False) for split in SPLITS
                       if not (tuning_only and split in held)]


def cache_dir() -> Path:
    return Path(os.environ.get("CLINICWATCH_BENCH_CACHE") or Path(__file__).parent / "cache")


def url_key(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def split_of(url: str) -> str:
    """A third of the pages held out, by a hash of the URL fixed before any labelling."""
    return "heldout" if int(hashlib.sha1(url.encode("utf-8")).hexdigest()[:8], 16) % 3 == 0 else "dev"


def sentence_key(sentence: str) -> str:
    return hashlib.sha1(" ".join(sentence.split()).encode("utf-8")).hexdigest()[:16]


def cached_text(url: str) -> str | None:
    path = cache_dir() / f"{url_key(url)}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["text"]


def store_text(url: str, text: str, source: str) -> None:
    cache_dir().mkdir(parents=True, exist_ok=True)
    (cache_dir() / f"{url_key(url)}.json").write_text(
        json.dumps({"url": url, "source": source, "text": text}, ensure_ascii=False), encoding="utf-8")


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def missing_texts(rows: list[dict]) -> list[str]:
    return sorted({row["url"] for row in rows if cached_text(row["url"]) is None})


def require_cache(rows: list[dict], name: str) -> bool:
    """True when every text is cached; else prints what to do and returns False."""
    missing = missing_texts(rows)
    if missing:
        print(f"{name}: {len(missing)} of {len({r['url'] for r in rows})} texts are not in {cache_dir()}; "
              "run `python -m bench.realdata fetch` (needs the network) to rebuild the cache", file=sys.stderr)
    return not missing


def labelled_sentences(text: str, keys: set[str]) -> dict[str, str]:
    """The text's sentences (clinicwatch's splitter, and a line as a whole) whose key is in `keys`."""
    from pipeline.sentences import split_sentences

    found = {}
    candidates = [s.text for s in split_sentences(text)] + text.splitlines()
    for candidate in candidates:
        key = sentence_key(candidate)
        if key in keys:
            found[key] = candidate
    return found


def fetch(urls: list[str]) -> int:
    """Rebuild the cache from the live pages (network needed)."""
    import urllib.request

    from pipeline.extract import extract_page

    failed = 0
    for number, url in enumerate(urls, 1):
        try:
            request = urllib.request.Request(url, headers={"User-Agent": "clinicwatch-bench/0.1"})
            with urllib.request.urlopen(request, timeout=30) as response:
                page = extract_page(response.read(), url)
            store_text(url, page.text[:EXCERPT_CHARS], "fetched")
            print(f"[{number}/{len(urls)}] {url}", file=sys.stderr)
        except Exception as exc:  # one dead page must not stop the rebuild
            failed += 1
            print(f"[{number}/{len(urls)}] {url}: {type(exc).__name__}: {exc}", file=sys.stderr)
    return failed


def all_urls() -> list[str]:
    urls: list[str] = []
    for path in (RELEVANCE_CSV, MENTIONS_CSV, SUMMARIES_CSV):
        if path.exists():
            urls += [row["url"] for row in read_rows(path)]
    return sorted(set(urls))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("status", help="how many texts of each set are cached")
    sub.add_parser("fetch", help="rebuild the cache from the live pages (network needed)")
    args = parser.parse_args(argv)
    if args.command == "status":
        for path in (RELEVANCE_CSV, MENTIONS_CSV, SUMMARIES_CSV):
            rows = read_rows(path)
            urls = {row["url"] for row in rows}
            print(f"{path.name}: {len(rows)} rows, {len(urls)} pages, {len(urls) - len(set(missing_texts(rows)))} cached")
        return 0
    return 1 if fetch([url for url in all_urls() if cached_text(url) is None]) else 0


if __name__ == "__main__":
    sys.exit(main())
