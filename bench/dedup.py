"""Duplicate detection: pair precision and recall on labelled pairs, and index time and memory at scale.

1. Natural pairs: the press releases of ../shared/corpus/press-releases that were published
   twice (one release on two newswires, one republished weeks later) against the pairs that
   look alike only through shared "About" and disclaimer sections, listed by path in
   bench/data/dedup-pairs.csv (no text of them is in this repository). Every other pair of
   the corpus is a pair of different releases.
2. Generated copies of our fixture posts and of the corpus texts: reformatted exact copies,
   syndicated copies (names swapped, a first sentence of their own), republished copies (a
   new intro), copies with a paragraph dropped, syndicated copies with a paragraph dropped,
   and each source with a publisher's long About/disclaimer tail, the same tail for a third
   of the sources (so different posts sharing a tail are the hard negatives). Pairs are
   scored over every pair of the pool: a pair is a duplicate when both come from one source.
3. URL variants (tracking parameters, AMP, fragments) of the fixture posts' URLs collapse
   to one URL with pipeline.urls.normalize_url.
4. Scale: duplicate_heads over 100,000 and 1,000,000 generated signatures (10% near copies,
   2% exact copies), each in a fresh process, time and peak resident memory; and end to end
   over 20,000 texts (signatures included).

Each is measured beside the reference: the previous design (the whole text's signature
indexed by datasketch's MinHashLSH, one post at a time), in the same run.

    python -m bench.dedup [--corpus DIR] [--scales 100000,1000000] [--texts 20000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from clinicwatch.demo.sites import load_posts
from pipeline.dedup import (
    DUPLICATE_THRESHOLD,
    EMPTY_CONTENT_HASH,
    LSH_ROWS_PER_BAND,
    MINHASH_SCHEME,
    MINHASH_SEED,
    NUM_PERM,
    content_hash,
    duplicate_heads,
    head_sort_key,
    minhash_signature,
    near_duplicates,
    normalize_text,
)
from pipeline.publisher_sections import own_text
from pipeline.urls import normalize_url
from tests.fixtures.other_sites import CEDAR_RIDGE_POSTS, LUMEN_POSTS

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PAIRS = REPO / "bench" / "data" / "dedup-pairs.csv"
# shared/ sits beside the repository's checkout
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "press-releases"
# The bars of issue 5: pair precision and recall, and a million posts indexed in 5 minutes and 2 GB.
BAR_PAIRS = 0.95
BAR_MILLION_SECONDS = 300
BAR_MILLION_MB = 2048
_DATE_PATH = re.compile(r"/(\d{4})/(\d\d)(\d\d)/")
_HEADING_MARK = re.compile(r"^#+\s*", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}\b")

# Copies are generated of texts with at least this many words of their own: a copy of a 60-word
# newswire stub with a first sentence of its own keeps too little of it to be a near copy by any text
# measure. (Counted in the report.)
MIN_SOURCE_WORDS = 150
# What a syndicating clinic puts in place of the original's names: of other lengths, as real names are.
FAKE_NAMES = ["Willowbrook", "Ironwood Mind Institute", "Saltmarsh Ketamine & Wellness", "Quillfield Health",
              "Brightwater", "Copperleaf Clinic", "Stonegate Psychiatry Partners", "Marrowdale", "Fernhollow Wellness",
              "Ashcombe", "Larkspur Infusion Center", "Tidewell"]
OPENINGS = [
    "Every week someone asks us the question this post answers.",
    "We wrote this for the patients and families who call our front desk.",
    "Here is what our physicians tell people who are new to this subject.",
]
INTROS = [
    "Editor's note: we first published this last year. It is shared again, lightly edited, because readers "
    "keep asking about it, and a list of sources follows at the end for anyone who wants to read further.",
    "From our archive: one of the most read pieces on our site, brought back for our newsletter readers this "
    "month with a few small corrections and updated contact details.",
]
# Three fictional publishers' closing sections, long like real ones, each shared by a third of the sources.
PUBLISHER_TAILS = [
    """About Northgate Health Partners

