"""Exact and near-duplicate detection of post texts.

Exact copies: ``content_hash`` is the SHA-256 (hex) of ``normalize_text(text)``, so copies
that differ only in case, whitespace, typographic quotes or dash style hash alike.

Near copies (syndicated posts with the clinic's name swapped in, republished posts with a
new intro or a paragraph dropped, one press release on two newswires): a MinHash of the
word 5-shingles of the post's own text. Shingles are taken over the word tokens of the
normalized text (punctuation dropped), five words long because shorter shingles make
unrelated posts on the same topic share too many common phrases ("ketamine infusion therapy
for depression") and longer ones let every small edit break too many. Every capitalised
word (a clinic's, a city's or a person's name, mostly) is one placeholder token: a
franchise post that another clinic publishes with its own name and city in it is then the
same sequence of words.

"The post's own text" is ``pipeline.publisher_sections.own_text``: the trailing sections a
publisher repeats on every item ("About <Company>", forward-looking statements, contacts)
are left out. They are what made two different releases of one company look alike
(estimated Jaccard 0.6-0.67 over the whole text, for two releases that share no sentence of
their own) and what made one release on two newswires look different (0.3-0.46: each wire
appends its own long "About" section). Over the post's own text the first are 0.0-0.28 and
the second 0.78-0.97 (bench/dedup.py).

Signature format (the ``posts.minhash`` BLOB): ``num_perm`` hash values as little-endian
unsigned 32-bit integers, nothing else (128 values = 512 bytes). They are the values of datasketch's
``MinHash`` with the ``"affine32"`` permutation scheme, seed ``MINHASH_SEED`` and its default
SHA-1-based 32-bit shingle hash (its update step computed here in numpy), so they are identical
across processes and machines.
Signatures made with another seed, scheme or ``num_perm`` are not comparable.
A text with no words has the "empty" signature (every value 0xFFFFFFFF); it never matches
anything, because an empty set is not a copy of anything.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
import unicodedata
from array import array
from collections.abc import Iterable, Mapping

import numpy as np
from datasketch import MinHash
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .publisher_sections import own_text

SHINGLE_WORDS = 5
NUM_PERM = 128
MINHASH_SEED = 1
MINHASH_SCHEME = "affine32"
# Estimated Jaccard of the post's own text (bench/dedup.py): a syndicated copy (names swapped, a
# new first sentence) of a post of 150 words or more 0.79 and up, a new intro paragraph about 0.88,
# one release on two newswires 0.78-0.97, two posts on one topic 0.0; different releases of one
# company, once their shared "About" sections are left out, below 0.3.
DUPLICATE_THRESHOLD = 0.6
# LSH bands of 4 hash values (32 bands at 128 permutations): a pair at Jaccard 0.6 shares at
# least one band with probability 1 - (1 - 0.6**4)**32 = 0.988, at 0.7 0.9996. The extra
# candidates (23% of pairs at 0.3, almost none below) are dropped by comparing signatures.
LSH_ROWS_PER_BAND = 4
# Within one band bucket every member is compared with the next MAX_BUCKET_NEIGHBOURS members
# (in bucket order): all pairs of buckets up to that size, and still a connected chain for a
# bucket of thousands of identical signatures, without its million pairs.
MAX_BUCKET_NEIGHBOURS = 16
# Signature pairs compared per numpy step, to bound the memory of the comparison.
VERIFY_CHUNK = 1 << 16

_SIGNATURE_DTYPE = np.dtype("<u4")
_EMPTY_VALUE = np.iinfo(np.uint32).max
_NO_DATE = "9999-99-99"
_DIGEST_BYTES = 16

_TYPOGRAPHIC = str.maketrans({
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
})
_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
NAME_PLACEHOLDER = "\u2116"  # a character no word of a post is made of


def normalize_text(text: str) -> str:
    """Text as compared for exact copies: NFKC, casefolded, one quote and dash style, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHIC).casefold()
    return _WHITESPACE.sub(" ", text).strip()


