"""Which fetched pages are blog posts.

Only posts become rows of `posts`. Evidence is weighed from what CMSs declare (JSON-LD,
Open Graph, article meta), from the page's shape (one <article> or many, a visible date)
and from the URL. A URL shape that is never a post (home, the listing, tags, categories,
authors, about, contact, services) settles it whatever the page says, because service
pages of clinics talk about ketamine and neuroplasticity as much as posts do.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from urllib.parse import urlsplit

from pipeline.urls import (
    DATE_PATH,
    PAGINATION,
    TAXONOMY_PATH,
    never_a_post,
    normalize_url,
)

POST_TYPES = {"blogposting", "article", "newsarticle", "socialmediaposting", "reportagenewsarticle",
              "analysisnewsarticle", "medicalscholarlyarticle", "scholarlyarticle", "techarticle", "posting"}
LISTING_TYPES = {"collectionpage", "itemlist", "searchresultspage", "profilepage", "blog"}
PAGE_TYPES = {"aboutpage", "contactpage", "medicalclinic", "medicalbusiness", "localbusiness", "organization",
              "service", "product", "faqpage", "webpage", "website", "physician"}
# Declared things that are not writing: an event, a product, a place, a job.
NOT_POST_TYPES = {"event", "product", "place", "jobposting", "course", "offer", "faqpage", "contactpage", "aboutpage"}
# WordPress marks its pages (not posts) with these body/article classes.
WORDPRESS_PAGE = re.compile(r"(^|\s)(page-id-\d+|type-page|page-template\S*)(\s|$)")
WORDPRESS_POST = re.compile(r"(^|\s)(single-post|type-post|postid-\d+)(\s|$)")
VISIBLE_DATE = re.compile(
    r"\b(posted|published|updated|written)\b[^.\n]{0,40}\b(19|20)\d\d\b|"
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2},? (19|20)\d\d\b",
    re.I,
)


class PageKind(str, Enum):
    POST = "post"
    LISTING = "listing"
    OTHER = "other"


def json_ld_types(tree) -> set[str]:
    """Every @type declared in the page's JSON-LD, lower-cased (including inside @graph)."""
    types: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            kind = node.get("@type")
            for t in kind if isinstance(kind, list) else [kind]:
                if isinstance(t, str):
                    types.add(t.lower())
            walk(node.get("@graph"))
            walk(node.get("mainEntity"))

    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            walk(json.loads(script))
        except ValueError:
            continue
    return types


def meta_content(tree, *names: str) -> str | None:
    for name in names:
        values = tree.xpath(f"//meta[@property='{name}' or @name='{name}']/@content")
        if values and values[0].strip():
            return values[0].strip()
    return None


# Listing cards: a heading linking to another page, at most a short excerpt under it. A paragraph
# whose three nearest ancestors hold exactly one such heading is that card's excerpt.
HEADING_LINKS = "(.//h2//a[@href] | .//h3//a[@href] | .//h4//a[@href])"
MAX_CARD_WORDS = 120
MAX_LISTING_BODY_WORDS = 150


def is_card_list(tree) -> bool:
    """Three or more headings linking elsewhere and no long text beside them: a listing, whatever its
    markup (<article> cards, <li>, <div>). A post's own "related posts" cards sit beside the long post
    text, so they do not count."""
    headings = tree.xpath("//h2[.//a[@href]] | //h3[.//a[@href]] | //h4[.//a[@href]]")
    if len(headings) < 3:
        return False
    body = tree.xpath(f"//body//p[not(ancestor::*[position() <= 3][count({HEADING_LINKS}) = 1])]"
                      "[not(ancestor::nav or ancestor::footer or ancestor::header or ancestor::aside)]")
    if sum(len(p.text_content().split()) for p in body) >= MAX_LISTING_BODY_WORDS:
        return False
    cards = tree.xpath(f"//*[self::article or self::li or self::div][count({HEADING_LINKS}) = 1]"
                       f"[not(parent::*[count({HEADING_LINKS}) = 1])]")
    return all(len(card.text_content().split()) <= MAX_CARD_WORDS for card in cards)


