"""Main text and metadata of one page.

trafilatura finds the main text. This module decides what trafilatura is given (the page
decoded right, with the chrome of clinic blogs removed first: their cookie banners, CTAs,
"recent posts" and author boxes are the text trafilatura most often keeps; and a post that
ads split into blocks joined again) and reads the metadata in a fixed order of evidence, so
every date records where it came from.

The page is parsed once and worked on in place: what the head declares is read first, then
the chrome goes, then the same tree goes to trafilatura in its fast mode. bench/extraction.py
measures quality and speed against plain trafilatura.
"""

from __future__ import annotations

import codecs
import functools
import gzip
import itertools
import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import charset_normalizer
import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from .canonical import declared_canonical

EXTRACTOR = f"trafilatura {trafilatura.__version__}+clinicwatch"
# Fewer words than this in a post page's main text means the text is not in the HTML.
MIN_POST_WORDS = 40


class ExtractionError(ValueError):
    """A page that cannot be read or parsed as HTML; the message names the page."""


@dataclass(frozen=True)
class ExtractedPage:
    title: str | None
    author: str | None
    published_at: str | None  # ISO date, YYYY-MM-DD
    date_source: str | None  # "json-ld", "meta", "text", "url" or None
    text: str  # paragraphs separated by one blank line
    extractor: str
    url: str | None = None  # the URL given, else the page's own canonical URL
    # Its <link rel="canonical"> href as written (pipeline.canonical.declared_canonical), read
    # from this parse so the crawl's CanonicalUrl stage does not parse the page again.
    declared_canonical: str | None = None


# ---------------------------------------------------------------------------
# Decoding

_STRAY_BYTES = "clinicwatch-cp1252"


def _decode_stray_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    # A UTF-8 template around text pasted from Windows software leaves bytes that are
    # invalid in the declared charset; read as windows-1252 they are the curly quotes and
    # accents the author typed. Bytes windows-1252 leaves undefined become U+FFFD.
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252", errors="replace"), error.end


codecs.register_error(_STRAY_BYTES, _decode_stray_bytes)

# Longest marks first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# The WHATWG prescan reads 1024 bytes, but real heads often put long scripts and style
# blocks before the charset declaration.
_PRESCAN_BYTES = 8192
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_CONTENT_TYPE_CHARSET = re.compile(r"""charset\s*=\s*["']?([^;"'\s]+)""", re.I)
# Browsers read these labels as windows-1252 (WHATWG Encoding standard), and pages that
# declare them rely on that for curly quotes and dashes in 0x80-0x9F.
_READ_AS_WINDOWS_1252 = {"ascii", "iso8859-1", "cp1252"}


