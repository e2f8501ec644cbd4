"""Scrapy's decompression, saying on the fetch row when a body inflates past its size
limit (a compression bomb)."""

from __future__ import annotations

from scrapy.downloadermiddlewares import httpcompression

from .dropped import NotesDroppedResponses
from .sizelimits import size_limit_of


class HttpCompressionMiddleware(NotesDroppedResponses, httpcompression.HttpCompressionMiddleware):
    lasting = True  # the same bytes inflate as far again tomorrow

    def dropped(self, request, exception):
        setting, limit = size_limit_of(request, self.crawler.settings)
        return f"the body inflates past {setting} ({limit} bytes): a compression bomb? ({exception})"