def content_hash(text: str) -> str:
    """SHA-256 hex digest of the normalized text."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


EMPTY_CONTENT_HASH = content_hash("")


def word_shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """The set of k-word shingles of the text's words (see ``shingle_words``); fewer than k words are one shingle."""
    words = shingle_words(text)
    if len(words) <= k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def shingle_words(text: str) -> list[str]:
    """The text's word tokens, normalized as ``normalize_text`` does, every name as one placeholder.

    A name is a word with a capital and lower-case letters ("Portland", "NRx"; sentence-initial words
    too, in every copy alike): a syndicated post is the same post with another clinic's name and city,
    so names must not tell copies apart. Acronyms ("FDA", "BDNF") and lower-case words are kept.
    """
    tokens = _WORD.findall(unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHIC))
    return list(map(_shingle_token, tokens))


@functools.lru_cache(maxsize=1 << 16)
def _shingle_token(token: str) -> str:
    """A word token as shingles hold it; cached: posts repeat their words, and deciding each one
    again was a fifth of the signature's cost (issue 16)."""
    return NAME_PLACEHOLDER if _is_name(token) else token.casefold()


def _is_name(token: str) -> bool:
    return token[0].isupper() and any(c.islower() for c in token[1:])


def minhash_signature(text: str, num_perm: int = NUM_PERM) -> bytes:
    """MinHash of the word shingles of the post's own text, serialised as the module docstring says."""
    shingles = word_shingles(own_text(text))
    if not shingles:
        return _empty_signature(num_perm)
    # datasketch's MinHash.update_batch, its Python call per shingle (sha1_hash32) aside: the first 4
    # bytes of each shingle's SHA-1 as one little-endian array, the MurmurHash3 finaliser, then
    # a * h + b mod 2^32 for every permutation and the least of each column: 0.49 ms a generated
    # post against 0.80 (issue 16), the same values (tests/test_dedup.py compares them with datasketch's).
    sha1 = hashlib.sha1
    hashes = np.frombuffer(b"".join([sha1(shingle.encode("utf-8")).digest()[:4] for shingle in shingles]),
                           dtype=_SIGNATURE_DTYPE).astype(np.uint32)
    a, b = _permutations(num_perm)
    return (_fmix32(hashes)[:, np.newaxis] * a + b).min(axis=0).astype(_SIGNATURE_DTYPE).tobytes()


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, as datasketch's "affine32" scheme mixes each shingle hash."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


@functools.cache
def _empty_signature(num_perm: int) -> bytes:
    return MinHash(num_perm=num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME).hashvalues.astype(
        _SIGNATURE_DTYPE).tobytes()


@functools.cache
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The permutation parameters MinHash draws from MINHASH_SEED, drawn once per process: drawing
    them again for every post was a fifth of the cost of its signature, for the same values."""
    a, b = MinHash(num_perm=num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def signature_values(signature: bytes) -> np.ndarray:
    """The hash values of a stored signature."""
    return np.frombuffer(signature, dtype=_SIGNATURE_DTYPE).astype(np.uint32)


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Share of equal hash values: MinHash's estimate of the shingle sets' Jaccard similarity."""
    if _is_empty(a) or _is_empty(b):
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)


def near_duplicates(a_text: str, b_text: str) -> float:
    """Estimated Jaccard similarity of two texts' shingle sets (0 when either has no words)."""
    return estimated_jaccard(signature_values(minhash_signature(a_text)),
                             signature_values(minhash_signature(b_text)))


def _is_empty(values: np.ndarray) -> bool:
    return bool(values.min() == _EMPTY_VALUE)


def head_sort_key(post: Mapping) -> tuple[str, str, int]:
    """Earliest first: by publication date (undated last), then first sighting, then id."""
    return (post.get("published_at") or _NO_DATE, post.get("first_seen_at") or "", post["id"])