def _codec_name(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
        b"x".decode(name, errors="ignore")  # refuses codecs that are not text encodings ("base64")
    except LookupError:
        return None
    return "cp1252" if name in _READ_AS_WINDOWS_1252 else name


def _meta_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    if not match:
        return None
    name = _codec_name(match.group(1).decode("ascii"))
    # A document whose <meta> can be read as ASCII is not UTF-16/32, whatever it says
    # (WHATWG rule: such a declaration means UTF-8).
    if name and name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


def _is_multibyte_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _detected_charset(body: bytes) -> str:
    # Strict UTF-8 succeeding on non-ASCII bytes is all but proof; the statistical
    # detector is for the rest.
    if body.isascii() or _is_multibyte_utf8(body):
        return "utf-8"
    matches = charset_normalizer.from_bytes(body)
    best = matches.best()
    if best is None:
        return "cp1252"
    # On short Western text several code pages read equally well (cp1250 and cp1252 both
    # make sense of "café"); windows-1252 is what browsers assume for undeclared pages in
    # Western locales, and the clinics write English, so it wins ties.
    tied = {m.encoding for m in matches if m.chaos <= best.chaos and m.coherence >= best.coherence}
    return "cp1252" if "cp1252" in tied else _codec_name(best.encoding) or "cp1252"


def decode_html(body: bytes, content_type_charset: str | None = None) -> str:
    """Text of an HTML body: BOM, then the HTTP charset (a bare label or a whole
    Content-Type value), then <meta charset>/http-equiv, then detection. Bytes invalid in
    the chosen charset are read as windows-1252, so decoding never fails."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if body.startswith(mark):
            return body[len(mark) :].decode(encoding, errors=_STRAY_BYTES)
    declared = None
    if content_type_charset:
        match = _CONTENT_TYPE_CHARSET.search(content_type_charset)
        declared = _codec_name(match.group(1) if match else content_type_charset)
    declared = declared or _meta_charset(body[:_PRESCAN_BYTES])
    # Pages served as latin-1/windows-1252 that are in fact valid multibyte UTF-8 are a
    # common server misconfiguration; the reverse accident is practically impossible.
    if declared is None or (declared == "cp1252" and _is_multibyte_utf8(body)):
        declared = _detected_charset(body)
    return body.decode(declared, errors=_STRAY_BYTES)


# ---------------------------------------------------------------------------
# Boilerplate

# Elements that by HTML semantics never hold a post's body: site navigation, tangential
# content (sidebars, pull-outs), forms (search, comment, newsletter) and dialogs.
_CHROME_TAGS = frozenset({"nav", "aside", "form", "dialog"})
# A page's header and footer are chrome (logo, menus, contact CTA); an article's own
# header and footer (title, byline, date) stay, for the metadata readers.
_PAGE_LEVEL_TAGS = frozenset({"header", "footer"})
# The same landmarks declared with ARIA roles, plus dialogs (consent and popup boxes).
_CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog"}
)
# Class/id tokens are compared after normalising to lower-case words joined by "-"
# (relatedPosts, related_posts and related-posts are the same token).
_CHROME_TOKEN = re.compile(
    "|".join(
        (
            # consent banners and their settings panels
            r"cookie|consent|gdpr",
            # e-mail capture boxes
            r"newsletter|subscribe|subscription|mailchimp|mc4wp|(?:^|-)(?:sign-?up|opt-?in)(?:-|$)",
            # share buttons
            r"(?:^|-)(?:share|sharing|social)(?:-|$)|sharedaddy|sharethis|addthis|addtoany",
            # lists of other posts
            r"(?:^|-)(?:related|recent|popular|trending)(?:-|$)|relatedposts|read-?next|more-stories",
            # comments and the reply form
            r"(?:^|-)(?:comments?|respond|disqus)(?:-|$)|commentlist",
            # author boxes; a bare "author" class is the byline, which is not removed
            r"author-?(?:bio|box|info|card|profile|description)|about-(?:the-)?author",
            r"breadcrumb",
            # sidebars; "widget" only as the leading word (WordPress sidebar widgets are
            # "widget widget_recent_entries"), because page builders wrap body text in
            # classes like "elementor-widget-text-editor"
            r"sidebar|^widgets?(?:-|$)",
            # calls to action ("Book a free consultation")
            r"(?:^|-)cta(?:-|$)|call-to-action",
            r"popup|(?:^|-)modal(?:-|$)",
        )
    )
)
# Tokens that describe a state or a taxonomy term rather than what the element is:
# WordPress puts "has-sidebar" on <body> and "category-social-anxiety" on the <article>.
_DESCRIPTIVE_FIRST_WORDS = frozenset(
    {"has", "is", "with", "without", "no", "category", "tag", "format", "type", "status"}
)
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script) and not(ancestor::style)]")
_MAIN_CONTAINERS = etree.XPath(".//main | .//*[@role='main' or @itemprop='articleBody']")
# Blocks that open with these words and are mostly a link are a pointer to another page
# put inside the post ("Related: ...", "READ MORE: ...").
_TEASER_CUE = re.compile(
    r"(?:related(?:\s+(?:articles?|posts?|stories|reading|content))?|(?:read|see)\s+(?:more|also|next)"
    r"|also\s+(?:read|see|on)|don'?t\s+miss|you\s+(?:may|might)\s+also\s+like|recommended(?:\s+for\s+you)?"
    r"|more\s+(?:from|on|stories)|click\s+here)\b",
    re.I,
)
_LONGEST_TEASER_CUE = len("you might also like")
_TEASER_TAGS = frozenset({"p", "div", "section", "li", "h2", "h3", "h4", "h5", "h6"})
_MAX_TEASER_CHARS = 200
# A paragraph this long makes a block a continuation of the post rather than a teaser.
_CONTINUATION_PARAGRAPH = 100
_MAX_TEXT_BETWEEN_PARTS = 40
_STRUCTURAL_EMPTY_TAGS = frozenset({"br", "hr", "td", "th", "tr", "li", "p"})
_EMPTY = "clinicwatch-empty"
_NEVER_TEXT_TAGS = ("script", "style", "svg", "noscript", "template", "iframe")


def _normalised_token(token: str) -> str:
    return _CAMEL_BOUNDARY.sub("-", token).replace("_", "-").lower()


@functools.lru_cache(maxsize=65536)
def _is_chrome_token(token: str) -> bool:
    normalised = _normalised_token(token)
    return normalised.split("-", 1)[0] not in _DESCRIPTIVE_FIRST_WORDS and bool(_CHROME_TOKEN.search(normalised))


def _class_and_id_tokens(element: HtmlElement) -> list[str]:
    return f"{element.get('class') or ''} {element.get('id') or ''}".split()


def _spaced_text(element: HtmlElement) -> str:
    """Visible text with a space between text nodes, so that a date and the byline after it
    ("2025</span>by") stay apart."""
    return " ".join(" ".join(_VISIBLE_TEXT(element)).split())


def _text_lengths(elements: list[HtmlElement]) -> dict[HtmlElement, int]:
    """Characters of text (stripped text nodes) in each element of a subtree without
    scripts or styles, listed in document order. One pass from the leaves up, each element
    adding its total to its parent's: measured element by element, each text node would be
    read once for each of its ancestors."""
    lengths = dict.fromkeys(elements, 0)
    for element in reversed(elements):
        text = element.text
        total = lengths[element] + (len(text.strip()) if text else 0)
        lengths[element] = total
        parent = element.getparent()
        if parent in lengths:
            tail = element.tail
            lengths[parent] += total + (len(tail.strip()) if tail else 0)
    return lengths


def _paragraph_core(root: HtmlElement, lengths: dict[HtmlElement, int]) -> HtmlElement | None:
    """The element whose direct <p> children hold the most text: where the post's prose
    is, whatever the classes around it say (the Readability heuristic)."""
    scores: dict[HtmlElement, int] = {}
    for paragraph in root.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + lengths[paragraph]
    return max(scores, key=scores.get, default=None)


def _landmarks(root: HtmlElement, lengths: dict[HtmlElement, int]) -> list[HtmlElement]:
    """The elements that say they hold the post: the longest <article> (the post, not a
    teaser in a list of posts), then <main>, role=main and articleBody elements."""
    article = max(root.iter("article"), key=lengths.__getitem__, default=None)
    return ([article] if article is not None else []) + _MAIN_CONTAINERS(root)


def _signature(element: HtmlElement) -> tuple[str, str | None, str, str | None]:
    parent = element.getparent()
    return element.tag, element.get("class"), parent.tag, parent.get("class")


def _join_split_post(core: HtmlElement, lengths: dict[HtmlElement, int]) -> None:
    """Joins the paragraph core and its continuations into the first of them: elements of
    the same tag and class, under a parent of the same tag and class, that hold paragraphs
    themselves. News and page-builder templates cut a post into such blocks to put ads or
    calls to action between them, and trafilatura takes the first block only."""
    # Layout blocks only: consecutive quotes or asides of one class are the post's own structure.
    if core.tag not in ("div", "section") or not core.get("class"):
        return
    signature = _signature(core)
    parts = [
        element
        for element in core.getroottree().iter(core.tag)
        if element is core
        or (
            _signature(element) == signature
            and any(lengths.get(child, 0) >= _CONTINUATION_PARAGRAPH for child in element.iterchildren("p"))
        )
    ]
    # Only blocks with next to no text between them (an ad's label): anything more is
    # part of the page, which the join would move out of order.
    joined = 1
    while joined < len(parts) and _text_between(parts[joined - 1], parts[joined]) <= _MAX_TEXT_BETWEEN_PARTS:
        joined += 1
    first = parts[0]
    for part in parts[1:joined]:
        first.extend(part)  # moves the children, in document order
        part.drop_tree()


def _text_between(first: HtmlElement, second: HtmlElement) -> int:
    """Characters of text after the end of first and before the start of second (which follows it)."""
    length, counting = 0, False
    for event, element in etree.iterwalk(first.getroottree().getroot(), events=("start", "end")):
        if event == "start":
            if element is second:
                return length
            if counting:
                length += len((element.text or "").strip())
        else:
            counting = counting or element is first
            if counting:
                length += len((element.tail or "").strip())
    return length


# Cached (as is _is_chrome_token): a theme repeats the same roles and classes on every page.
@functools.lru_cache(maxsize=65536)
def _names_chrome(role: str | None, classes: str | None, id_: str | None) -> bool:
    if (role or "").strip().lower() in _CHROME_ROLES:
        return True
    return any(_is_chrome_token(token) for token in f"{classes or ''} {id_ or ''}".split())


def _is_chrome(element: HtmlElement) -> bool:
    tag = element.tag
    if tag in _CHROME_TAGS:
        return True
    if tag in _PAGE_LEVEL_TAGS and next(element.iterancestors("article", "main"), None) is None:
        return True
    return _names_chrome(element.get("role"), element.get("class"), element.get("id"))


def _is_link_teaser(element: HtmlElement) -> bool:
    """A short block that points elsewhere: "Related: <a>...</a>", "READ MORE: <a>...</a>"."""
    head = (element.text or "").lstrip()
    if len(head) > _LONGEST_TEASER_CUE and not _TEASER_CUE.match(head):
        return False  # decided by its first words, without collecting the whole text
    text = " ".join(element.text_content().split())
    if not _TEASER_CUE.match(text):
        return False
    return sum(len(" ".join(link.text_content().split())) for link in element.iter("a")) * 2 >= len(text)


def strip_boilerplate(tree: HtmlElement) -> list[HtmlElement]:
    """Removes the site chrome (see the rules above) from the page's body, in place
    (copying the tree would cost as much as the rest of the pass), and returns the
    landmarks of the post (see _landmarks) for the title.

    Layout classes mention chrome words ("l-sidebar-fixed", "content-with-sidebar-wrp")
    on the very wrappers of the post, so the main content and every element around it
    are kept whatever their classes say, and so is anything holding more than half of
    the page's text."""
    body = tree.find("body")
    if body is None:
        return []
    # Never text, and on many pages most of the elements (inline SVG icons); trafilatura
    # drops them too, but every pass before that would walk them.
    etree.strip_elements(body, *_NEVER_TEXT_TAGS, with_tail=False)
    elements = list(body.iter(etree.Element))
    lengths = _text_lengths(elements)
    core = _paragraph_core(body, lengths)
    landmarks = _landmarks(body, lengths)
    kept = {body}
    for element in [*landmarks, core] if core is not None else landmarks:
        kept.add(element)
        kept.update(element.iterancestors())
    largest_removable = lengths[body] / 2
    # Top down, not into what goes: chrome is often most of a page's elements (menus).
    doomed, empty = [], []
    pending = [body]
    while pending:
        for child in pending.pop().iterchildren(etree.Element):
            length = lengths[child]
            if not length:
                # Nothing to strip in it, and trafilatura's passes take longer the more elements
                # they walk (about a tenth of the extraction time); only elements whose mere
                # presence shapes the text (line breaks, cells, items, paragraphs) stay.
                if child.tag not in _STRUCTURAL_EMPTY_TAGS:
                    empty.append(child)
                continue
            if child not in kept and length <= largest_removable and (
                _is_chrome(child)
                or (length <= _MAX_TEASER_CHARS and child.tag in _TEASER_TAGS and _is_link_teaser(child))
            ):
                doomed.append(child)
            else:
                pending.append(child)
    for element in doomed:
        element.drop_tree()  # keeps the tail text, which belongs to the parent
    for element in empty:
        element.tag = _EMPTY  # then one C call removes them all, tails kept
    etree.strip_elements(body, _EMPTY, with_tail=False)
    if core is not None:
        _join_split_post(core, lengths)
    return landmarks


# ---------------------------------------------------------------------------
# Main text

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


def _main_text(stripped: HtmlElement, source: str) -> str:
    text = _trafilatura_text(stripped)
    if len(text) >= _ALMOST_NOTHING:
        return text
    # The stripped tree is all that is left of the first parse: parse the page again.
    return max(text, _trafilatura_text(_parse(source)), key=len)


def _without_leading_title(text: str, titles: list[str | None]) -> str:
    """The text without a first paragraph that repeats the title: trafilatura keeps the
    post's <h1>, but the title is a field of its own and not part of the body."""
    first, _, rest = text.partition("\n\n")
    repeated = {_comparable(title) for title in titles if title}
    return rest if rest and _comparable(first) in repeated else text


# Invitations to follow, subscribe or share that close a post: the site's, not the post's.
_CLOSING_CALL_TO_ACTION = re.compile(
    r"\b(?:follow\s+(?:us|me|him|her|them)\b|subscribe|sign\s+up|newsletter|share\s+(?:it|this)"
    r"|like\s+this\s+(?:story|article|post)|get\s+the\s+latest|download\s+(?:our|the)\s+app)",
    re.I,
)
_MAX_CLOSING_CALL_WORDS = 30


def _without_closing_calls_to_action(text: str) -> str:
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


# ---------------------------------------------------------------------------
# Dates

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DATE_PATTERNS = (
    re.compile(r"(?<!\d)(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)"),
    # US order: the clinics are American
    re.compile(r"(?<!\d)(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})(?!\d)"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+(?P<year>\d{{4}})\b", re.I),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})\b", re.I),
)
# /2025/03/04/slug or a slug holding 2025-03-04
_URL_DATE = re.compile(
    r"/(?P<year>(?:19|20)\d{2})/(?P<month>\d{1,2})/(?P<day>\d{1,2})(?:/|$)"
    r"|(?<!\d)(?P<iso>(?:19|20)\d{2}-\d{2}-\d{2})(?!\d)"
)
# Visible dates introduced as the publication date ("Posted March 3, 2025").
_PUBLISHED_PHRASE = re.compile(r"\b(?:posted|published)(?:\s+on)?\s*:?\s*$", re.I)
# Elements a theme marks as holding the date ("entry-meta", "post-date", "byline").
_DATE_CLASS = re.compile(r"(?:^|-)(?:date|posted|published|pubdate|time-?stamp|byline|meta)(?:-|$)")
# Such an element is a short line; a long one is a container whose class only mentions it.
_MAX_DATE_LINE_CHARS = 200
_UPDATE_CLASS = re.compile(r"updated|modified")
_EARLIEST_YEAR = 1995  # before the web had blogs


def _valid_date(year: int, month: int, day: int) -> str | None:
    if not _EARLIEST_YEAR <= year <= date.today().year + 1:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _date_from_match(match: re.Match) -> str | None:
    month = match.group("month")
    number = int(month) if month.isdigit() else _MONTHS[month[:3].lower()]
    return _valid_date(int(match.group("year")), number, int(match.group("day")))


def _dates_in(text: str) -> list[tuple[int, str]]:
    """(position, ISO date) of every recognised date in the text, in order."""
    found = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if iso := _date_from_match(match):
                found.append((match.start(), iso))
    return sorted(found)


def _first_date(text: str | None) -> str | None:
    dates = _dates_in(text or "")
    return dates[0][1] if dates else None


def _date_from_url(url: str | None) -> str | None:
    path = re.sub(r"^[a-z]+://[^/]+", "", url or "", flags=re.I)
    for match in _URL_DATE.finditer(path):
        if match.group("iso"):
            iso = _first_date(match.group("iso"))
        else:
            iso = _valid_date(int(match.group("year")), int(match.group("month")), int(match.group("day")))
        if iso:
            return iso
    return None


def _date_from_visible_text(stripped: HtmlElement) -> str | None:
    times = list(stripped.iter("time"))
    # WordPress prints both <time class="entry-date published"> and <time class="updated">
    first_published = sorted(times, key=lambda time: bool(_UPDATE_CLASS.search(time.get("class") or "")))
    for time in first_published:
        if iso := _first_date(time.get("datetime")) or _first_date(_spaced_text(time)):
            return iso
    for element in stripped.iter(etree.Element):
        if any(_DATE_CLASS.search(_normalised_token(token)) for token in _class_and_id_tokens(element)):
            line = _spaced_text(element)
            if len(line) <= _MAX_DATE_LINE_CHARS and (iso := _first_date(line)):
                return iso
    text = _spaced_text(stripped)
    for position, iso in _dates_in(text):
        if _PUBLISHED_PHRASE.search(text[max(0, position - 30) : position]):
            return iso
    return None


# ---------------------------------------------------------------------------
# Page metadata: JSON-LD and <meta>

_JSON_LD = etree.XPath(
    "//script[translate(normalize-space(@type), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    " = 'application/ld+json']"
)
_ARTICLE_TYPE = re.compile(r"(?:Article|Posting|MedicalWebPage)$")
_META_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time", "published_time",
    "datepublished", "publishdate", "publish-date", "publish_date", "pubdate", "article.published",
    "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date.created",
    "dcterms.created", "dc.date", "dcterms.date", "date",
)  # fmt: skip
_META_AUTHOR_KEYS = (
    "author", "article:author", "dc.creator", "dcterms.creator", "byl", "parsely-author", "sailthru.author",
)  # fmt: skip
_ITEMPROP_DATE_PUBLISHED = etree.XPath("//*[@itemprop='datePublished']")


