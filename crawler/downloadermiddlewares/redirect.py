"""Scrapy's redirect and meta-refresh middlewares, stopping a redirect loop at once and
saying on the fetch row why a redirect was not followed (a loop, too many, a non-http target)."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares import redirect
from scrapy.exceptions import IgnoreRequest
from w3lib.url import canonicalize_url

from pipeline.crawl_run import CrawlRun

from .dropped import NotesDroppedResponses


class FollowsRedirectsOnce(NotesDroppedResponses):
    """A redirect back to a URL of the same chain is a loop: stopped at once, with the chain on
    the fetch row (Scrapy's duplicate filter would drop it without a word). A loop, or a chain
    longer than REDIRECT_MAX_TIMES, is remembered as a lasting failure of the chain's first URL."""

    lasting = True

    def dropped(self, request, exception):
        return f"more than REDIRECT_MAX_TIMES ({self.max_redirect_times}) redirects in a row"

    def process_response(self, request, response):
        result = super().process_response(request, response)
        if isinstance(result, Request):
            chain = [*request.meta.get("redirect_urls", []), request.url]
            keys = [canonicalize_url(url) for url in chain]
            target = canonicalize_url(result.url)
            if target in keys:
                loop = " → ".join([*chain[keys.index(target):], result.url])
                self.note(request, f"redirect loop: {loop}")
                raise IgnoreRequest(f"redirect loop: {loop}")
        elif result is response and 300 <= response.status < 400 and response.headers.get("Location"):
            target = response.headers["Location"].decode("latin-1")
            if urlsplit(target).scheme not in ("", "http", "https"):
                self.crawler.get_extension(CrawlRun).note_fetch_error(
                    request.url, f"redirects to {target}: only http and https URLs are followed")
        return result


class RedirectMiddleware(FollowsRedirectsOnce, redirect.RedirectMiddleware):
    pass


class MetaRefreshMiddleware(FollowsRedirectsOnce, redirect.MetaRefreshMiddleware):
    pass
