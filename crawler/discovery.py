"""Finding posts: sitemaps, feeds, listing pages. Pure functions over fetched bodies, so
each way of discovery is testable without a crawl."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from pipeline.urls import (
    CALENDAR_TRAP,
    PAGINATION,
    TAXONOMY_PATH,
    absolute,
    is_crawlable,
    same_site,
    strip_tracking,
)

# Where CMSs put their sitemaps and feeds, tried only when robots.txt and the page name none.
COMMON_SITEMAP_PATHS = ("/sitemap_index.xml", "/sitemap.xml", "/wp-sitemap.xml", "/post-sitemap.xml",
                        "/blog-posts-sitemap.xml")
COMMON_FEED_PATHS = ("/feed/", "/rss.xml", "/blog-feed.xml", "/rss/", "/feed.xml", "/atom.xml")
# Child sitemaps of an index that list no posts (WordPress/Yoast/Rank Math/Wix naming).
NON_POST_SITEMAP_WORDS = {"page", "pages", "category", "categories", "tag", "tags", "author", "authors", "product",
                          "products", "attachment", "media", "image", "images", "video", "videos", "portfolio",
                          "location", "locations", "event", "events", "taxonomy", "user", "users"}
NEXT_TEXT = re.compile(r"^\s*(older( posts| entries)?|next( page)?|more posts|load more|previous posts|»|›|→|>>)\s*[»›→]?\s*$", re.I)
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed sitemap


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: str | None = None


@dataclass(frozen=True)
class SitemapContent:
    is_index: bool
    entries: tuple[SitemapEntry, ...]


def sitemaps_from_robots(robots_txt: bytes, base_url: str) -> list[str]:
    return list(sitemap_urls_from_robots(robots_txt, base_url=base_url))


def sitemap_body(body: bytes) -> bytes:
    """A sitemap's XML, gunzipped when it came compressed (bounded, so a gzip bomb stops at the limit)."""
    if body[:2] == b"\x1f\x8b":
        return gunzip(body, max_size=MAX_SITEMAP_BYTES)
    return body


def parse_sitemap(body: bytes) -> SitemapContent | None:
    """Entries of a urlset or sitemapindex; None when the body is not a sitemap. Entities are never resolved."""
    try:
        sitemap = Sitemap(sitemap_body(body))
    except Exception:  # lxml raises several types for non-XML bodies; all mean "not a sitemap"
        return None
    if sitemap.type not in ("urlset", "sitemapindex"):
        return None
    entries = tuple(SitemapEntry(e["loc"].strip(), (e.get("lastmod") or "").strip() or None)
                    for e in sitemap if e.get("loc"))
    return SitemapContent(sitemap.type == "sitemapindex", entries)


def sitemap_words(sitemap_url: str) -> set[str]:
    return set(re.split(r"[^a-z]+", urlsplit(sitemap_url).path.rsplit("/", 1)[-1].lower()))


def names_posts(sitemap_url: str) -> bool:
    """A sitemap named for posts (post-sitemap.xml, sitemap-posts.xml, blog-posts-sitemap.xml)."""
    return bool(sitemap_words(sitemap_url) & {"post", "posts", "blog", "article", "articles", "news"}) and lists_posts(
        sitemap_url)


def lists_posts(sitemap_url: str) -> bool:
    """False for child sitemaps of pages, taxonomies and media, which hold no posts."""
    return not sitemap_words(sitemap_url) & NON_POST_SITEMAP_WORDS


def parse_feed(body: bytes, base_url: str) -> list[str] | None:
    """Item links of an RSS 2.0 or Atom feed; None when the body is not a feed.

    Written here rather than with feedparser: two element shapes suffice, and lxml (already a
    dependency) parses them with entity expansion and network access off.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body.strip(), parser=parser)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    tag = etree.QName(root).localname.lower()
    links: list[str] = []
    if tag in ("rss", "rdf"):
        for item in root.iter("{*}item"):
            link = item.find("{*}link")
            guid = item.find("{*}guid")
            href = link.text if link is not None and link.text else (guid.text if guid is not None else None)
            if href:
                links.append(urljoin(base_url, href.strip()))
    elif tag == "feed":
        for entry in root.iter("{*}entry"):
            for link in entry.findall("{*}link"):
                if link.get("rel", "alternate") == "alternate" and link.get("href"):
                    links.append(urljoin(base_url, link.get("href").strip()))
                    break
    else:
        return None
    return links


@dataclass(frozen=True)
class PageLinks:
    feeds: tuple[str, ...]
    next_pages: tuple[str, ...]
    links: tuple[str, ...]


def page_tree(body: str | bytes):
    try:
        return lxml_html.fromstring(body) if body else None
    except (etree.ParserError, ValueError):
        return None


def page_links(tree, page_url: str) -> PageLinks:
    """Feeds a page advertises, its pagination links, and its other same-site links (tracking stripped)."""
    if tree is None:
        return PageLinks((), (), ())
    base = tree.xpath("string(//base/@href)") or page_url
    feeds = []
    for link in tree.xpath("//link[@rel='alternate'][@href]"):
        if re.search(r"(rss|atom)\+xml", link.get("type", ""), re.I):
            feeds.append(absolute(base, link.get("href")))
    next_pages: list[str] = []
    for href in tree.xpath("//link[@rel='next']/@href | //a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"):
        next_pages.append(absolute(base, href))
    links: list[str] = []
    for anchor in tree.xpath("//a[@href]"):
        url = absolute(base, anchor.get("href"))
        if not url or not is_crawlable(url) or not same_site(url, page_url):
            continue
        url = strip_tracking(url)
        text = anchor.text_content()
        if NEXT_TEXT.match(text or "") or (PAGINATION.search(url) and not TAXONOMY_PATH.search(urlsplit(url).path)):
            next_pages.append(url)
        else:
            links.append(url)
    clean = lambda urls: tuple(dict.fromkeys(u for u in urls if u and same_site(u, page_url)))  # noqa: E731
    next_clean = tuple(u for u in clean(next_pages) if not CALENDAR_TRAP.search(u))
    return PageLinks(clean(feeds), next_clean, tuple(u for u in clean(links) if u not in next_clean))