def _json_ld_objects(tree: HtmlElement) -> list[dict]:
    """Every JSON object in the page's JSON-LD blocks, nested ones included, in order."""
    objects = []
    for script in _JSON_LD(tree):
        try:
            pending = deque([json.loads(script.text or "", strict=False)])
        except ValueError:
            continue  # hand-written JSON-LD is often broken; the other sources remain
        while pending:
            item = pending.popleft()
            if isinstance(item, dict):
                objects.append(item)
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
    return objects


def _types(item: dict) -> list[str]:
    kind = item.get("@type")
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str)]
    return [kind] if isinstance(kind, str) else []


def _articles_first(objects: list[dict]) -> list[dict]:
    return sorted(objects, key=lambda item: not any(_ARTICLE_TYPE.search(kind) for kind in _types(item)))


def _person_names(value: object, by_id: dict[str, dict]) -> list[str]:
    if isinstance(value, str):
        return [] if value.startswith(("http://", "https://")) else [value]
    if isinstance(value, list):
        return [name for item in value for name in _person_names(item, by_id)]
    if isinstance(value, dict):
        name = value.get("name") or by_id.get(str(value.get("@id")), {}).get("name")
        return _person_names(name, by_id) if isinstance(name, str | list) else []
    return []


def _json_ld_author(objects: list[dict]) -> str | None:
    # Yoast puts the author in the @graph and refers to it by @id from the article.
    by_id = {str(item["@id"]): item for item in objects if "@id" in item and "name" in item}
    for item in _articles_first(objects):
        if "author" in item and (names := [n for n in map(_clean_author, _person_names(item["author"], by_id)) if n]):
            return ", ".join(dict.fromkeys(names))
    return None


