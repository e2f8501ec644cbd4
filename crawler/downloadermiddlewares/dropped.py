"""The base of Scrapy's middlewares replaced here: Scrapy drops some responses by raising
IgnoreRequest from process_response, and this says why on the response's fetch row."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

from pipeline.crawl_run import crawl_run_of


class NotesDroppedResponses:
    """Scrapy drops some responses by raising IgnoreRequest from process_response, which no
    downloader middleware's process_exception sees: this says why on the fetch row."""

    crawler = None
    # Whether what made the response dropped will stay (a loop, a compression bomb): remembered, so
    # the URL is skipped for a while (crawler.downloadermiddlewares.knownfailures).
    lasting = False

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        middleware.crawler = crawler
        return middleware

    def note(self, request, error: str) -> None:
        run = crawl_run_of(self.crawler)
        run.note_fetch_error(request.url, error)
        if self.lasting:
            run.remember_lasting_failure(request, error)

    def dropped(self, request, exception: IgnoreRequest) -> str:
        return str(exception)

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            self.note(request, self.dropped(request, exc))
            raise
