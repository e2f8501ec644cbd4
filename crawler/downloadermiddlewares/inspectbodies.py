"""HTML decoded with pipeline.encoding.decode_html (the extractor's decoder), and bodies
that cannot be what they claim (binary "HTML", empty pages, XML declaring entities) marked on
their fetch row."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Response

from pipeline.crawl_run import UsesCrawlRun
from pipeline.encoding import decode_html

BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive", b"\x1f\x8b": "gzip data", b"RIFF": "a RIFF (WebP, WAV, AVI) file",
    b"\x00\x00\x00": "a binary file",
}
# Purposes whose empty body means a failed fetch (robots.txt may be empty; a probe may find nothing).
NEEDS_A_BODY = {"page", "listing", "sitemap", "feed"}


def binary_kind(body: bytes) -> str | None:
    """What a body is when it is not text: its file signature, or NUL bytes (never in HTML) near its start."""
    kind = next((name for signature, name in BINARY_SIGNATURES.items() if body.startswith(signature)), None)
    if kind is None and b"\x00" in body[:1024]:
        kind = "a binary file"
    return kind


def as_plain_response(response: Response) -> Response:
    """The same response as a plain (non-text) Response. Not response.replace(cls=Response): on Scrapy
    2.19 a TextResponse's replace() passes its `encoding` attribute on to Response.__init__, which takes
    no such parameter (TypeError)."""
    return Response(**{name: getattr(response, name) for name in Response.attributes})


class InspectBodies(UsesCrawlRun):
    """Sits after decompression. HTML is re-decoded with decode_html, so a page is read the same
    way in a crawl as by `clinicwatch extract`: BOM, HTTP charset, <meta>, detection, and stray
    bytes read as windows-1252 where Scrapy's decoder would put U+FFFD. A binary body served as
    HTML is passed on as a plain (non-text) response, which the spider skips. Binary "HTML" and XML
    declaring entities are lasting failures: remembered, so the next runs skip the URL for a while."""

    def process_response(self, request, response):
        purpose = request.meta.get("purpose")
        if response.status != 200 or request.method == "HEAD":
            return response
        if not response.body:
            if purpose in NEEDS_A_BODY:
                self.run.note_fetch_error(request.url, "empty response body (200 with no content)")
            return response
        if purpose in ("sitemap", "feed", "probe") and b"<!ENTITY" in response.body[:4096]:
            error = "XML declares entities (<!ENTITY>): they are not expanded, and no URL is taken from this document"
            self.run.note_fetch_error(request.url, error)
            self.run.remember_lasting_failure(request, error)
            return response
        if not isinstance(response, HtmlResponse):
            return response
        kind = binary_kind(response.body)
        if kind:
            error = f"served as {response.headers.get('Content-Type', b'').decode()} but is {kind}; skipped"
            self.run.note_fetch_error(request.url, error)
            self.run.remember_lasting_failure(request, error)
            return as_plain_response(response)
        text = decode_html(response.body, (response.headers.get("Content-Type") or b"").decode("latin-1"))
        return response.replace(body=text.encode("utf-8"), encoding="utf-8")