def _json_ld_date(objects: list[dict]) -> str | None:
    for item in _articles_first(objects):
        if isinstance(item.get("datePublished"), str) and (iso := _first_date(item["datePublished"])):
            return iso
    return None


def _meta_values(tree: HtmlElement) -> dict[str, str]:
    """First content of each <meta> key (name, property or itemprop), lower-cased keys."""
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content:
            values.setdefault(key, content)
    return values


def _meta_date(tree: HtmlElement, meta: dict[str, str]) -> str | None:
    for key in _META_DATE_KEYS:
        if iso := _first_date(meta.get(key)):
            return iso
    # Microdata (<time itemprop="datePublished" datetime=...>) is machine-readable page
    # metadata like <meta>, so it counts as "meta".
    for element in _ITEMPROP_DATE_PUBLISHED(tree):
        if iso := _first_date(element.get("datetime") or element.get("content")):
            return iso
    return None


def _declared_date(tree: HtmlElement, objects: list[dict], meta: dict[str, str]) -> tuple[str | None, str | None]:
    """(ISO date, source) from what the page declares for machines: JSON-LD, then <meta>."""
    if iso := _json_ld_date(objects):
        return iso, "json-ld"
    if iso := _meta_date(tree, meta):
        return iso, "meta"
    return None, None


