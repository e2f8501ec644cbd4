"""Scrapy's redirect and meta-refresh middlewares, stopping a redirect loop at once and
saying on the fetch row why a redirect was not followed (a loop, too many, a non-http target)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares import redirect
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_meta_refresh
from w3lib.url import canonicalize_url

from pipeline.crawl_run import crawl_run_of

from .dropped import NotesDroppedResponses


class FollowsRedirectsOnce(NotesDroppedResponses):
    """A redirect back to a URL of the same chain is a loop: stopped at once, with the chain on
    the fetch row (Scrapy's duplicate filter would drop it without a word). A loop, or a chain
    longer than REDIRECT_MAX_TIMES, is remembered as a lasting failure of the chain's first URL."""

    lasting = True

    def dropped(self, request, exception):
        return f"more than REDIRECT_MAX_TIMES ({self.max_redirect_times}) redirects in a row"

    def redirect_target(self, response) -> str | None:
        """Where the response redirects to, as written (a Location header; meta refresh: its subclass)."""
        if 300 <= response.status < 400 and response.headers.get("Location"):
            return response.headers["Location"].decode("latin-1")
        return None

    def note_not_followed(self, request, target: str) -> None:
        # Noted, not remembered as lasting (self.note would): such a redirect costs one small request.
        crawl_run_of(self.crawler).note_fetch_error(
            request.url, f"redirects to {target}: only http and https URLs are followed")

    def process_response(self, request, response):
        try:
            result = super().process_response(request, response)
        except ValueError:
            # A target Scrapy cannot make a request of (mailto:, javascript: raise "Missing scheme").
            target = self.redirect_target(response)
            if target is None:
                raise
            self.note_not_followed(request, target)
            return response
        if isinstance(result, Request):
            chain = [*request.meta.get("redirect_urls", []), request.url]
            keys = [canonicalize_url(url) for url in chain]
            target = canonicalize_url(result.url)
            if target in keys:
                loop = " → ".join([*chain[keys.index(target):], result.url])
                self.note(request, f"redirect loop: {loop}")
                raise IgnoreRequest(f"redirect loop: {loop}")
        elif result is response:
            target = self.redirect_target(response)
            if target is not None and urlsplit(urljoin(response.url, target.strip())).scheme not in ("http", "https"):
                self.note_not_followed(request, target)
        return result


class RedirectMiddleware(FollowsRedirectsOnce, redirect.RedirectMiddleware):
    pass


class MetaRefreshMiddleware(FollowsRedirectsOnce, redirect.MetaRefreshMiddleware):
    def redirect_target(self, response) -> str | None:
        """A meta refresh Scrapy would follow (within METAREFRESH_MAXDELAY); file:, mailto:, javascript:
        targets were dropped without a word before (issue 12, item 13b)."""
        if not isinstance(response, HtmlResponse) or response.request is None or response.request.meta.get("dont_redirect"):
            return None
        interval, url = get_meta_refresh(response, ignore_tags=self._ignore_tags)
        return url if url and interval < self._maxdelay else None
