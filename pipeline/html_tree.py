"""The parsed page: one lxml tree per page, parsed as trafilatura's parser does, and the small
readers of it that the extraction stages share."""

from __future__ import annotations

import re

import html5lib
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


# What the lxml parser (libxml2 2.14) reports for markup a browser would read otherwise: end
# tags that close nothing or close elements left open ("Unexpected end tag : div", "Opening and
# ending tag mismatch"), which libxml2 answers by closing containers early or, after a stray
# </body></html>, by dropping the rest of the page; and a second <html>, <head> or <body>.
# None of the 181 pages of the article-extraction benchmark shows either (bench/extraction.py),
# so the browser's parse below costs real pages nothing.
_BREAKAGE = re.compile(r"Unexpected end tag|tag mismatch|misplaced <(?:html|head|body)>")


def parse_page(text: str) -> tuple[HtmlElement, bool]:
    """The page's tree as a browser builds it, and whether its markup was broken.

    The lxml parser builds it; when its error log shows broken markup (see _BREAKAGE), the
    page is parsed again by html5lib, which follows the HTML standard's tree construction as
    browsers do (text after a stray </body> stays where it was, a second <html> is merged),
    at about twenty times lxml's cost. Its tree, written out with every end tag, is parsed
    by lxml again, so every page's tree is made of the same elements."""
    # Bytes with the parser's encoding fixed: the text is decoded already, so a stale
    # <meta charset> or XML declaration in it must not be obeyed again.
    body = text.encode("utf-8", errors="replace").translate(None, _CONTROL_BYTES)
    tree = _lxml_parse(body)
    if not any(_BREAKAGE.search(error.message) for error in _HTML_PARSER.error_log):
        return tree, False
    browser_tree = html5lib.parse(body.decode("utf-8"), treebuilder="lxml", namespaceHTMLElements=False)
    return _lxml_parse(etree.tostring(browser_tree, method="html", encoding="utf-8")), True


def parse_html(text: str) -> HtmlElement:
    return parse_page(text)[0]


def _lxml_parse(body: bytes) -> HtmlElement:
    try:
        return lxml.html.document_fromstring(body, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(f"not an HTML document ({error})") from error