def _published_date(
    declared: tuple[str | None, str | None], stripped: HtmlElement, url: str | None
) -> tuple[str | None, str | None]:
    """(ISO date, source), trying the sources from the most to the least deliberate:
    declared (JSON-LD, meta), the visible text, the URL."""
    if declared[0]:
        return declared
    if iso := _date_from_visible_text(stripped):
        return iso, "text"
    if iso := _date_from_url(url):
        return iso, "url"
    return None, None


# ---------------------------------------------------------------------------
# Author

_CREDENTIALS = r"MD|M\.D\.|DO|D\.O\.|PhD|Ph\.D\.|NP|PA-C|RN|APRN|DNP|CRNA|PMHNP-BC|FNP-C|LCSW|LPC|MSN|MPH"
_NAME = (
    r"(?P<name>(?:(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+)?[A-Z][\w'’.-]*"
    r"(?:\s+(?:[A-Z][\w'’.-]*|de|del|van|von|da|di|la|le))*"
    rf"(?:,?\s+(?:{_CREDENTIALS})(?![\w-]))*)"
)
# "By Dr. Jane Roe", "Posted on March 3, 2025 by Jane Roe, MD"; only at the start of a
# short element, so "photo by ..." credits and body sentences are not bylines.
_BYLINE = re.compile(r"^(?:(?i:posted|written|published)\b.{0,40}?\s)?(?i:by)\s+" + _NAME)
_BYLINE_START = re.compile(r"\s*(?:by|posted|written|published)\b", re.I)
_BYLINE_PREFIX = re.compile(r"^(?:(?:written|posted|published)\s+)?by\s*:?\s+|^author\s*:\s*", re.I)
_BYLINE_END = re.compile(r"\s+(?:on|at|in)\s+|\s+[|•·—–-]\s+|\s*[|•·]\s*")
_BYLINE_CLASS = re.compile(r"(?:^|-)(?:byline|author|writer)(?:-name)?$")
_BYLINE_TAGS = ("p", "div", "span", "a", "li", "address", "small", "em", "strong")
_MAX_BYLINE_CHARS = 150
_MAX_NAME_WORDS = 8


