"""The post's main text from the tree without its chrome: trafilatura in its fast mode, in
paragraphs, without a leading copy of the title or a closing call to action."""

from __future__ import annotations

import re

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from .html_tree import parse_html
from .metadata import comparable

# Below this many characters the stripped page "yields almost nothing": a wrongly
# removed wrapper is likelier than a post this short.
_ALMOST_NOTHING = 200
# trafilatura's inline elements; every other element of its output is a block.
_INLINE_TAGS = frozenset({"hi", "ref", "del", "span", "sub", "sup", "graphic", "code"})
_SPACES = re.compile(r"[^\S\n]+")
_SPACED_NEWLINES = re.compile(r" ?\n[\s]*")


def _flush_paragraph(pieces: list[str], paragraphs: list[str]) -> None:
    text = "".join(pieces)
    pieces.clear()
    if text and not text.isspace():
        paragraphs.append(_SPACED_NEWLINES.sub("\n", _SPACES.sub(" ", text)).strip())


def _is_flat_row(row: etree._Element) -> bool:
    """A table row of plain cells, read as one line; layout tables put whole blocks in cells."""
    return all(
        node.tag in _INLINE_TAGS or node.tag in ("cell", "lb") for cell in row for node in cell.iter(etree.Element)
    )


def _paragraphs(element: etree._Element) -> list[str]:
    """Paragraphs of trafilatura's XML body: one per block (p, head, item, quote, table
    row...), with inline markup flattened and <lb/> kept as a line break.

    Hand-written because trafilatura's plain-text output marks list items with "- ",
    table cells with "|" and separates paragraphs with a single newline."""
    paragraphs: list[str] = []
    pieces = [element.text or ""]
    for child in element:
        if child.tag == "row" and _is_flat_row(child):
            _flush_paragraph(pieces, paragraphs)
            _flush_paragraph([" ".join("".join(cell.itertext()) for cell in child)], paragraphs)
        elif child.tag == "lb":
            pieces.append("\n")
        elif child.tag in _INLINE_TAGS:
            pieces.append("".join(child.itertext()))
        else:
            _flush_paragraph(pieces, paragraphs)
            paragraphs.extend(_paragraphs(child))
        pieces.append(child.tail or "")
    _flush_paragraph(pieces, paragraphs)
    return paragraphs


# fast: no second opinion from readability and jusText, which costs as much again as the
# main extractor and, on pages already stripped of their chrome, mostly brings chrome back
# (F1 0.964 -> 0.968 on the article-extraction benchmark, see bench/extraction.py).
# favor_recall: a dropped list or heading is a lost claim; precision is the job of the
# chrome pass before. Built once: trafilatura reads its configuration for every Extractor.
# No URL, which it uses only to make the links it keeps absolute, and it keeps none here;
# "txt" rather than "python" output, which would render a text this module does not use.
_TRAFILATURA_OPTIONS = Extractor(
    output_format="txt", fast=True, recall=True, comments=False, tables=True, images=False, links=False
)


def _trafilatura_text(tree: HtmlElement) -> str:
    document = trafilatura.bare_extraction(tree, options=_TRAFILATURA_OPTIONS)
    if document is None or document.body is None:
        return ""
    return "\n\n".join(_paragraphs(document.body))


def main_text(stripped: HtmlElement, source: str) -> str:
    text = _trafilatura_text(stripped)
    if len(text) >= _ALMOST_NOTHING:
        return text
    # The stripped tree is all that is left of the first parse: parse the page again.
    return max(text, _trafilatura_text(parse_html(source)), key=len)


def without_leading_title(text: str, titles: list[str | None]) -> str:
    """The text without a first paragraph that repeats the title: trafilatura keeps the
    post's <h1>, but the title is a field of its own and not part of the body."""
    first, _, rest = text.partition("\n\n")
    repeated = {comparable(title) for title in titles if title}
    return rest if rest and comparable(first) in repeated else text


# Invitations to follow, subscribe or share that close a post: the site's, not the post's.
_CLOSING_CALL_TO_ACTION = re.compile(
    r"\b(?:follow\s+(?:us|me|him|her|them)\b|subscribe|sign\s+up|newsletter|share\s+(?:it|this)"
    r"|like\s+this\s+(?:story|article|post)|get\s+the\s+latest|download\s+(?:our|the)\s+app)",
    re.I,
)
_MAX_CLOSING_CALL_WORDS = 30


def without_closing_calls_to_action(text: str) -> str:
    """The text without the short paragraphs at its end that ask the reader to follow,
    subscribe or share (pages put them in the post's container, below its last line)."""
    paragraphs = text.split("\n\n")
    while (
        len(paragraphs) > 1
        and len(paragraphs[-1].split()) <= _MAX_CLOSING_CALL_WORDS
        and _CLOSING_CALL_TO_ACTION.search(paragraphs[-1])
    ):
        paragraphs.pop()
    return "\n\n".join(paragraphs)
