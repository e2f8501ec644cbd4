"""The one URL a post is stored under: its declared rel=canonical when that stays on the
site, without tracking parameters or AMP variants."""

from __future__ import annotations

from crawler.urls import absolute, is_crawlable, normalize_url, same_site


def declared_canonical(tree) -> str | None:
    if tree is None:
        return None
    hrefs = tree.xpath("//link[@rel='canonical']/@href")
    return hrefs[0].strip() if hrefs and hrefs[0].strip() else None


def canonical_url(url: str, declared: str | None = None) -> str:
    """A declared canonical pointing off-site (syndication) or to a non-page is ignored:
    the copy is stored under its own URL and linked to the original through duplicate_of."""
    target = absolute(url, declared)
    if target and is_crawlable(target) and same_site(target, url):
        url = target
    return normalize_url(url)