def _clean_author(raw: str | None) -> str | None:
    text = _BYLINE_PREFIX.sub("", " ".join((raw or "").split()))
    text = _BYLINE_END.split(text, maxsplit=1)[0]
    if dates := _dates_in(text):
        text = text[: dates[0][0]]
    text = text.strip(" ,;:")
    plausible = (
        2 <= len(text) <= 80
        and len(text.split()) <= _MAX_NAME_WORDS
        and any(char.isalpha() for char in text)
        and not text.startswith(("http://", "https://"))
    )
    return text if plausible else None


def _name_in_byline(text: str, labelled: bool) -> str | None:
    """The name in a byline ("By Jane Roe | March 3"); an element the page labels as the
    author (class "author", "byline") may hold the bare name."""
    if len(text) > _MAX_BYLINE_CHARS:
        return None
    if match := _BYLINE.match(text):
        return _clean_author(match.group("name"))
    return _clean_author(text) if labelled and not _dates_in(text) else None


def _byline_author(stripped: HtmlElement) -> str | None:
    for link in stripped.xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"):
        if name := _name_in_byline(_spaced_text(link), labelled=True):
            return name
    for element in stripped.xpath("//*[@itemprop='author']"):
        names = element.xpath(".//*[@itemprop='name']")
        named = names[0] if names else element
        raw = element.get("content") or named.get("content") or _spaced_text(named)
        if name := _name_in_byline(raw, labelled=True):
            return name
    for element in stripped.iter(*_BYLINE_TAGS):
        labelled = any(_BYLINE_CLASS.search(_normalised_token(token)) for token in _class_and_id_tokens(element))
        if labelled and (name := _name_in_byline(_spaced_text(element), labelled=True)):
            return name
    for element in stripped.iter(*_BYLINE_TAGS):
        # text_content() is one C call; _spaced_text only for what may match _BYLINE
        if _BYLINE_START.match(element.text_content()) and (
            name := _name_in_byline(_spaced_text(element), labelled=False)
        ):
            return name
    return None


