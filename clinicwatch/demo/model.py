"""What a demo clinic site is made of: posts, information pages, chrome, and the route table it serves.

A site keeps its content, not its HTML: pages are rendered for the base URL the server was
given (absolute links in sitemaps, feeds and canonical tags need it), and re-rendered after
a test edits the content, so incremental-crawl tests can change a site between two crawls.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit

# Query parameters that only track where a visitor came from; the sites serve the same page without them.
TRACKING_PARAMS = {"fbclid", "gclid", "mc_cid", "mc_eid"}


@dataclass(frozen=True)
class Page:
    """One HTTP response. `kind` says what the page is, for the ground truth: post, listing, archive,
    page, home, feed, sitemap, robots, private, redirect, error."""

    status: int
    content_type: str
    body: str | bytes
    headers: dict[str, str] = field(default_factory=dict)
    kind: str = ""

    @property
    def body_bytes(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else self.body.encode("utf-8")


@dataclass(frozen=True)
class Post:
    """A blog post as its author wrote it; `body` is the markdown-ish text (see clinicwatch.demo.markup)."""

    slug: str
    title: str
    date: date
    author: str
    body: str
    relevant: bool
    category: str = "News"
    tags: tuple[str, ...] = ()
    duplicate_group: str | None = None
    modified_at: datetime | None = None


@dataclass(frozen=True)
class InfoPage:
    """A page that is not a post: home, about, contact, services."""

    slug: str
    title: str
    body: str


@dataclass(frozen=True)
class Chrome:
    """The text around the content that an extractor must leave out."""

    tagline: str
    cookie_notice: str
    newsletter_pitch: str
    footer_cta: str
    comments: tuple[tuple[str, str], ...]  # (visitor name, comment text)
    author_bios: dict[str, str]  # author name -> bio shown in the author box

    def phrases(self) -> list[str]:
        return [self.tagline, self.cookie_notice, self.newsletter_pitch, self.footer_cta,
                *(text for _, text in self.comments), *self.author_bios.values()]

    def comments_for(self, index: int) -> list[tuple[str, str]]:
        """Two or three visitor comments for the index-th post, varying from post to post."""
        count = 2 + index % 2
        return [self.comments[(index + k) % len(self.comments)] for k in range(count)]


class Style(Protocol):
    """How one kind of site (WordPress, Squarespace, ...) lays out its URLs and pages."""

    listing_path: str

    def post_path(self, post: Post) -> str: ...

    def routes(self, site: DemoSite, base_url: str) -> dict[str, Page]: ...

    def not_found(self, site: DemoSite, base_url: str) -> Page: ...


def next_second(previous: datetime) -> datetime:
    """Now, to the second, but strictly after `previous`: Last-Modified has one-second resolution, and a
    page changed twice within a second must still look changed to If-Modified-Since."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    return max(now, previous.replace(microsecond=0) + timedelta(seconds=1))


def request_key(target: str) -> str:
    """Path and query of a request target, the key of the route table."""
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def without_tracking(key: str) -> str:
    parts = urlsplit(key)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.startswith("utm_") and k not in TRACKING_PARAMS]
    return parts.path + (f"?{urlencode(query)}" if query else "")


def with_slash_toggled(key: str) -> str:
    parts = urlsplit(key)
    path = parts.path[:-1] if parts.path.endswith("/") and parts.path != "/" else parts.path + "/"
    return path + (f"?{parts.query}" if parts.query else "")


