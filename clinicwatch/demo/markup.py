"""Building blocks shared by the site styles: post bodies as HTML and text, feeds, sitemaps, responses.

Post bodies use a small markdown subset: blocks separated by blank lines; `## ` and `### `
headings; blocks whose lines all start with `- ` are bulleted lists; `**bold**`, `*em*` and
`[text](target)` links, where a `post:<slug>` target links to another post of the same site.
A markdown library would do, but none is a dependency, and this subset is all the posts use.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from email.utils import format_datetime
from html import escape, unescape
from typing import Callable, Iterable
from xml.sax.saxutils import escape as xml_escape

from clinicwatch.demo.model import Page

HTML = "text/html; charset=utf-8"
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
BOLD = re.compile(r"\*\*(.+?)\*\*")
EMPHASIS = re.compile(r"\*(.+?)\*")


def blocks(body: str) -> list[tuple[str, str | list[str]]]:
    """("h2" | "h3" | "p", text) or ("ul", items), in order."""
    result: list[tuple[str, str | list[str]]] = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = [line.strip() for line in chunk.strip().splitlines()]
        if lines[0].startswith("### "):
            result.append(("h3", lines[0][4:]))
        elif lines[0].startswith("## "):
            result.append(("h2", lines[0][3:]))
        elif all(line.startswith("- ") for line in lines):
            result.append(("ul", [line[2:] for line in lines]))
        else:
            result.append(("p", " ".join(lines)))
    return result


def inline_html(text: str, link_for: Callable[[str], str]) -> str:
    def link(match: re.Match) -> str:
        target = unescape(match.group(2))
        href = link_for(target[5:]) if target.startswith("post:") else target
        return f'<a href="{escape(href)}">{match.group(1)}</a>'

    html = escape(text, quote=False)
    html = LINK.sub(link, html)
    html = BOLD.sub(r"<strong>\1</strong>", html)
    return EMPHASIS.sub(r"<em>\1</em>", html)


def inline_text(text: str) -> str:
    return EMPHASIS.sub(r"\1", BOLD.sub(r"\1", LINK.sub(r"\1", text)))


def body_html(body: str, link_for: Callable[[str], str], *, heading_attrs: str = "", list_attrs: str = "") -> list[str]:
    """One HTML element per block (styles wrap them differently: one container, or one block each)."""
    elements = []
    for tag, content in blocks(body):
        if tag == "ul":
            items = "".join(f"<li>{inline_html(item, link_for)}</li>" for item in content)
            elements.append(f"<ul{list_attrs}>{items}</ul>")
        elif tag == "p":
            elements.append(f"<p>{inline_html(content, link_for)}</p>")
        else:
            elements.append(f"<{tag}{heading_attrs}>{inline_html(content, link_for)}</{tag}>")
    return elements


def body_text(body: str) -> str:
    """The post's main text as a reader sees it: paragraphs and headings separated by blank lines,
    list items one per line."""
    parts = []
    for tag, content in blocks(body):
        parts.append("\n".join(map(inline_text, content)) if tag == "ul" else inline_text(content))
    return "\n\n".join(parts)


def word_count(body: str) -> int:
    return len(body_text(body).split())


def excerpt(body: str, words: int = 40) -> str:
    """The opening words of the first paragraph, as listing pages show them."""
    first = next(inline_text(content) for tag, content in blocks(body) if tag == "p")
    cut = first.split()
    return " ".join(cut[:words]) + ("\u2026" if len(cut) > words else "")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


def rss_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(timezone.utc)).replace("-0000", "+0000")


def iso(moment: datetime) -> str:
    return moment.isoformat()


def json_ld(data: dict, css_class: str = "") -> str:
    attr = f' class="{css_class}"' if css_class else ""
    # "</" inside a script element would end it early.
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json"{attr}>{text}</script>'


def html_page(html: str, kind: str, last_modified: datetime | None = None, status: int = 200) -> Page:
    headers = {"Last-Modified": http_date(last_modified)} if last_modified else {}
    return Page(status, HTML, html, headers, kind=kind)


def xml_page(xml: str, kind: str, content_type: str = "application/xml; charset=utf-8") -> Page:
    return Page(200, content_type, xml, kind=kind)


def text_page(text: str, kind: str = "robots") -> Page:
    return Page(200, "text/plain; charset=utf-8", text, kind=kind)


def sitemap_urlset(entries: Iterable[tuple[str, datetime | None]], stylesheet: str = "") -> str:
    """A sitemaps.org urlset of (loc, lastmod) pairs."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    if stylesheet:
        lines.append(f'<?xml-stylesheet type="text/xsl" href="{xml_escape(stylesheet)}"?>')
    lines.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    for loc, lastmod in entries:
        modified = f"<lastmod>{iso(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{xml_escape(loc)}</loc>{modified}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def sitemap_index(entries: Iterable[tuple[str, datetime | None]], stylesheet: str = "") -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    if stylesheet:
        lines.append(f'<?xml-stylesheet type="text/xsl" href="{xml_escape(stylesheet)}"?>')
    lines.append('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    for loc, lastmod in entries:
        modified = f"<lastmod>{iso(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"  <sitemap><loc>{xml_escape(loc)}</loc>{modified}</sitemap>")
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def rss_feed(*, title: str, link: str, self_url: str, description: str, built: datetime, generator: str,
             items: Iterable[dict]) -> str:
    """An RSS 2.0 feed. Each item: title, link, guid, guid_is_permalink, published, creator, categories,
    description (plain text), content_html (None to leave content:encoded out)."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"  <title>{xml_escape(title)}</title>",
        f'  <atom:link href="{xml_escape(self_url)}" rel="self" type="application/rss+xml"/>',
        f"  <link>{xml_escape(link)}</link>",
        f"  <description>{xml_escape(description)}</description>",
        f"  <lastBuildDate>{rss_date(built)}</lastBuildDate>",
        "  <language>en-US</language>",
        f"  <generator>{xml_escape(generator)}</generator>",
    ]
    for item in items:
        permalink = "true" if item["guid_is_permalink"] else "false"
        out += [
            "  <item>",
            f"    <title>{xml_escape(item['title'])}</title>",
            f"    <link>{xml_escape(item['link'])}</link>",
            f"    <dc:creator><![CDATA[{item['creator']}]]></dc:creator>",
            f"    <pubDate>{rss_date(item['published'])}</pubDate>",
            *(f"    <category><![CDATA[{c}]]></category>" for c in item["categories"]),
            f'    <guid isPermaLink="{permalink}">{xml_escape(item["guid"])}</guid>',
            f"    <description><![CDATA[{item['description']}]]></description>",
        ]
        if item.get("content_html") is not None:
            out.append(f"    <content:encoded><![CDATA[{item['content_html']}]]></content:encoded>")
        out.append("  </item>")
    out += ["</channel>", "</rss>"]
    return "\n".join(out) + "\n"
