"""Exact and near-duplicate detection of post texts.

Exact copies: ``content_hash`` is the SHA-256 (hex) of ``normalize_text(text)``, so copies
that differ only in case, whitespace, typographic quotes or dash style hash alike.

Near copies (syndicated posts with the clinic's name swapped in, republished posts with a
new intro): a MinHash of the text's word 5-shingles. Shingles are taken over the word
tokens of the normalized text (punctuation dropped), five words long because shorter
shingles make unrelated posts on the same topic share too many common phrases ("ketamine
infusion therapy for depression") and longer ones let every small edit break too many.

Signature format (the ``posts.minhash`` BLOB): ``num_perm`` hash values as little-endian
unsigned 32-bit integers, nothing else (128 values = 512 bytes). They come from datasketch's
``MinHash`` with the ``"affine32"`` permutation scheme, seed ``MINHASH_SEED`` and its default
SHA-1-based 32-bit shingle hash, so they are identical across processes and machines.
Signatures made with another seed, scheme or ``num_perm`` are not comparable.
A text with no words has the "empty" signature (every value 0xFFFFFFFF); it never matches
anything, because an empty set is not a copy of anything.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

SHINGLE_WORDS = 5
NUM_PERM = 128
MINHASH_SEED = 1
MINHASH_SCHEME = "affine32"
# Estimated Jaccard of the tests' variations: a syndicated copy (six name/city swaps, a new first
# sentence) about 0.75, a new intro paragraph about 0.88, two posts on one topic 0.0; harsher
# generated copies (a paragraph dropped as well) go down to 0.57. Distinct press releases that
# share a long "About us" and disclaimer block reach 0.6-0.67, so the threshold cannot go lower,
# and text repeated on every post of a site has to be stripped before hashing.
DUPLICATE_THRESHOLD = 0.6
# LSH bands of 4 hash values (32 bands at 128 permutations) rather than datasketch's choice
# for 0.6 (18 bands of 7), which would miss 60% of pairs right at the threshold: here a pair
# at Jaccard 0.6 becomes a candidate with probability 0.988, at 0.7 with 0.9996. The extra
# candidates (23% of pairs at 0.3, almost none below) are dropped by checking their signatures.
LSH_ROWS_PER_BAND = 4

_SIGNATURE_DTYPE = np.dtype("<u4")
_EMPTY_VALUE = np.iinfo(np.uint32).max
_NO_DATE = "9999-99-99"

_TYPOGRAPHIC = str.maketrans({
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
})
_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def normalize_text(text: str) -> str:
    """Text as compared for exact copies: NFKC, casefolded, one quote and dash style, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHIC).casefold()
    return _WHITESPACE.sub(" ", text).strip()


def content_hash(text: str) -> str:
    """SHA-256 hex digest of the normalized text."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


EMPTY_CONTENT_HASH = content_hash("")


def word_shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    """The set of k-word shingles of the normalized text; a text shorter than k words is one shingle."""
    words = _WORD.findall(normalize_text(text))
    if len(words) <= k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def minhash_signature(text: str, num_perm: int = NUM_PERM) -> bytes:
    """MinHash of the text's word shingles, serialised as described in the module docstring."""
    sketch = MinHash(num_perm=num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    sketch.update_batch(shingle.encode("utf-8") for shingle in word_shingles(text))
    return sketch.hashvalues.astype(_SIGNATURE_DTYPE).tobytes()


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


class _DisjointSets:
    """Union-find over row numbers 0..n-1 (path halving, union by size)."""

    def __init__(self) -> None:
        self.parent: list[int] = []
        self.size: list[int] = []

    def add(self) -> int:
        self.parent.append(len(self.parent))
        self.size.append(1)
        return len(self.parent) - 1

    def find(self, row: int) -> int:
        parent = self.parent
        while parent[row] != row:
            parent[row] = parent[parent[row]]
            row = parent[row]
        return row

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]


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

    One pass over ``posts``: each signature is looked up in a MinHashLSH index of the
    posts before it and then added, and LSH candidates are confirmed against the stored
    signatures, so the work grows with the number of posts and true near-copies, not with
    the number of pairs.
    """
    lsh = MinHashLSH(num_perm=num_perm, params=(num_perm // LSH_ROWS_PER_BAND, LSH_ROWS_PER_BAND))
    sets = _DisjointSets()
    ids: list[int] = []
    keys: list[tuple[str, str, int]] = []
    signatures: list[np.ndarray | None] = []
    row_by_hash: dict[str, int] = {}

    for post in posts:
        row = sets.add()
        ids.append(post["id"])
        keys.append(head_sort_key(post))

        digest = post.get("content_hash")
        if digest and digest != EMPTY_CONTENT_HASH:
            if digest in row_by_hash:
                sets.union(row_by_hash[digest], row)
            else:
                row_by_hash[digest] = row

        values = _usable_signature(post.get("minhash"), num_perm)
        signatures.append(values)
        if values is None:
            continue
        sketch = LeanMinHash(seed=MINHASH_SEED, hashvalues=values, scheme=MINHASH_SCHEME)
        for other in lsh.query(sketch):
            if estimated_jaccard(values, signatures[other]) >= threshold:
                sets.union(other, row)
        lsh.insert(row, sketch, check_duplication=False)

    head_of_root: dict[int, int] = {}
    for row in range(len(ids)):
        root = sets.find(row)
        best = head_of_root.get(root)
        if best is None or keys[row] < keys[best]:
            head_of_root[root] = row
    heads: dict[int, int | None] = {}
    for row, post_id in enumerate(ids):
        head = head_of_root[sets.find(row)]
        heads[post_id] = None if head == row else ids[head]
    return heads


def _usable_signature(signature: bytes | None, num_perm: int) -> np.ndarray | None:
    """The signature's values, or None when there is nothing to match on (missing or empty text)."""
    if not signature:
        return None
    if len(signature) != num_perm * _SIGNATURE_DTYPE.itemsize:
        raise ValueError(
            f"MinHash signature of {len(signature)} bytes; expected {num_perm} little-endian uint32 "
            f"values ({num_perm * _SIGNATURE_DTYPE.itemsize} bytes). Recompute it with minhash_signature()."
        )
    values = signature_values(signature)
    return None if _is_empty(values) else values