@dataclass(eq=False)
class DemoSite:
    """A fictional clinic site: its details, its content, and what it answers to each path.

    Content can be changed while the site is served (add_post, remove_post, set_post_text,
    update_post, set_page, remove_page); every request path is appended to `requests`.
    """

    key: str
    name: str
    location: str
    street: str
    phone: str
    utc_offset_hours: int
    style: Style
    chrome: Chrome
    posts: dict[str, Post]
    info_pages: dict[str, InfoPage]
    requests: list[str] = field(default_factory=list, init=False)
    updated_at: datetime = field(init=False)
    _overrides: dict[str, Page | None] = field(default_factory=dict, init=False)
    _version: int = field(default=0, init=False)
    _rendered: dict[str, tuple[int, dict[str, Page]]] = field(default_factory=dict, init=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, init=False)

    def __post_init__(self) -> None:
        self.updated_at = max((self.post_modified(p) for p in self.posts.values()),
                              default=datetime(2024, 1, 1, tzinfo=timezone.utc))

    @property
    def listing_path(self) -> str:
        return self.style.listing_path

    @property
    def tz(self) -> timezone:
        return timezone(timedelta(hours=self.utc_offset_hours))

    def post_published(self, post: Post) -> datetime:
        """Posts go out at 9 in the morning, clinic time (so the date is the same in UTC)."""
        return datetime.combine(post.date, time(9), tzinfo=self.tz)

    def post_modified(self, post: Post) -> datetime:
        return post.modified_at or self.post_published(post)

    def post_url(self, post: Post, base_url: str) -> str:
        return base_url.rstrip("/") + self.style.post_path(post)

    def posts_newest_first(self) -> list[Post]:
        with self._lock:
            return sorted(self.posts.values(), key=lambda p: (p.date, p.slug), reverse=True)

    # -- changes while serving ------------------------------------------------------------

    def _changed(self) -> None:
        self.updated_at = next_second(self.updated_at)
        self._version += 1

    def add_post(self, post: Post) -> None:
        with self._lock:
            if post.slug in self.posts:
                raise ValueError(f"{self.name} already has a post {post.slug!r}")
            self.posts[post.slug] = post
            self._changed()

    def remove_post(self, slug: str) -> None:
        """The post disappears everywhere: its URL then answers 404."""
        with self._lock:
            del self.posts[slug]
            self._changed()

    def update_post(self, slug: str, **changes) -> Post:
        """Replace fields of a post (title, body, ...); its modification time moves forward."""
        with self._lock:
            old = self.posts[slug]
            new = replace(old, **changes, modified_at=next_second(self.post_modified(old)))
            self.posts[slug] = new
            self._changed()
            return new

    def set_post_text(self, slug: str, body: str) -> Post:
        return self.update_post(slug, body=body)

    def set_page(self, path: str, page: Page) -> None:
        """Serve `page` at path (with query, if any) instead of whatever the site would render."""
        with self._lock:
            self._overrides[request_key(path)] = page
            self._version += 1

    def remove_page(self, path: str) -> None:
        """Answer 404 at path, even for a page the site would otherwise render (a sitemap, robots.txt)."""
        with self._lock:
            self._overrides[request_key(path)] = None
            self._version += 1

    # -- answering requests ---------------------------------------------------------------

    def routes(self, base_url: str) -> dict[str, Page]:
        """The route table for base_url: request key (path, plus ?query if any) -> Page."""
        base_url = base_url.rstrip("/")
        with self._lock:
            cached = self._rendered.get(base_url)
            if cached and cached[0] == self._version:
                return cached[1]
            table = self.style.routes(self, base_url)
            self._rendered[base_url] = (self._version, table)
            return table

    def respond(self, target: str, base_url: str) -> Page:
        """The page for a request target: exact match, else without tracking parameters, else a redirect
        to the same path with or without its trailing slash (as WordPress and Squarespace do), else 404."""
        base_url = base_url.rstrip("/")
        key = request_key(target)
        with self._lock:
            if key in self._overrides:
                return self._overrides[key] or self.style.not_found(self, base_url)
            routes = self.routes(base_url)
        for candidate in (key, without_tracking(key)):
            if candidate in routes:
                return routes[candidate]
        toggled = with_slash_toggled(key)
        if without_tracking(toggled) in routes:
            return Page(301, "text/html; charset=utf-8", f'<a href="{base_url}{toggled}">Moved</a>',
                        {"Location": base_url + toggled}, kind="redirect")
        return self.style.not_found(self, base_url)
