"""What the three demo site styles share (clinicwatch.demo.wordpress, .handwritten,
.squarespace): dates, ids, related posts, share links and paragraphs as those systems write them.

Each style turns a DemoSite into a route table for a base URL. The markup imitates what
those systems really emit (class names, meta tags, JSON-LD, feeds, sitemaps), chrome
included, because the crawler and the extractor are tested against it.
"""

from __future__ import annotations

import hashlib
import zlib
from datetime import date
from urllib.parse import quote

from clinicwatch.demo.markup import (
    body_html,
)
from clinicwatch.demo.model import DemoSite, Post

NEWSLETTER_UTM = "?utm_source=newsletter&utm_medium=email&utm_campaign=monthly"


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def short_date(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def numeric_id(text: str) -> int:
    """A stable WordPress-like post id."""
    return zlib.crc32(text.encode()) % 9000 + 1000


def hex_id(text: str) -> str:
    """A stable Squarespace-like object id."""
    return hashlib.md5(text.encode()).hexdigest()[:24]


def tel(phone: str) -> str:
    return "+1" + "".join(ch for ch in phone if ch.isdigit())


def chunks(posts: list[Post], size: int) -> list[list[Post]]:
    return [posts[i:i + size] for i in range(0, len(posts), size)] or [[]]


def related_posts(site: DemoSite, post: Post, count: int = 3) -> list[Post]:
    """Other posts, those of the same category first."""
    others = [p for p in site.posts_newest_first() if p.slug != post.slug]
    same = [p for p in others if p.category == post.category]
    return (same + [p for p in others if p.category != post.category])[:count]


def post_comments(site: DemoSite, post: Post) -> list[tuple[str, str]]:
    return site.chrome.comments_for(zlib.crc32(post.slug.encode()))


def share_links(url: str, title: str) -> list[tuple[str, str]]:
    return [
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={quote(url, safe='')}"),
        ("X", f"https://twitter.com/intent/tweet?url={quote(url, safe='')}&text={quote(title)}"),
        ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={quote(url, safe='')}"),
        ("Email", f"mailto:?subject={quote(title)}&body={quote(url, safe='')}"),
    ]


def body_paragraphs(site: DemoSite, style, text: str) -> str:
    return "\n".join(body_html(text, lambda slug: style.post_path(site.posts[slug])))
