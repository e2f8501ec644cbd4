"""The one URL a post is stored under: its declared rel=canonical when that stays on the
site, without tracking parameters or AMP variants."""

from __future__ import annotations

from lxml import etree

from pipeline.urls import absolute, is_crawlable, normalize_url, same_site

# rel is a list of tokens, compared without case (HTML: <link rel="canonical alternate">).
_CANONICAL_HREFS = etree.XPath(
    "//link[contains(concat(' ', translate(normalize-space(@rel), 'CANOICL', 'canoicl'), ' '), ' canonical ')]/@href"
)


def declared_canonical(tree) -> str | None:
    """The page's <link rel=canonical> href as written: the one rule for a page's declared URL,
    read by the extractor (a saved page's URL) and used by the crawl (the URL a post is stored under)."""
    if tree is None:
        return None
    hrefs = [href.strip() for href in _CANONICAL_HREFS(tree)]
    return hrefs[0] if hrefs and hrefs[0] else None


def canonical_url(url: str, declared: str | None = None) -> str:
    """A declared canonical pointing off-site (syndication) or to a non-page is ignored:
    the copy is stored under its own URL and linked to the original through duplicate_of."""
    target = absolute(url, declared)
    if target and is_crawlable(target) and same_site(target, url):
        url = target
    return normalize_url(url)
