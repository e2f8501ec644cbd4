"""What any match of a regular expression must contain, to skip searching texts that lack it.

`required_literals(pattern)` reads the pattern's parse (the `re` module's own parser) and returns
a set of literal strings such that every match contains at least one of them, or None when it
finds no such set (a pattern of character classes only, like a phone number). A sequence needs
each of its mandatory parts, so any one part's set will do (the one with the longest, rarest
literals is taken); an alternation needs one of its branches, so it needs the union of their
sets, and nothing when one branch needs nothing. Optional parts, character classes, anchors and
lookarounds need nothing. The set says nothing about where or how often: it only rules texts out.

`LiteralFilter` tests a text for those literals. Under re.IGNORECASE the `re` module lets a few
non-ASCII letters stand for ASCII ones (dotted and dotless I, the Kelvin sign, the long s); the
filter folds them, as well as ASCII case, before looking, so it never rules out a text the
pattern matches. Patterns whose literals are not ASCII get no filter.
"""

from __future__ import annotations

import re

# The re module's own parser (private since Python 3.11, whose public sre_parse alias is
# deprecated): the literals are read from the pattern exactly as re compiles it. No public
# module gives a pattern's parse. tests/test_required_text.py pins what this reads of it on the
# running Python; on a Python where it is gone or reads differently, required_literals gives
# None and every text is searched: slower, never wrong.
try:
    from re import _constants as sre
    from re import _parser as sre_parse

    _REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
except (ImportError, AttributeError):  # pragma: no cover - exercised by monkeypatching in the tests
    sre = sre_parse = None
    _REPEATS = ()

# Besides ASCII case, the letters re.IGNORECASE matches with an ASCII letter (every code point
# checked in tests/test_required_text.py).
_CASE_VARIANTS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}
_FOLD = str.maketrans({**{c: c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
                       **{variant: letter for letter, variants in _CASE_VARIANTS.items() for variant in variants}})


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Literal strings one of which is in every match of the pattern, or None if none are known
    (also when the re module's parser is not there to read, or does not read as expected)."""
    if sre_parse is None:
        return None
    try:
        return _required(sre_parse.parse(pattern.pattern, pattern.flags).data)
    except (AttributeError, TypeError, ValueError):  # a parser of another shape: no filter
        return None


def _required(items) -> frozenset[str] | None:
    best: frozenset[str] | None = None
    run: list[str] = []

    def consider(needed: frozenset[str] | None) -> None:
        nonlocal best
        if needed and (best is None or _strength(needed) > _strength(best)):
            best = needed

    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        consider(frozenset(["".join(run)]) if run else None)
        run = []
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if not (add_flags | del_flags) & re.IGNORECASE:  # an inline case flag: matched otherwise
                consider(_required(sub.data))
        elif op is sre.BRANCH:
            branches = [_required(branch.data) for branch in av[1]]
            if all(branches):
                consider(frozenset().union(*branches))
        elif op in _REPEATS:
            low, _high, sub = av
            if low >= 1:
                consider(_required(sub.data))
        elif op is sre.ATOMIC_GROUP:
            consider(_required(av.data))
        # Anything else (classes, anchors, lookarounds, back-references) needs no literal.
    consider(frozenset(["".join(run)]) if run else None)
    return best


def _strength(needed: frozenset[str]) -> tuple[int, int]:
    """Longer literals are rarer; fewer of them are quicker to look for."""
    return min(map(len, needed)), -len(needed)


def fold_case(text: str) -> str:
    """The text as a LiteralFilter of an IGNORECASE pattern reads it: ASCII letters in lower case,
    and the non-ASCII letters re.IGNORECASE matches with ASCII ones replaced by those."""
    return text.translate(_FOLD)


class LiteralFilter:
    """`may_match(text)` is False only when the pattern cannot match the text (see the module docstring)."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.ignore_case = bool(pattern.flags & re.IGNORECASE)
        needed = required_literals(pattern)
        if needed and self.ignore_case:
            needed = frozenset(literal.lower() for literal in needed) if all(map(str.isascii, needed)) else None
        self.literals = tuple(sorted(needed, key=len, reverse=True)) if needed else None

    def may_match(self, text: str, folded: str | None = None) -> bool:
        """`folded`: fold_case(text), when the caller has it (for many filters over one text)."""
        if self.literals is None:
            return True
        if self.ignore_case:
            text = fold_case(text) if folded is None else folded
        for literal in self.literals:  # a loop, not any(...): this runs for every rule and sentence
            if literal in text:
                return True
        return False