def duplicate_heads(
    posts: Iterable[Mapping], threshold: float = DUPLICATE_THRESHOLD, num_perm: int = NUM_PERM
) -> dict[int, int | None]:
    """Group posts into copy clusters and map every post id to its cluster's head.

    Each post is a mapping with ``id``, ``content_hash``, ``minhash`` (signature bytes or
    None), ``published_at`` (ISO date or None) and ``first_seen_at``. Two posts are linked
    when their content hashes are equal (empty texts excepted) or their estimated Jaccard
    similarity is at least ``threshold``; links are transitive (A~B and B~C put A and C in
    one cluster). The head is the cluster's earliest post by ``head_sort_key``; it maps to
    None, as does every post without copies.

    The index is MinHash LSH done with whole-array numpy operations rather than datasketch's
    MinHashLSH, which inserts and queries one post at a time in Python (for 100,000 posts, 31 s
    of CPU and 1.3 GB against 1.1 s and 0.2 GB here; bench/dedup.py): each band of the
    signature matrix is hashed to one 64-bit value per post, posts are sorted by it, posts
    sharing a bucket become candidate pairs, the candidates' signatures are compared in bulk,
    and the confirmed pairs and equal content hashes are the edges whose connected components
    (scipy) are the clusters. Memory is the signature matrix (512 bytes a post) and a few
    arrays of one number a post.
    """
    posts = _PostColumns.read(posts, num_perm)
    edges = [posts.equal_hash_edges(), _near_copy_edges(posts.signatures, posts.signed_rows, threshold)]
    first = np.concatenate([a for a, _ in edges])
    second = np.concatenate([b for _, b in edges])
    n = len(posts.ids)
    graph = coo_matrix((np.ones(len(first), dtype=np.int8), (first, second)), shape=(n, n))
    _, cluster = connected_components(graph, directed=False)
    return posts.heads(cluster)


