"""What the spider yields. Spiders only discover and fetch; every field past the first
block is filled by the item pipelines in pipeline/."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PostPage:
    """A fetched page the spider judged to be a blog post."""

    site: str
    url: str  # as fetched, after redirects
    body: bytes  # as served; ExtractText decodes it (pipeline.extract.decode_html)
    content_type: str | None = None  # the Content-Type header, for its charset
    etag: str | None = None
    last_modified: str | None = None
    sitemap_lastmod: str | None = None
    script_shell: bool = False  # the page's text only appears through JavaScript
    rendered: bool = False  # body is the DOM after headless Chromium ran its scripts (--render-js)
    # Filled by the pipeline stages, in order.
    html: str = ""
    declared_canonical: str | None = None  # its <link rel="canonical"> href, as written
    canonical_url: str | None = None
    title: str | None = None
    author: str | None = None
    published_at: str | None = None
    date_source: str | None = None
    text: str = ""
    extractor: str | None = None
    is_relevant: bool = False
    relevance_score: float | None = None
    relevance_concepts: list[str] = field(default_factory=list)
    content_hash: str | None = None
    minhash: bytes | None = None


@dataclass
class UnchangedPost:
    """A known post that answered 304 Not Modified to a conditional GET."""

    site: str
    url: str


@dataclass
class GonePost:
    """A known post that now answers 404 or 410."""

    site: str
    url: str
    status: int