def _declared_author(objects: list[dict], meta: dict[str, str]) -> str | None:
    meta_author = next((name for key in _META_AUTHOR_KEYS if (name := _clean_author(meta.get(key)))), None)
    return _json_ld_author(objects) or meta_author


def _author(declared: str | None, stripped: HtmlElement) -> str | None:
    # Not trafilatura's author XPaths after these: on the pages of the article-extraction
    # benchmark where they were reached they found a name 7 times in 22, 4 of them wrong
    # ("November", "... wire services Published"), for a third of the page's extraction time.
    return declared or _byline_author(stripped)


# ---------------------------------------------------------------------------
# Title

# " | ", " – ", " — ", " · ", " • ", " » ", " :: " and a spaced hyphen separate a site name
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—·•»]|::)\s+|\s+-\s+")
# A leading segment is only taken for a site name behind these ("Clinic | Post").
_LEADING_SEPARATOR = re.compile(r"[|»•·]|::")
_MAX_SITE_NAME_WORDS = 4


def _comparable(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


def _names_site(segment: str, site_name: str) -> bool:
    segment, site_name = _comparable(segment), _comparable(site_name)
    if not segment or not site_name:
        return False
    # "Sunrise Clinic" names the site in "Sunrise Clinic of Ohio" and the reverse
    overlaps = min(len(segment), len(site_name)) >= 4 and (site_name in segment or segment in site_name)
    return segment == site_name or overlaps


def _without_site_name(title: str, site_names: list[str], guess: bool) -> str:
    """The title without a leading or trailing site name; when no site name is known and
    `guess` is set, a short last segment (or a short first one before "|") is taken as it."""
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if not separators:
        return title
    first, last = separators[0], separators[-1]
    leading, rest_after_first = title[: first.start()], title[first.end() :]
    trailing, rest_before_last = title[last.end() :], title[: last.start()]
    for site_name in site_names:
        if _names_site(trailing, site_name):
            return rest_before_last
        if _names_site(leading, site_name):
            return rest_after_first
    if site_names or not guess:
        return title
    if len(trailing.split()) <= _MAX_SITE_NAME_WORDS and len(trailing) < len(rest_before_last):
        return rest_before_last
    if (
        _LEADING_SEPARATOR.search(first.group())
        and len(leading.split()) <= _MAX_SITE_NAME_WORDS
        and len(leading) < len(rest_after_first)
    ):
        return rest_after_first
    return title


def _post_heading(stripped: HtmlElement, landmarks: list[HtmlElement]) -> str | None:
    for container in landmarks:
        if (heading := next(container.iter("h1"), None)) is not None:
            return heading.text_content()
    headings = list(itertools.islice(stripped.iter("h1"), 2))
    return headings[0].text_content() if len(headings) == 1 else None


def _title(
    heading: str | None, head_titles: tuple[str | None, str | None], meta: dict[str, str], site_name: str | None
) -> str | None:
    """The post's <h1>, else og:title, else <title>, without the site name."""
    site_names = [name for name in (site_name, meta.get("og:site_name")) if name]
    for candidate, from_heading in ((heading, True), *((title, False) for title in head_titles)):
        text = " ".join((candidate or "").split())
        if text:
            # A post's <h1> rarely carries the site name, and a dash in it is the author's.
            return _without_site_name(text, site_names, guess=not from_heading).strip() or text
    return None


# ---------------------------------------------------------------------------
# Pages and files


def _canonical_url(tree: HtmlElement, meta: dict[str, str]) -> str | None:
    links = tree.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href")
    return (links[0].strip() if links else None) or meta.get("og:url")


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


def _parse(text: str) -> HtmlElement:
    # Bytes with the parser's encoding fixed: the text is decoded already, so a stale
    # <meta charset> or XML declaration in it must not be obeyed again.
    body = text.encode("utf-8", errors="replace").translate(None, _CONTROL_BYTES)
    try:
        return lxml.html.document_fromstring(body, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise ExtractionError(f"not an HTML document ({error})") from error


def extract_page(html: str | bytes, url: str | None = None, *, site_name: str | None = None) -> ExtractedPage:
    """Main text and metadata of one page (bytes are decoded with decode_html)."""
    source = decode_html(html) if isinstance(html, bytes) else html
    tree = _parse(source)
    # What the page declares in <head> and JSON-LD is read before the chrome goes: the pass
    # works in place, and the main-text fallback parses the source again.
    objects, meta = _json_ld_objects(tree), _meta_values(tree)
    page_url = url or _canonical_url(tree, meta)
    declared = declared_canonical(tree)
    declared_date, declared_author = _declared_date(tree, objects, meta), _declared_author(objects, meta)
    head_titles = (meta.get("og:title"), next((t.text_content() for t in tree.iterfind("head/title")), None))
    landmarks = strip_boilerplate(tree)  # from here on, the tree is the page without its chrome
    published_at, date_source = _published_date(declared_date, tree, page_url)
    heading = _post_heading(tree, landmarks)
    title = _title(heading, head_titles, meta, site_name)
    return ExtractedPage(
        title=title,
        author=_author(declared_author, tree),
        published_at=published_at,
        date_source=date_source,
        text=_without_closing_calls_to_action(_without_leading_title(_main_text(tree, source), [title, heading])),
        extractor=EXTRACTOR,
        url=page_url,
        declared_canonical=declared,
    )


def _is_page_file(path: Path) -> bool:
    return path.name.lower().endswith((".html", ".html.gz"))


def iter_page_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The given files, and the .html/.html.gz files under the given folders (sorted)."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(found for found in path.rglob("*") if found.is_file() and _is_page_file(found))
        elif path.exists():
            yield path
        else:
            raise ExtractionError(f"{path}: no such file or folder")


def extract_file(path: str | Path, url: str | None = None) -> ExtractedPage:
    """extract_page over a saved .html or .html.gz file; errors name the file."""
    path = Path(path)
    try:
        body = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            body = gzip.decompress(body)
        return extract_page(body, url)
    except Exception as error:  # whatever fails, the user needs to know on which file
        raise ExtractionError(f"{path}: {error}") from error


def page_record(path: str | Path, url: str | None = None) -> dict:
    """The object `clinicwatch extract` prints for one file."""
    page = asdict(extract_file(path, url))
    fields = ("url", "title", "author", "published_at", "text")
    return {"path": str(path), **{field: page[field] for field in fields}}