Northgate Health Partners operates outpatient psychiatry clinics in four states, offering medication
management, ketamine infusions, esketamine nasal spray under its REMS program and psychotherapy. Its
clinicians believe treatment works best when patients understand the science of neuroplasticity and take an
active part in their care. Northgate accepts most commercial insurance plans and offers payment plans.

Forward-Looking Statements

This article contains forward-looking statements about future events, including the opening of new clinics,
the availability of treatments and expected results. Such statements involve risks and uncertainties, and
actual results may differ materially. Readers should not place undue reliance on them; Northgate undertakes no
obligation to update them except as required by law.""",
    """About the Meridian Wire

The Meridian Wire distributes news from healthcare companies to more than four thousand outlets, reaching
investors, clinicians, journalists and the public. Its editors select stories on new treatments, clinical
research and the business of medicine, and its network of partner sites republishes them within the hour.
For more information, terms of use and disclaimers applicable to all content the Meridian Wire provides,
wherever published or republished, please visit its website.

Disclaimer

This content is for informational purposes only and is not medical or investment advice. Always consult a
qualified professional before making decisions about your health or your investments.""",
    """About Clearwater Mind Clinics

Clearwater Mind Clinics is a network of interventional psychiatry practices treating depression, PTSD,
anxiety and chronic pain with ketamine therapy, transcranial magnetic stimulation and integration counseling.
Founded by anesthesiologists and psychiatrists, Clearwater has treated more than ten thousand patients and
partners with universities on research into how these treatments change the brain's connections.

Media Contact

Clearwater Communications Office, press inquiries answered on weekdays.""",
]


@dataclass
class Post:
    origin: str  # posts with one origin are copies of each other
    kind: str  # source, or the kind of generated copy
    text: str
    published_at: str | None


@dataclass(frozen=True)
class PairScores:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


# --- the two designs measured side by side ---------------------------------------------------------------


def whole_text_signature(text: str) -> bytes:
    """The previous signature: MinHash of the whole text's word 5-shingles, names and publisher sections included."""
    words = re.findall(r"\w+", normalize_text(text))
    shingles = {" ".join(words[i:i + 5]) for i in range(max(1, len(words) - 4))} if words else set()
    sketch = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    sketch.update_batch(shingle.encode("utf-8") for shingle in shingles)
    return sketch.hashvalues.astype("<u4").tobytes()


