"""What a page declares about its post (JSON-LD, <meta>), its author and its title."""

from __future__ import annotations

import itertools
import json
import re
from collections import deque

from lxml import etree
from lxml.html import HtmlElement

from .dates import date_from_url, date_from_visible_text, dates_in, first_date
from .html_tree import class_and_id_tokens, normalised_token, spaced_text

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


def json_ld_objects(tree: HtmlElement) -> list[dict]:
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
        if isinstance(item.get("datePublished"), str) and (iso := first_date(item["datePublished"])):
            return iso
    return None


def meta_values(tree: HtmlElement) -> dict[str, str]:
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
        if iso := first_date(meta.get(key)):
            return iso
    # Microdata (<time itemprop="datePublished" datetime=...>) is machine-readable page
    # metadata like <meta>, so it counts as "meta".
    for element in _ITEMPROP_DATE_PUBLISHED(tree):
        if iso := first_date(element.get("datetime") or element.get("content")):
            return iso
    return None


def declared_date(tree: HtmlElement, objects: list[dict], meta: dict[str, str]) -> tuple[str | None, str | None]:
    """(ISO date, source) from what the page declares for machines: JSON-LD, then <meta>."""
    if iso := _json_ld_date(objects):
        return iso, "json-ld"
    if iso := _meta_date(tree, meta):
        return iso, "meta"
    return None, None


def published_date(
    declared: tuple[str | None, str | None], stripped: HtmlElement, url: str | None
) -> tuple[str | None, str | None]:
    """(ISO date, source), trying the sources from the most to the least deliberate:
    declared (JSON-LD, meta), the visible text, the URL."""
    if declared[0]:
        return declared
    if iso := date_from_visible_text(stripped):
        return iso, "text"
    if iso := date_from_url(url):
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
    if dates := dates_in(text):
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
    return _clean_author(text) if labelled and not dates_in(text) else None


def _byline_author(stripped: HtmlElement) -> str | None:
    for link in stripped.xpath("//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"):
        if name := _name_in_byline(spaced_text(link), labelled=True):
            return name
    for element in stripped.xpath("//*[@itemprop='author']"):
        names = element.xpath(".//*[@itemprop='name']")
        named = names[0] if names else element
        raw = element.get("content") or named.get("content") or spaced_text(named)
        if name := _name_in_byline(raw, labelled=True):
            return name
    for element in stripped.iter(*_BYLINE_TAGS):
        labelled = any(_BYLINE_CLASS.search(normalised_token(token)) for token in class_and_id_tokens(element))
        if labelled and (name := _name_in_byline(spaced_text(element), labelled=True)):
            return name
    for element in stripped.iter(*_BYLINE_TAGS):
        # text_content() is one C call; spaced_text only for what may match _BYLINE
        if _BYLINE_START.match(element.text_content()) and (
            name := _name_in_byline(spaced_text(element), labelled=False)
        ):
            return name
    return None


def declared_author(objects: list[dict], meta: dict[str, str]) -> str | None:
    meta_author = next((name for key in _META_AUTHOR_KEYS if (name := _clean_author(meta.get(key)))), None)
    return _json_ld_author(objects) or meta_author


def post_author(declared: str | None, stripped: HtmlElement) -> str | None:
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


def comparable(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


def _names_site(segment: str, site_name: str) -> bool:
    segment, site_name = comparable(segment), comparable(site_name)
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


def post_heading(stripped: HtmlElement, landmarks: list[HtmlElement]) -> str | None:
    for container in landmarks:
        if (heading := next(container.iter("h1"), None)) is not None:
            return heading.text_content()
    headings = list(itertools.islice(stripped.iter("h1"), 2))
    return headings[0].text_content() if len(headings) == 1 else None


def post_title(
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