class _PostColumns:
    """The posts' dedup inputs as arrays, one row per post, read in one pass over the iterable."""

    def __init__(self) -> None:
        self.ids = array("q")
        self.published: list[str] = []
        self.first_seen: list[str] = []
        self.hashed_rows = array("q")
        self.digests = bytearray()
        self.signed_rows = np.empty(0, dtype=np.int64)
        self.signatures = np.empty((0, NUM_PERM), dtype=np.uint32)

    @classmethod
    def read(cls, posts: Iterable[Mapping], num_perm: int) -> _PostColumns:
        columns = cls()
        signed_rows = array("q")
        signatures = bytearray()
        size = num_perm * _SIGNATURE_DTYPE.itemsize
        for row, post in enumerate(posts):
            columns.ids.append(post["id"])
            # Many posts share a date, and a crawl stores many in one second: one string per distinct
            # value instead of one per post (2.5 of the 16 MiB this took for 20,000 posts).
            columns.published.append(sys.intern(post.get("published_at") or _NO_DATE))
            columns.first_seen.append(sys.intern(post.get("first_seen_at") or ""))
            digest = post.get("content_hash")
            if digest and digest != EMPTY_CONTENT_HASH:
                columns.hashed_rows.append(row)
                # A fixed-size digest of the hash string, so all of them fit one numpy array; at 128 bits
                # two different strings share one with a probability that no corpus will reach.
                columns.digests += hashlib.blake2b(digest.encode(), digest_size=_DIGEST_BYTES).digest()
            signature = post.get("minhash")
            if signature:
                if len(signature) != size:
                    raise ValueError(
                        f"MinHash signature of {len(signature)} bytes; expected {num_perm} little-endian uint32 "
                        f"values ({size} bytes). Recompute it with minhash_signature()."
                    )
                signed_rows.append(row)
                signatures += signature
        matrix = np.frombuffer(signatures, dtype=_SIGNATURE_DTYPE).reshape(-1, num_perm)
        # An empty text's signature matches nothing.
        usable = matrix.min(axis=1) != _EMPTY_VALUE if len(matrix) else np.empty(0, dtype=bool)
        rows = np.frombuffer(signed_rows, dtype=np.int64) if signed_rows else np.empty(0, dtype=np.int64)
        columns.signed_rows = rows if usable.all() else rows[usable]
        columns.signatures = matrix if usable.all() else matrix[usable]
        return columns

    def equal_hash_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Each post with the same content hash as an earlier one, linked to the first of them."""
        if not self.hashed_rows:
            return _no_edges()
        rows = np.frombuffer(self.hashed_rows, dtype=np.int64)
        digests = np.frombuffer(bytes(self.digests), dtype=np.dtype((np.void, _DIGEST_BYTES)))
        _, first_index, group = np.unique(digests, return_index=True, return_inverse=True)
        first_row = rows[first_index[group]]
        copies = first_row != rows
        return first_row[copies], rows[copies]

    def heads(self, cluster: np.ndarray) -> dict[int, int | None]:
        """{post id: its cluster's earliest post, or None for that post and for posts without copies}."""
        heads: dict[int, int | None] = dict.fromkeys(self.ids)
        in_cluster = np.flatnonzero(np.bincount(cluster)[cluster] > 1)
        head_of: dict[int, int] = {}
        for row in in_cluster.tolist():
            label = int(cluster[row])
            best = head_of.get(label)
            if best is None or self._key(row) < self._key(best):
                head_of[label] = row
        for row in in_cluster.tolist():
            head = head_of[int(cluster[row])]
            if head != row:
                heads[self.ids[row]] = self.ids[head]
        return heads

    def _key(self, row: int) -> tuple[str, str, int]:
        return self.published[row], self.first_seen[row], self.ids[row]


def _near_copy_edges(signatures: np.ndarray, rows: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of posts (row numbers) whose signatures agree on at least ``threshold`` of their values."""
    if len(signatures) < 2:
        return _no_edges()
    first, second = _candidate_pairs(signatures)
    if not len(first):
        return _no_edges()
    keep = np.concatenate([
        _agreement(signatures, first[start:start + VERIFY_CHUNK], second[start:start + VERIFY_CHUNK]) >= threshold
        for start in range(0, len(first), VERIFY_CHUNK)
    ])
    return rows[first[keep]], rows[second[keep]]


def _candidate_pairs(signatures: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) of signatures that are equal on all values of at least one band."""
    n, num_perm = signatures.shape
    keys = []
    for band in range(num_perm // LSH_ROWS_PER_BAND):
        bucket = _band_hash(signatures[:, band * LSH_ROWS_PER_BAND:(band + 1) * LSH_ROWS_PER_BAND])
        order = np.argsort(bucket)
        sorted_bucket = bucket[order]
        for distance in range(1, MAX_BUCKET_NEIGHBOURS + 1):
            same = np.flatnonzero(sorted_bucket[distance:] == sorted_bucket[:-distance])
            if not len(same):
                break
            a, b = order[same], order[same + distance]
            keys.append(np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b))
    if not keys:
        return _no_edges()
    pairs = np.unique(np.concatenate(keys))
    return pairs // n, pairs % n


def _band_hash(band: np.ndarray) -> np.ndarray:
    """One 64-bit hash per row of a band of signature values (FNV-style multiply-xor, then a final mix)."""
    values = band.astype(np.uint64)
    hashed = np.full(len(band), 0xCBF29CE484222325, dtype=np.uint64)
    for column in values.T:
        hashed = (hashed ^ column) * np.uint64(0x100000001B3)
    # splitmix64's finaliser, so that bands differing in one value land far apart.
    hashed ^= hashed >> np.uint64(30)
    hashed *= np.uint64(0xBF58476D1CE4E5B9)
    hashed ^= hashed >> np.uint64(27)
    return hashed


def _agreement(signatures: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of each pair of signature rows."""
    return np.count_nonzero(signatures[first] == signatures[second], axis=1) / signatures.shape[1]


def _no_edges() -> tuple[np.ndarray, np.ndarray]:
    return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
