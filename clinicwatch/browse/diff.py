"""Word-level diffs of two texts of a post, bounded in size and in time.

difflib's SequenceMatcher is quadratic on word lists and worse on repetitive ones. Measured on
this machine (issue 12, item 4): two 12,000-word versions of a post held `/-/posts/ID` for 10 s;
1,000 words of "w" against 1,000 of "w v" took 46 s, 2,000 more than 400 s. So:

- the common prefix and suffix are cut off first (linear; most edits are local, so a long post
  with a changed paragraph diffs only that paragraph's neighbourhood);
- what is left must fit MAX_CELLS words × words: one `find_longest_match` costs at most
  len(a) × len(b) steps, about 0.2 s at a million;
- matching stops once DIFF_SECONDS have passed, checked before every `find_longest_match`.

Past either bound the diff is None, shown as "too long to diff". The post page runs it in a
thread (asyncio.to_thread), so even a bounded diff never holds up other requests.

The SQL function cw_word_diff (the `changed_since` canned query, and any visitor's SQL) has
tighter bounds: Datasette's SQL time limit is checked every 1,000 SQLite instructions, which
is some 50 calls of a function over a generated series, so each call must stay near 20 ms for
the limit to hold (measured: a thousand calls at 0.5 s each ran 29 s past a 1 s limit).
"""

from __future__ import annotations

import time
from difflib import SequenceMatcher

# Unchanged words kept on each side of a change in a diff.
CONTEXT_WORDS = 8
MAX_CELLS = 1_000_000
DIFF_SECONDS = 0.5
SQL_MAX_CELLS = 40_000
SQL_DIFF_SECONDS = 0.01
SQL_MAX_CHARACTERS = 1_000_000  # not even split into words past this


class DiffTooLong(Exception):
    """The diff ran past DIFF_SECONDS."""


class _BoundedMatcher(SequenceMatcher):
    def __init__(self, a: list[str], b: list[str], deadline: float):
        self.deadline = deadline
        super().__init__(None, a, b, autojunk=False)

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        if time.monotonic() > self.deadline:
            raise DiffTooLong
        return super().find_longest_match(alo, ahi, blo, bhi)


def word_opcodes(a: list[str], b: list[str], max_cells: int = MAX_CELLS,
                 seconds: float = DIFF_SECONDS) -> list[tuple[str, int, int, int, int]] | None:
    """SequenceMatcher-style opcodes from a to b, or None when the diff is too long to compute."""
    shortest = min(len(a), len(b))
    prefix = 0
    while prefix < shortest and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < shortest - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    middle_a, middle_b = a[prefix:len(a) - suffix], b[prefix:len(b) - suffix]
    if len(middle_a) * len(middle_b) > max_cells:
        return None
    try:
        middle = _BoundedMatcher(middle_a, middle_b, time.monotonic() + seconds).get_opcodes()
    except DiffTooLong:
        return None
    opcodes = [("equal", 0, prefix, 0, prefix)] if prefix else []
    opcodes += [(tag, i1 + prefix, i2 + prefix, j1 + prefix, j2 + prefix)
                for tag, i1, i2, j1, j2 in middle if (i1, j1) != (i2, j2)]
    if suffix:
        opcodes.append(("equal", len(a) - suffix, len(a), len(b) - suffix, len(b)))
    merged: list[tuple[str, int, int, int, int]] = []
    for op in opcodes:
        if merged and merged[-1][0] == op[0] == "equal":
            merged[-1] = ("equal", merged[-1][1], op[2], merged[-1][3], op[4])
        else:
            merged.append(op)
    return merged


def word_diff(old: str, new: str, max_cells: int = MAX_CELLS,
              seconds: float = DIFF_SECONDS) -> list[tuple[str, str]] | None:
    """What changed from old to new, word by word: ("equal" | "delete" | "insert", words) segments.
    Unchanged stretches keep CONTEXT_WORDS words next to each change, with "…" for the rest.
    None when the texts are too long or too repetitive to diff within the bounds above."""
    a, b = old.split(), new.split()
    opcodes = word_opcodes(a, b, max_cells, seconds)
    if opcodes is None:
        return None
    segments = []
    for number, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            words = a[i1:i2]
            head = words[:CONTEXT_WORDS] if number > 0 else []
            tail = words[-CONTEXT_WORDS:] if number < len(opcodes) - 1 else []
            if len(head) + len(tail) < len(words):
                words = [*head, "\u2026", *tail]
            segments.append(("equal", " ".join(words)))
            continue
        if i2 > i1:
            segments.append(("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("insert", " ".join(b[j1:j2])))
    return segments


def too_long_note(old: str, new: str) -> str:
    return f"too long to diff: {len(old.split())} words before, {len(new.split())} after"


def word_diff_text(old, new) -> str | None:
    """The diff in wdiff's notation, [-removed-] {+added+}, for a plain-text cell or a CSV (the
    SQL function cw_word_diff, which visitors' SQL may call too: bounded like word_diff)."""
    if not isinstance(old, str) or not isinstance(new, str):
        return None
    if len(old) + len(new) > SQL_MAX_CHARACTERS:
        return f"(too long to diff: {len(old) + len(new)} characters)"
    segments = word_diff(old, new, SQL_MAX_CELLS, SQL_DIFF_SECONDS)
    if segments is None:
        return f"({too_long_note(old, new)})"
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return " ".join(marks[op].format(words) for op, words in segments)
