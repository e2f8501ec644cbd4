"""Every fetch a row of `fetches`: next to the downloader, so it sees every redirect hop
and retry, with a failure described in words that say what to do."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    IgnoreRequest,
)
from twisted.internet.error import DNSLookupError

from crawler.resolver import refusal_of
from pipeline.crawl_run import UsesCrawlRun

from .privatehosts import RefusedTarget
from .sizelimits import size_limit_of

FAILURE_HINTS = {
    "CannotResolveHostError": "the host name does not resolve; check the site's url in the sources file",
    "DNSLookupError": "the host name does not resolve; check the site's url in the sources file",
    "DownloadConnectionRefusedError": "the server refused the connection; the site may be down",
    "ConnectionRefusedError": "the server refused the connection; the site may be down",
    "DownloadTimeoutError": "no answer within DOWNLOAD_TIMEOUT",
    "TimeoutError": "no answer within DOWNLOAD_TIMEOUT",
    "TCPTimedOutError": "the connection timed out",
    "ResponseNeverReceived": "the connection closed before a response came",
    "DownloadFailedError": "the connection closed before a whole response came",
    "ResponseDataLossError": "the connection closed before the whole body came",
    "ConnectError": "could not connect",
}


WRAPPED_TWISTED_FAILURE = re.compile(r"<twisted\.python\.failure\.Failure ([\w.]+): ([^>]*)>")


def describe_failure(exception: BaseException, size_limit: tuple[str, int] | None = None) -> str:
    """A one-line error for the fetches table that says what happened and what to check.
    size_limit: the setting and value that limit the request's response size."""
    name = type(exception).__name__
    detail = str(exception).strip()
    if name == "DownloadCancelledError" and size_limit:
        # Scrapy cancels a download past its size limit, sometimes with no message at all.
        setting, limit = size_limit
        return f"{name}: the response is larger than {setting} ({limit} bytes)" + (
            f": {detail}" if detail and detail != name else "")
    wrapped = WRAPPED_TWISTED_FAILURE.search(detail)
    if wrapped:  # Scrapy's message is the repr of a list of Twisted failures: keep the first's class and text
        detail = f"{wrapped.group(1).rsplit('.', 1)[-1]}: {wrapped.group(2)}"
    detail = detail or name
    hint = FAILURE_HINTS.get(name)
    return f"{name}: {detail}" + (f" ({hint})" if hint and hint not in detail else "")


class RecordFetches(UsesCrawlRun):
    """Every fetch, failed ones included, becomes a row of `fetches`: each redirect hop and
    each retry too, because this sits next to the downloader."""

    def process_response(self, request, response):
        self.run.record_fetch(request, response.status, None, len(response.body))
        return response

    def process_exception(self, request, exception):
        # robots.txt refusals are not fetches: nothing was asked of the server.
        if isinstance(exception, IgnoreRequest) and not isinstance(exception, RefusedTarget):
            return None
        # A name the resolver refused reaches here as a failed lookup; the fetch row says why.
        refused = refusal_of(urlsplit(request.url).hostname) if isinstance(exception, (DNSLookupError, CannotResolveHostError)) else None
        error = str(exception) if isinstance(exception, RefusedTarget) else refused or describe_failure(
            exception, size_limit_of(request, self.crawler.settings))
        self.run.record_fetch(request, None, error, None)
        if isinstance(exception, DownloadCancelledError):  # over its size limit: as large tomorrow
            self.run.remember_lasting_failure(request, error)
        return None
