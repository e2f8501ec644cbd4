"""Sitemaps get their own download limit (CLINICWATCH_MAX_SITEMAP_BYTES); pages keep
DOWNLOAD_MAXSIZE."""

from __future__ import annotations


class SizeLimits:
    """Sitemaps may be larger than pages (sitemaps.org allows 50 MiB), so requests for them carry
    their own download limit; HttpCompressionMiddleware applies the same limit to the inflated body."""

    def __init__(self, max_sitemap_bytes: int):
        self.max_sitemap_bytes = max_sitemap_bytes

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("CLINICWATCH_MAX_SITEMAP_BYTES"))

    def process_request(self, request):
        if request.meta.get("purpose") == "sitemap" and "download_maxsize" not in request.meta:
            request.meta["download_maxsize"] = self.max_sitemap_bytes
            request.meta["size_limit_setting"] = "CLINICWATCH_MAX_SITEMAP_BYTES"
        return None


def size_limit_of(request, settings) -> tuple[str, int]:
    """The setting that limits this request's response size, and its value."""
    return (request.meta.get("size_limit_setting", "DOWNLOAD_MAXSIZE"),
            request.meta.get("download_maxsize", settings.getint("DOWNLOAD_MAXSIZE")))