BYLINE = re.compile(r"^\s*(by|written by|posted by|author:)\s+[A-Z][\w.'-]+", re.I)
POST_PATH_SEGMENT = re.compile(r"/(posts?|blog|news|articles?|insights|resources|journal|stories)/[^/]+/?$", re.I)
# How the spider found the page: a feed lists only posts; a sitemap named for posts nearly so.
DISCOVERY_EVIDENCE = {"feed": 2, "post-sitemap": 1}


def has_byline(tree) -> bool:
    return any(BYLINE.match(text) for text in (
        " ".join(el.text_content().split()) for el in tree.xpath(
            "//body//*[self::span or self::div or self::p or self::a or self::address][string-length(normalize-space()) < 80]"))
        if text)


def classify_page(tree, url: str, listing_url: str | None = None, discovered_via: str | None = None) -> PageKind:
    if tree is None:
        return PageKind.OTHER
    path = urlsplit(url).path
    is_listing_url = bool(PAGINATION.search(url) or TAXONOMY_PATH.search(path)) or (
        listing_url is not None and normalize_url(url).rstrip("/") == normalize_url(listing_url).rstrip("/"))
    articles = tree.xpath("//article[not(ancestor::article)][not(contains(@class, 'comment'))]")
    types = json_ld_types(tree)
    if is_listing_url or (types & LISTING_TYPES and not types & POST_TYPES) or (
            not types & POST_TYPES and is_card_list(tree)):
        return PageKind.LISTING
    if never_a_post(url, listing_url) or (types & NOT_POST_TYPES and not types & POST_TYPES):
        return PageKind.OTHER

    evidence = 0
    if types & POST_TYPES:
        evidence += 3
    elif types & PAGE_TYPES:
        evidence -= 1
    og_type = (meta_content(tree, "og:type") or "").lower()
    if og_type == "article":
        evidence += 2
    elif og_type in ("website", "profile", "business.business"):
        evidence -= 1
    if meta_content(tree, "article:published_time", "datePublished", "date", "dc.date", "pubdate"):
        evidence += 1
    if len(articles) == 1:
        evidence += 1
    if tree.xpath("//time[@datetime] | //*[@itemprop='datePublished']"):
        evidence += 1
    body_text = " ".join(tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]"))
    if VISIBLE_DATE.search(body_text[:20000]):
        evidence += 1
    listing_path = urlsplit(listing_url).path.rstrip("/") if listing_url else None
    under_listing = listing_path is not None and path.startswith(listing_path + "/") and path.rstrip("/") != listing_path
    if DATE_PATH.search(path) or POST_PATH_SEGMENT.search(path) or under_listing:
        evidence += 1
    if has_byline(tree):
        evidence += 1
    evidence += DISCOVERY_EVIDENCE.get(discovered_via or "", 0)
    classes = " ".join(tree.xpath("//body/@class | //article/@class"))
    if WORDPRESS_PAGE.search(classes):
        evidence -= 3
    elif WORDPRESS_POST.search(classes):
        evidence += 1
    # JavaScript-only shells carry post metadata but no text: they are still posts, and the
    # pipeline records them as such rather than storing an empty row.
    return PageKind.POST if evidence >= 2 else PageKind.OTHER


# Roots that client-side frameworks render into, and the notice they leave for browsers without JavaScript.
APP_ROOTS = ("//*[@id='root' or @id='app' or @id='__next' or @id='___gatsby' or @id='__nuxt' or @data-reactroot]"
             "[string-length(normalize-space()) < 40]")
NEEDS_JAVASCRIPT = re.compile(r"(enable|requires?|turn on)\s+javascript|javascript (is )?(required|disabled)", re.I)
MAX_SHELL_WORDS = 60


def is_script_shell(tree) -> bool:
    """A page whose text only appears through JavaScript: an empty app root or a "please enable
    JavaScript" notice, and almost no text outside the site's chrome."""
    if tree is None:
        return False
    notice = " ".join(tree.xpath("//noscript//text()"))
    if not (tree.xpath(APP_ROOTS) or NEEDS_JAVASCRIPT.search(notice)):
        return False
    text = tree.xpath("//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::nav"
                      " or ancestor::header or ancestor::footer or ancestor::aside or ancestor::form)]")
    return len(" ".join(text).split()) < MAX_SHELL_WORDS