def datasketch_heads(posts: Iterable[Mapping], threshold: float = DUPLICATE_THRESHOLD) -> dict[int, int | None]:
    """The previous index, the reference: datasketch MinHashLSH, one query and one insert per post."""
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(NUM_PERM // LSH_ROWS_PER_BAND, LSH_ROWS_PER_BAND))
    parent: list[int] = []
    rows: list[Mapping] = []
    signatures: list[np.ndarray | None] = []
    row_by_hash: dict[str, int] = {}

    def find(row: int) -> int:
        while parent[row] != row:
            parent[row] = parent[parent[row]]
            row = parent[row]
        return row

    for post in posts:
        row = len(parent)
        parent.append(row)
        rows.append({key: post.get(key) for key in ("id", "published_at", "first_seen_at")})
        digest = post.get("content_hash")
        if digest and digest != EMPTY_CONTENT_HASH:
            if digest in row_by_hash:
                parent[find(row)] = find(row_by_hash[digest])
            else:
                row_by_hash[digest] = row
        values = np.frombuffer(post["minhash"], dtype="<u4").astype(np.uint32) if post.get("minhash") else None
        if values is not None and values.min() == np.iinfo(np.uint32).max:
            values = None
        signatures.append(values)
        if values is None:
            continue
        sketch = LeanMinHash(seed=MINHASH_SEED, hashvalues=values, scheme=MINHASH_SCHEME)
        for other in lsh.query(sketch):
            if np.count_nonzero(values == signatures[other]) / NUM_PERM >= threshold:
                parent[find(row)] = find(other)
        lsh.insert(row, sketch, check_duplication=False)
    head_of: dict[int, int] = {}
    for row in range(len(rows)):
        root = find(row)
        if root not in head_of or head_sort_key(rows[row]) < head_sort_key(rows[head_of[root]]):
            head_of[root] = row
    return {rows[row]["id"]: (None if head_of[find(row)] == row else rows[head_of[find(row)]]["id"])
            for row in range(len(rows))}


DESIGNS: list[tuple[str, Callable[[str], bytes], Callable]] = [
    ("clinicwatch (post's own text, numpy LSH)", minhash_signature, duplicate_heads),
    ("reference (whole text, datasketch LSH)", whole_text_signature, datasketch_heads),
]


def clusters(posts: list[Post], signature: Callable[[str], bytes], index: Callable) -> list[int]:
    """The cluster (its head's row) of every post."""
    rows = [{"id": row, "content_hash": content_hash(post.text), "minhash": signature(post.text),
             "published_at": post.published_at, "first_seen_at": f"2026-01-01T00:00:{row:06d}Z"}
            for row, post in enumerate(posts)]
    heads = index(rows)
    return [row if heads[row] is None else heads[row] for row in range(len(posts))]


def pair_scores(origins: list[str], predicted: list[int]) -> PairScores:
    """Pair counts over every pair of posts, from the contingency of clusters and origins."""
    def pairs(counts: Iterable[int]) -> int:
        return sum(n * (n - 1) // 2 for n in counts)
    together = pairs(Counter(zip(origins, predicted)).values())
    return PairScores(together, pairs(Counter(predicted).values()) - together,
                      pairs(Counter(origins).values()) - together)


# --- the texts --------------------------------------------------------------------------------------------


def press_releases(corpus: Path) -> dict[str, tuple[str, str]]:
    """path -> (text without its title line, publication date from the path)."""
    releases = {}
    for path in sorted(corpus.rglob("*.md")):
        if path.name == "README.md":
            continue
        key = str(path.relative_to(corpus))
        year, month, day = _DATE_PATH.search(f"/{key}").groups()
        releases[key] = (path.read_text(encoding="utf-8").partition("\n")[2], f"{year}-{month}-{day}")
    return releases


def labelled_pairs(path: Path) -> list[tuple[str, str, bool, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [(row["a"], row["b"], row["duplicate"] == "1", row["reason"]) for row in csv.DictReader(handle)]


def natural_origins(keys: list[str], pairs: list[tuple[str, str, bool, str]]) -> list[str]:
    """Each release's origin: the first release of its labelled duplicate pairs, else itself."""
    origin = {key: key for key in keys}
    for a, b, duplicate, _ in pairs:
        if duplicate:
            origin[b] = origin[a]
    return [origin[key] for key in keys]


def fixture_sources() -> list[Post]:
    """Our fixture posts; the demo sites' syndicated pair shares one origin."""
    posts = []
    for site in load_posts().values():
        for post in site.values():
            posts.append(Post(post.duplicate_group or post.slug, "source", _HEADING_MARK.sub("", post.body),
                              post.date.isoformat()))
    for post in LUMEN_POSTS + CEDAR_RIDGE_POSTS:
        posts.append(Post(post.slug, "source", _HEADING_MARK.sub("", post.body), post.date.isoformat()))
    return posts


def reformatted(text: str) -> str:
    """The same words rendered by another template: case, spacing and typography changed."""
    return "  " + text.upper().replace(" ", "  \u00a0").replace("'", "\u2019").replace("\n", "\r\n") + "\n"


def names_swapped(text: str, rng: random.Random) -> str:
    """The clinic's names (capitalised words never written in lower case, seen twice or more) swapped."""
    own = own_text(text)  # names of the post itself, not words of its publisher's section headings
    counts = Counter(_CAPITALISED.findall(own))
    names = [word for word, n in counts.most_common() if n >= 2 and word.lower() not in own][:3]
    for name in names:
        text = re.sub(rf"\b{name}\b", rng.choice(FAKE_NAMES), text)
    return text


def new_first_sentence(text: str, rng: random.Random) -> str:
    """The text with its first sentence replaced by an opening of the copy's own."""
    parts = _SENTENCE_END.split(text.strip(), maxsplit=1)
    return f"{rng.choice(OPENINGS)} {parts[1]}" if len(parts) == 2 else text


def paragraph_dropped(text: str) -> str | None:
    """The text without its middle paragraph, when that paragraph is at most a quarter of the words."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    if len(paragraphs) < 4:
        return None
    middle = len(paragraphs) // 2
    if len(paragraphs[middle].split()) > len(text.split()) / 4:
        return None
    return "\n\n".join(paragraphs[:middle] + paragraphs[middle + 1:])


def generated_pool(sources: list[Post], seed: int = 7) -> list[Post]:
    """Sources and their generated copies (see the module docstring)."""
    rng = random.Random(seed)
    pool = list(sources)
    for number, source in enumerate(sources):
        text, origin = source.text, source.origin
        later = f"{source.published_at or '2025-01-01'}T"  # copies come after their source
        syndicated = new_first_sentence(names_swapped(text, rng), rng)
        copies = [
            ("reformatted copy", reformatted(text)),
            ("syndicated: names swapped, new first sentence", syndicated),
            ("republished with a new intro", f"{rng.choice(INTROS)}\n\n{text}"),
            ("paragraph dropped", paragraph_dropped(text)),
            ("syndicated and a paragraph dropped", paragraph_dropped(syndicated)),
            ("with a publisher's About/disclaimer tail", f"{text}\n\n{PUBLISHER_TAILS[number % len(PUBLISHER_TAILS)]}"),
        ]
        pool += [Post(origin, kind, copy, later) for kind, copy in copies if copy]
    return pool


def url_variants(url: str) -> list[str]:
    host = url.split("/")[2]
    return [f"{url}?utm_source=newsletter&utm_medium=email", f"{url}?fbclid=IwAR0abc", f"{url}#comments",
            f"{url}amp/", f"{url}?amp=1", url.replace(host, f"amp.{host}"), url.replace(host, host.upper()),
            f"{url}?gclid=xyz&utm_campaign=spring"]


# --- scale ------------------------------------------------------------------------------------------------


def generated_signatures(n: int, seed: int = 1, chunk: int = 10_000) -> Iterator[dict]:
    """n posts as duplicate_heads reads them from the database: 10% near copies (85% of values shared with an
    earlier post), 2% exact copies; made a chunk at a time so the generator holds little memory."""
    rng = np.random.default_rng(seed)
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        values = rng.integers(0, 2**32 - 1, size=(size, NUM_PERM), dtype=np.uint32)
        digests = [f"{start + i:064x}" for i in range(size)]
        kinds = rng.random(size)
        sources = rng.integers(0, np.arange(size) + 1)
        for i in range(1, size):
            if kinds[i] < 0.10:
                values[i] = np.where(rng.random(NUM_PERM) < 0.85, values[sources[i] % i], values[i])
            elif kinds[i] < 0.12:
                values[i], digests[i] = values[sources[i] % i], digests[sources[i] % i]
        for i in range(size):
            yield {"id": start + i, "content_hash": digests[i], "minhash": values[i].astype("<u4").tobytes(),
                   "published_at": None, "first_seen_at": f"2026-01-01T00:00:00.{start + i:07d}Z"}


def index_worker(n: int, design: str) -> dict:
    """Run in a fresh process: index n generated posts, report seconds and peak memory."""
    index = duplicate_heads if design == "clinicwatch" else datasketch_heads
    started = time.perf_counter()
    for _ in generated_signatures(n):
        pass
    generating = time.perf_counter() - started
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu_started = time.perf_counter(), time.process_time()
    heads = index(generated_signatures(n))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"posts": n, "seconds": seconds, "generating": generating, "cpu": cpu,
            "peak_mb": peak, "baseline_mb": baseline, "copies": sum(head is not None for head in heads.values())}


def measure_in_subprocess(n: int, design: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.dedup", "--index-worker", str(n), "--design", design],
                         capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def realistic_texts(sources: list[Post], n: int, seed: int = 11) -> list[Post]:
    """n texts of 12-20 sentences drawn from the source texts (distinct posts on the same topics, sharing a
    sentence now and then), 10% of them generated copies of an earlier one."""
    rng = random.Random(seed)
    # Sentences of the sources' own texts: a publisher's disclaimer in the middle of a generated text would
    # make a text no publisher writes.
    sentences = [s for post in sources for s in _SENTENCE_END.split(own_text(post.text)) if len(s.split()) >= 6]
    texts: list[Post] = []
    while len(texts) < n:
        if texts and rng.random() < 0.10:
            source = rng.choice(texts)
            edit = rng.choice([lambda t: f"{rng.choice(INTROS)}\n\n{t}", lambda t: names_swapped(t, rng),
                               lambda t: paragraph_dropped(t) or t, reformatted])
            texts.append(Post(source.origin, "copy", edit(source.text), "2026-01-02"))
            continue
        chosen = rng.sample(sentences, rng.randint(12, 20))
        paragraphs = [" ".join(chosen[i:i + 4]) for i in range(0, len(chosen), 4)]
        texts.append(Post(f"t{len(texts)}", "source", "\n\n".join(paragraphs), "2026-01-01"))
    return texts


# --- report -----------------------------------------------------------------------------------------------


def machine() -> str:
    return f"{os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}"


def report_natural(corpus: Path, pairs_file: Path) -> PairScores:
    releases = press_releases(corpus)
    keys = list(releases)
    pairs = labelled_pairs(pairs_file)
    origins = natural_origins(keys, pairs)
    posts = [Post(origin, "source", text, date) for origin, (text, date) in zip(origins, releases.values())]
    positives = sum(duplicate for *_, duplicate, _ in pairs)
    print(f"\n1. natural pairs: {len(keys)} press releases, {len(keys) * (len(keys) - 1) // 2:,} pairs, "
          f"{positives} republished pairs and {len(pairs) - positives} labelled look-alikes ({pairs_file.name})")
    print(f"   {'design':<44}{'P':>7}{'R':>7}{'P labelled':>12}{'R labelled':>12}")
    position = {key: row for row, key in enumerate(keys)}
    for number, (name, signature, index) in enumerate(DESIGNS):
        predicted = clusters(posts, signature, index)
        all_pairs = pair_scores(origins, predicted)
        same = [(predicted[position[a]] == predicted[position[b]], duplicate) for a, b, duplicate, _ in pairs]
        labelled = PairScores(sum(p and d for p, d in same), sum(p and not d for p, d in same),
                              sum(d and not p for p, d in same))
        print(f"   {name:<44}{all_pairs.precision:>7.3f}{all_pairs.recall:>7.3f}"
              f"{labelled.precision:>12.3f}{labelled.recall:>12.3f}   ({all_pairs.fp} pairs wrongly linked, "
              f"{all_pairs.fn} missed)")
        if number == 0:
            ours = all_pairs
            for a, b, duplicate, reason in pairs:
                if (predicted[position[a]] == predicted[position[b]]) != duplicate:
                    print(f"      {'missed' if duplicate else 'wrongly linked'}: {a}  {b}  ({reason})")
    return ours


def report_generated(corpus: Path, pairs_file: Path) -> tuple[list[Post], PairScores]:
    releases = press_releases(corpus)
    origins = natural_origins(list(releases), labelled_pairs(pairs_file))
    sources = fixture_sources() + [Post(origin, "source", text, date)
                                   for origin, (text, date) in zip(origins, releases.values())]
    long = [s for s in sources if len(own_text(s.text).split()) >= MIN_SOURCE_WORDS]
    short = [s for s in sources if len(own_text(s.text).split()) < MIN_SOURCE_WORDS]
    # The short texts stay in the pool as posts that must not join anything.
    pool = generated_pool(long) + short
    kinds = Counter(post.kind for post in pool)
    print(f"\n2. generated copies of the {len(long)} sources with {MIN_SOURCE_WORDS}+ words of their own (the "
          f"other {len(short)} are in the pool uncopied): {len(pool)} posts, {len(pool) * (len(pool) - 1) // 2:,} pairs")
    print(f"   {'design':<44}{'P':>7}{'R':>7}")
    found_by_kind, ours = {}, None
    for name, signature, index in DESIGNS:
        predicted = clusters(pool, signature, index)
        scores = pair_scores([p.origin for p in pool], predicted)
        ours = ours or scores
        print(f"   {name:<44}{scores.precision:>7.3f}{scores.recall:>7.3f}   ({scores.fp} pairs wrongly linked, "
              f"{scores.fn} missed)")
        cluster_of_origin = {p.origin: c for p, c in zip(pool, predicted) if p.kind == "source"}
        found_by_kind[name] = Counter(p.kind for p, c in zip(pool, predicted)
                                      if p.kind != "source" and c == cluster_of_origin[p.origin])
    # Direct: the copy's own signature agrees with its source's on enough values, without help from
    # other copies (clusters are transitive) or from equal content hashes.
    first_source = {}
    for post in pool:
        first_source.setdefault(post.origin, post)
    direct = Counter(p.kind for p in pool if p.kind != "source"
                     and near_duplicates(first_source[p.origin].text, p.text) >= DUPLICATE_THRESHOLD)
    print("   copies in their source's cluster, by kind of copy (clinicwatch, reference; clinicwatch direct):")
    for kind, total in kinds.items():
        if kind != "source":
            found = "  ".join(f"{found_by_kind[name][kind]:>4}/{total}" for name, *_ in DESIGNS)
            print(f"     {kind:<46}{found}   {direct[kind]:>4}/{total}")
    short_pool = generated_pool(short)
    print(f"   for reference, the same copies of the {len(short)} shorter texts (newswire stubs of 50-150 words):")
    for name, signature, index in DESIGNS:
        scores = pair_scores([p.origin for p in short_pool], clusters(short_pool, signature, index))
        print(f"   {name:<44}{scores.precision:>7.3f}{scores.recall:>7.3f}")
    return sources, ours


def report_urls() -> None:
    urls = [f"https://{site}.example/blog/{post.slug}/" for site, posts in load_posts().items() for post in posts.values()]
    variants = [(url, variant) for url in urls for variant in url_variants(url)]
    same = sum(normalize_url(variant) == normalize_url(url) for url, variant in variants)
    print(f"\n3. URL variants (tracking parameters, AMP, fragments, host case): {same}/{len(variants)} "
          f"normalize to their post's URL")


def report_scale(scales: list[int], reference_max: int) -> dict[int, dict]:
    ours = {}
    print("\n4. index time and peak memory (fresh process each; peak RSS includes the interpreter and imports)")
    print("   seconds: the whole duplicate_heads call, wall clock and CPU, reading the generated rows included (making"
          " them alone takes 'gen s')")
    print(f"   {'design':<44}{'posts':>10}{'seconds':>9}{'CPU s':>7}{'gen s':>7}{'µs/post':>9}{'peak MB':>9}"
          f"{'base MB':>9}{'copies':>9}")
    for n in scales:
        for design, label in (("clinicwatch", DESIGNS[0][0]), ("datasketch", DESIGNS[1][0])):
            if design == "datasketch" and n > reference_max:
                continue
            r = measure_in_subprocess(n, design)
            if design == "clinicwatch":
                ours[n] = r
            print(f"   {label:<44}{n:>10,}{r['seconds']:>9.1f}{r['cpu']:>7.1f}{r['generating']:>7.1f}"
                  f"{1e6 * r['seconds'] / n:>9.1f}"
                  f"{r['peak_mb']:>9.0f}{r['baseline_mb']:>9.0f}{r['copies']:>9,}")
    return ours


def report_end_to_end(sources: list[Post], n: int) -> None:
    texts = realistic_texts(sources, n)
    started, cpu_started = time.perf_counter(), time.process_time()
    rows = [{"id": row, "content_hash": content_hash(post.text), "minhash": minhash_signature(post.text),
             "published_at": post.published_at, "first_seen_at": f"2026-01-01T00:00:{row:06d}Z"}
            for row, post in enumerate(texts)]
    signing, signing_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(f"\n5. end to end over {n:,} texts ({sum(len(p.text.split()) for p in texts) // n} words on average, "
          f"{sum(p.kind == 'copy' for p in texts):,} copies)")
    print(f"   content_hash + minhash_signature: {signing:.1f} s wall, {signing_cpu:.1f} s CPU "
          f"({n / signing_cpu:,.0f} texts per CPU second)")
    origins = [p.origin for p in texts]
    for name, _, index in DESIGNS:
        started, cpu_started = time.perf_counter(), time.process_time()
        heads = index(rows)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        scores = pair_scores(origins, [row if heads[row] is None else heads[row] for row in range(n)])
        print(f"   {name:<44} index {seconds:6.2f} s wall, {cpu:6.2f} s CPU   pair P {scores.precision:.3f}"
              f"  R {scores.recall:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the press-releases folder")
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS, help="labelled natural pairs (CSV)")
    parser.add_argument("--scales", default="100000,1000000", help="comma-separated numbers of generated posts")
    parser.add_argument("--reference-max", type=int, default=100_000,
                        help="largest scale to run the (slow) reference index at")
    parser.add_argument("--texts", type=int, default=20_000, help="texts for the end-to-end run")
    parser.add_argument("--index-worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--design", default="clinicwatch", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.index_worker:
        print(json.dumps(index_worker(args.index_worker, args.design)))
        return 0
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus}: no such folder (pass --corpus)")
    print(f"dedup: threshold {DUPLICATE_THRESHOLD}, {NUM_PERM} permutations, "
          f"{NUM_PERM // LSH_ROWS_PER_BAND} bands of {LSH_ROWS_PER_BAND}; {machine()}")
    natural = report_natural(args.corpus, args.pairs)
    sources, generated = report_generated(args.corpus, args.pairs)
    report_urls()
    scale = report_scale([int(n) for n in args.scales.split(",") if n], args.reference_max)
    if args.texts:
        report_end_to_end(sources, args.texts)
    bars = [(f"natural and generated pairs: precision and recall >= {BAR_PAIRS}",
             min(natural.precision, natural.recall, generated.precision, generated.recall) >= BAR_PAIRS)]
    if 1_000_000 in scale:
        million = scale[1_000_000]
        bars.append((f"1,000,000 posts in under {BAR_MILLION_SECONDS} s and {BAR_MILLION_MB} MB",
                     million["seconds"] < BAR_MILLION_SECONDS and million["peak_mb"] < BAR_MILLION_MB))
    print()
    for bar, met in bars:
        print(f"bar: {bar}: {'met' if met else 'MISSED'}")
    return 0 if all(met for _, met in bars) else 1


if __name__ == "__main__":
    raise SystemExit(main())
