"""The parsed page: one lxml tree per page, parsed as trafilatura's parser does, and the small
readers of it that the extraction stages share."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree
from lxml.html import HtmlElement


class ExtractionError(ValueError):
    """A page that cannot be read or parsed as HTML; the message names the page."""


_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script) and not(ancestor::style)]")


def normalised_token(token: str) -> str:
    return _CAMEL_BOUNDARY.sub("-", token).replace("_", "-").lower()


def class_and_id_tokens(element: HtmlElement) -> list[str]:
    return f"{element.get('class') or ''} {element.get('id') or ''}".split()


def spaced_text(element: HtmlElement) -> str:
    """Visible text with a space between text nodes, so that a date and the byline after it
    ("2025</span>by") stay apart."""
    return " ".join(" ".join(_VISIBLE_TEXT(element)).split())


# lxml.html's parser as trafilatura configures it: comments and processing instructions
# dropped at parse time rather than pruned afterwards.
_HTML_PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True, encoding="utf-8"
)
# Every element an lxml.html.HtmlElement, chosen in C: lxml.html's own lookup is a Python
# call for every element Python touches (here and in trafilatura), only to give form
# controls their own classes, which nothing here uses.
_HTML_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction
    )
)
# C0 controls other than tab, LF and CR: invalid in XML, so trafilatura's XML output would
# fail on them. One byte each in UTF-8, never part of a multibyte sequence, so they are
# deleted from the bytes (far faster than a regular expression over the text).
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def parse_html(text: str) -> HtmlElement:
    # Bytes with the parser's encoding fixed: the text is decoded already, so a stale
    # <meta charset> or XML declaration in it must not be obeyed again.
    body = text.encode("utf-8", errors="replace").translate(None, _CONTROL_BYTES)
    try:
        return lxml.html.document_fromstring(body, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(f"not an HTML document ({error})") from error
