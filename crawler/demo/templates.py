"""The three demo site styles: WordPress with Yoast, a hand-written site, and a Squarespace-like one.

Each style turns a DemoSite into a route table for a base URL. The markup imitates what
those systems really emit (class names, meta tags, JSON-LD, feeds, sitemaps), chrome
included, because the crawler and the extractor are tested against it.
"""

from __future__ import annotations

import hashlib
import zlib
from datetime import date
from html import escape
from urllib.parse import quote

from crawler.demo.markup import (body_html, excerpt, html_page, iso, json_ld, rss_feed, sitemap_index, sitemap_urlset,
                                 slugify, text_page, word_count, xml_page)
from crawler.demo.model import DemoSite, Page, Post

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


DRAFT_BODY = """## Draft: maintenance schedules

Working notes for an upcoming article about how often patients return for booster infusions once the
initial series is finished. Not for publication until Dr. Okafor has reviewed the outcome numbers.

- Compare four-week and six-week booster intervals
- Ask three patients whether they are willing to be quoted"""


class WordPressStyle:
    """WordPress 6 with Yoast SEO and Jetpack: /blog/ paginated at /blog/page/N/, posts at /blog/<slug>/."""

    listing_path = "/blog/"
    page_size = 5

    def post_path(self, post: Post) -> str:
        return f"/blog/{post.slug}/"

    @staticmethod
    def listing_page_path(number: int) -> str:
        return "/blog/" if number == 1 else f"/blog/page/{number}/"

    @staticmethod
    def category_path(name: str) -> str:
        return f"/category/{slugify(name)}/"

    @staticmethod
    def tag_path(name: str) -> str:
        return f"/tag/{slugify(name)}/"

    @staticmethod
    def author_path(name: str) -> str:
        return f"/author/{slugify(name)}/"

    def routes(self, site: DemoSite, base: str) -> dict[str, Page]:
        posts = site.posts_newest_first()
        routes: dict[str, Page] = {"/": self._home(site, base, posts)}
        for slug in ("about", "services", "contact"):
            routes[f"/{slug}/"] = self._info_page(site, base, slug)
        pages = chunks(posts, self.page_size)
        for number, chunk in enumerate(pages, start=1):
            routes[self.listing_page_path(number)] = self._listing(site, base, chunk, number, len(pages))
        for post in posts:
            routes[self.post_path(post)] = self._post(site, base, post)
        for category in sorted({p.category for p in posts}):
            routes[self.category_path(category)] = self._archive(
                site, base, "Category", category, self.category_path(category), [p for p in posts if p.category == category])
        for tag in sorted({t for p in posts for t in p.tags}):
            routes[self.tag_path(tag)] = self._archive(
                site, base, "Tag", tag, self.tag_path(tag), [p for p in posts if tag in p.tags])
        for author in sorted({p.author for p in posts}):
            routes[self.author_path(author)] = self._archive(
                site, base, "Author", author, self.author_path(author), [p for p in posts if p.author == author])
        routes["/feed/"] = self._feed(site, base, posts)
        routes.update(self._sitemaps(site, base, posts))
        routes["/robots.txt"] = text_page(
            "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\nDisallow: /private/\n\n"
            f"Sitemap: {base}/sitemap_index.xml\n")
        routes["/private/draft/"] = self._draft(site, base)
        routes["/wp-admin/"] = html_page(
            f'<!DOCTYPE html><html><head><title>Log In &lsaquo; {escape(site.name)} &#8212; WordPress</title></head>'
            '<body class="login"><form name="loginform" id="loginform" action="/wp-login.php" method="post">'
            '<label for="user_login">Username or Email Address</label><input type="text" name="log" id="user_login">'
            '<label for="user_pass">Password</label><input type="password" name="pwd" id="user_pass">'
            '<input type="submit" value="Log In"></form></body></html>', kind="private")
        return routes

    def not_found(self, site: DemoSite, base: str) -> Page:
        main = ('<section class="error-404 not-found"><header class="page-header"><h1 class="page-title">'
                'Oops! That page can&rsquo;t be found.</h1></header><div class="page-content"><p>It looks like nothing '
                'was found at this location. Maybe try one of the links below or a search?</p></div></section>')
        html = self._document(site, base, title=f"Page not found - {site.name}", canonical="", og_type="website",
                              description="", body_class="error404", main=main)
        return html_page(html, kind="error", status=404)

    # -- pages ------------------------------------------------------------------------------

    def _home(self, site: DemoSite, base: str, posts: list[Post]) -> Page:
        home = site.info_pages["home"]
        latest = "".join(
            f'<li class="wp-block-latest-posts__item"><a class="wp-block-latest-posts__post-title" '
            f'href="{base}{self.post_path(p)}">{escape(p.title)}</a><time datetime="{iso(site.post_published(p))}" '
            f'class="wp-block-latest-posts__post-date">{long_date(p.date)}</time></li>' for p in posts[:3])
        main = (f'<article id="post-2" class="post-2 page type-page status-publish hentry">'
                f'<div class="entry-content"><div class="wp-block-cover hero"><h1 class="wp-block-heading">'
                f'{escape(home.title)}</h1></div>{body_paragraphs(site, self, home.body)}'
                f'<h2 class="wp-block-heading">Latest from our blog</h2>'
                f'<ul class="wp-block-latest-posts__list wp-block-latest-posts">{latest}</ul></div></article>')
        html = self._document(site, base, title=f"{site.name} - {site.chrome.tagline}", canonical=f"{base}/",
                              og_type="website", description=site.chrome.tagline, body_class="home page-template-default page",
                              main=main, schema=self._page_schema(site, base, f"{base}/", home.title))
        return html_page(html, kind="home", last_modified=site.updated_at)

    def _info_page(self, site: DemoSite, base: str, slug: str) -> Page:
        page = site.info_pages[slug]
        url = f"{base}/{slug}/"
        form = ""
        if slug == "contact":
            form = ('<div class="wpcf7 js" id="wpcf7-f88-p12-o1" lang="en-US"><form action="/contact/#wpcf7-f88-p12-o1" '
                    'method="post" class="wpcf7-form init"><p><label>Your name<br><input size="40" name="your-name" '
                    'type="text"></label></p><p><label>Your email<br><input size="40" name="your-email" type="email">'
                    '</label></p><p><label>Your message<br><textarea cols="40" rows="10" name="your-message"></textarea>'
                    '</label></p><p><input class="wpcf7-form-control wpcf7-submit" type="submit" value="Send"></p>'
                    '</form></div>')
        main = (f'<article id="post-{numeric_id(slug)}" class="post-{numeric_id(slug)} page type-page status-publish hentry">'
                f'<header class="entry-header"><h1 class="entry-title">{escape(page.title)}</h1></header>'
                f'<div class="entry-content">{body_paragraphs(site, self, page.body)}{form}</div></article>')
        html = self._document(site, base, title=f"{page.title} - {site.name}", canonical=url, og_type="website",
                              description=excerpt(page.body, 25), body_class=f"page-template-default page page-{slug}",
                              main=main, schema=self._page_schema(site, base, url, page.title))
        return html_page(html, kind="page", last_modified=site.updated_at)

    def _entry_summary(self, site: DemoSite, base: str, post: Post) -> str:
        url = f"{base}{self.post_path(post)}"
        pid = numeric_id(post.slug)
        return (f'<article id="post-{pid}" class="post-{pid} post type-post status-publish format-standard hentry '
                f'category-{slugify(post.category)}">'
                f'<header class="entry-header"><h2 class="entry-title"><a href="{url}" rel="bookmark">{escape(post.title)}'
                f'</a></h2>{self._entry_meta(site, base, post)}</header>'
                f'<div class="entry-summary"><p>{escape(excerpt(post.body, 55))} [&hellip;]</p></div>'
                f'<footer class="entry-footer"><a class="more-link" href="{url}">Continue reading<span '
                f'class="screen-reader-text"> &#8220;{escape(post.title)}&#8221;</span></a></footer></article>')

    def _entry_meta(self, site: DemoSite, base: str, post: Post) -> str:
        url = f"{base}{self.post_path(post)}"
        return (f'<div class="entry-meta"><span class="posted-on">Posted on <a href="{url}" rel="bookmark">'
                f'<time class="entry-date published" datetime="{iso(site.post_published(post))}">{long_date(post.date)}'
                f'</time><time class="updated" datetime="{iso(site.post_modified(post))}">'
                f'{long_date(site.post_modified(post).date())}</time></a></span><span class="byline"> by <span '
                f'class="author vcard"><a class="url fn n" href="{base}{self.author_path(post.author)}">'
                f'{escape(post.author)}</a></span></span></div>')

    def _listing(self, site: DemoSite, base: str, posts: list[Post], number: int, last: int) -> Page:
        url = f"{base}{self.listing_page_path(number)}"
        rel = []
        nav = []
        if number < last:
            older = f"{base}{self.listing_page_path(number + 1)}"
            rel.append(f'<link rel="next" href="{older}">')
            nav.append(f'<div class="nav-previous"><a href="{older}">Older posts</a></div>')
        if number > 1:
            newer = f"{base}{self.listing_page_path(number - 1)}"
            rel.append(f'<link rel="prev" href="{newer}">')
            nav.append(f'<div class="nav-next"><a href="{newer}">Newer posts</a></div>')
        header = '<header class="page-header"><h1 class="page-title">Blog</h1></header>'
        if number > 1:
            header = f'<header class="page-header"><h1 class="page-title">Blog &ndash; Page {number}</h1></header>'
        main = (header + "".join(self._entry_summary(site, base, p) for p in posts)
                + f'<nav class="navigation posts-navigation" aria-label="Posts"><h2 class="screen-reader-text">'
                f'Posts navigation</h2><div class="nav-links">{"".join(nav)}</div></nav>')
        html = self._document(site, base, title=f"Blog - {site.name}" + (f" - Page {number}" if number > 1 else ""),
                              canonical=url, og_type="website", description=site.chrome.tagline,
                              body_class="blog hfeed" + (" paged" if number > 1 else ""), main=main,
                              rel_links="\n".join(rel),
                              schema=self._page_schema(site, base, url, "Blog", page_type="CollectionPage"))
        return html_page(html, kind="listing", last_modified=site.updated_at)

    def _archive(self, site: DemoSite, base: str, label: str, name: str, path: str, posts: list[Post]) -> Page:
        url = f"{base}{path}"
        main = (f'<header class="page-header"><h1 class="page-title">{label}: <span>{escape(name)}</span></h1>'
                f'</header>' + "".join(self._entry_summary(site, base, p) for p in posts))
        html = self._document(site, base, title=f"{name} Archives - {site.name}", canonical=url, og_type="website",
                              description="", body_class=f"archive {label.lower()}", main=main,
                              schema=self._page_schema(site, base, url, f"{name} Archives", page_type="CollectionPage"))
        return html_page(html, kind="archive", last_modified=site.updated_at)

    def _post(self, site: DemoSite, base: str, post: Post) -> Page:
        url = f"{base}{self.post_path(post)}"
        pid = numeric_id(post.slug)
        tags = ", ".join(f'<a href="{base}{self.tag_path(t)}" rel="tag">{escape(t)}</a>' for t in post.tags)
        share = "".join(
            f'<li class="share-{label.lower()}"><a rel="nofollow noopener noreferrer" class="share-{label.lower()} '
            f'sd-button share-icon" href="{escape(href)}" target="_blank"><span>{label}</span></a></li>'
            for label, href in share_links(url, post.title))
        related = "".join(
            f'<div class="jp-relatedposts-post jp-relatedposts-post{i}" data-post-format="false"><h4 '
            f'class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="{base}{self.post_path(p)}">'
            f'{escape(p.title)}</a></h4><p class="jp-relatedposts-post-date">{long_date(p.date)}</p>'
            f'<p class="jp-relatedposts-post-context">In &quot;{escape(p.category)}&quot;</p></div>'
            for i, p in enumerate(related_posts(site, post)))
        comments = post_comments(site, post)
        comment_items = "".join(
            f'<li id="comment-{pid + i}" class="comment even thread-even depth-1"><article id="div-comment-{pid + i}" '
            f'class="comment-body"><footer class="comment-meta"><div class="comment-author vcard"><b class="fn">'
            f'{escape(who)}</b> <span class="says">says:</span></div><div class="comment-metadata"><time datetime="'
            f'{post.date.isoformat()}">{long_date(post.date)}</time></div></footer><div class="comment-content"><p>'
            f'{escape(text)}</p></div><div class="reply"><a rel="nofollow" class="comment-reply-link" '
            f'href="#comment-{pid + i}">Reply</a></div></article></li>' for i, (who, text) in enumerate(comments))
        bio = site.chrome.author_bios[post.author]
        previous_next = self._post_navigation(site, base, post)
        main = (
            f'<article id="post-{pid}" class="post-{pid} post type-post status-publish format-standard hentry '
            f'category-{slugify(post.category)} {" ".join("tag-" + slugify(t) for t in post.tags)}">'
            f'<header class="entry-header"><h1 class="entry-title">{escape(post.title)}</h1>'
            f'{self._entry_meta(site, base, post)}</header>'
            f'<div class="entry-content">\n{body_paragraphs(site, self, post.body)}\n'
            f'<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social '
            f'sd-social-icon-text sd-sharing"><h3 class="sd-title">Share this:</h3><div class="sd-content"><ul>{share}'
            f'</ul></div></div></div>'
            f'<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em>'
            f'</h3><div class="jp-relatedposts-items jp-relatedposts-items-visual">{related}</div></div></div>'
            f'<footer class="entry-footer"><span class="cat-links">Posted in <a href="{base}'
            f'{self.category_path(post.category)}" rel="category tag">{escape(post.category)}</a></span>'
            + (f'<span class="tags-links">Tagged {tags}</span>' if tags else "")
            + f'</footer><div class="author-info"><div class="author-avatar"><img alt="" '
            f'src="https://secure.gravatar.com/avatar/{hex_id(post.author)}?s=60&amp;d=mm&amp;r=g" class="avatar" '
            f'height="60" width="60"></div><div class="author-description"><h2 class="author-title"><span '
            f'class="author-heading">Written by</span> {escape(post.author)}</h2><p class="author-bio">{escape(bio)} '
            f'<a class="author-link" href="{base}{self.author_path(post.author)}" rel="author">View all posts by '
            f'{escape(post.author)}</a></p></div></div></article>'
            f'{previous_next}'
            f'<div id="comments" class="comments-area"><h2 class="comments-title">{len(comments)} thoughts on '
            f'&ldquo;{escape(post.title)}&rdquo;</h2><ol class="comment-list">{comment_items}</ol>'
            f'<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply'
            f'</h3><form action="{base}/wp-comments-post.php" method="post" id="commentform" class="comment-form">'
            f'<p class="comment-notes">Your email address will not be published. Required fields are marked *</p>'
            f'<p class="comment-form-comment"><label for="comment">Comment *</label><textarea id="comment" '
            f'name="comment" cols="45" rows="8"></textarea></p><p class="form-submit"><input name="submit" '
            f'type="submit" id="submit" class="submit" value="Post Comment"></p></form></div></div>')
        head = (f'<meta property="article:published_time" content="{iso(site.post_published(post))}">\n'
                f'<meta property="article:modified_time" content="{iso(site.post_modified(post))}">\n'
                f'<meta name="author" content="{escape(post.author)}">\n'
                f'<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" '
                f'content="{escape(post.author)}">\n<meta name="twitter:label2" content="Est. reading time">'
                f'<meta name="twitter:data2" content="{max(1, word_count(post.body) // 200)} minutes">')
        html = self._document(site, base, title=f"{post.title} - {site.name}", canonical=url, og_type="article",
                              description=excerpt(post.body, 25), head_extra=head,
                              body_class=f"post-template-default single single-post postid-{pid} single-format-standard",
                              main=main, schema=self._post_schema(site, base, post, url))
        return html_page(html, kind="post", last_modified=site.post_modified(post))

    def _post_navigation(self, site: DemoSite, base: str, post: Post) -> str:
        posts = site.posts_newest_first()
        index = posts.index(post)
        links = []
        if index + 1 < len(posts):
            older = posts[index + 1]
            links.append(f'<div class="nav-previous"><a href="{base}{self.post_path(older)}" rel="prev"><span '
                         f'class="meta-nav">Previous Post</span> <span class="post-title">{escape(older.title)}</span>'
                         f'</a></div>')
        if index > 0:
            newer = posts[index - 1]
            links.append(f'<div class="nav-next"><a href="{base}{self.post_path(newer)}" rel="next"><span '
                         f'class="meta-nav">Next Post</span> <span class="post-title">{escape(newer.title)}</span>'
                         f'</a></div>')
        return (f'<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post '
                f'navigation</h2><div class="nav-links">{"".join(links)}</div></nav>')

    def _draft(self, site: DemoSite, base: str) -> Page:
        main = (f'<article id="post-9999" class="post-9999 post type-post status-draft hentry"><header '
                f'class="entry-header"><h1 class="entry-title">Ketamine boosters and the rewiring brain (draft)</h1>'
                f'</header><div class="entry-content">{body_paragraphs(site, self, DRAFT_BODY)}</div></article>')
        html = self._document(site, base, title=f"Draft - {site.name}", canonical=f"{base}/private/draft/",
                              og_type="article", description="", body_class="single single-post status-draft", main=main)
        return html_page(html, kind="private", last_modified=site.updated_at)

    # -- feeds and sitemaps ----------------------------------------------------------------

    def _feed(self, site: DemoSite, base: str, posts: list[Post]) -> Page:
        items = [{
            "title": p.title, "link": f"{base}{self.post_path(p)}", "guid": f"{base}/?p={numeric_id(p.slug)}",
            "guid_is_permalink": False, "published": site.post_published(p), "creator": p.author,
            "categories": [p.category, *p.tags], "description": f"{excerpt(p.body, 55)} [&#8230;]",
            "content_html": body_paragraphs(site, self, p.body),
        } for p in posts]
        xml = rss_feed(title=site.name, link=f"{base}/", self_url=f"{base}/feed/", description=site.chrome.tagline,
                       built=site.updated_at, generator="https://wordpress.org/?v=6.4.3", items=items)
        return xml_page(xml, kind="feed", content_type="application/rss+xml; charset=UTF-8")

    def _sitemaps(self, site: DemoSite, base: str, posts: list[Post]) -> dict[str, Page]:
        stylesheet = f"{base}/main-sitemap.xsl"
        newest = max((site.post_modified(p) for p in posts), default=site.updated_at)
        # Yoast lists the posts page first in the post sitemap: a non-post URL in a "post" sitemap.
        post_entries = [(f"{base}{self.listing_path}", newest)] + [
            (f"{base}{self.post_path(p)}", site.post_modified(p)) for p in posts]
        page_entries = [(f"{base}/", site.updated_at)] + [
            (f"{base}/{slug}/", site.updated_at) for slug in ("about", "services", "contact")]
        category_entries = [(f"{base}{self.category_path(c)}", None) for c in sorted({p.category for p in posts})]
        index = sitemap_index([(f"{base}/post-sitemap.xml", newest), (f"{base}/page-sitemap.xml", site.updated_at),
                               (f"{base}/category-sitemap.xml", newest)], stylesheet)
        content_type = "text/xml; charset=UTF-8"
        return {
            "/sitemap_index.xml": xml_page(index, "sitemap", content_type),
            "/post-sitemap.xml": xml_page(sitemap_urlset(post_entries, stylesheet), "sitemap", content_type),
            "/page-sitemap.xml": xml_page(sitemap_urlset(page_entries, stylesheet), "sitemap", content_type),
            "/category-sitemap.xml": xml_page(sitemap_urlset(category_entries, stylesheet), "sitemap", content_type),
        }

    # -- structured data and chrome --------------------------------------------------------

    @staticmethod
    def _graph_common(site: DemoSite, base: str) -> list[dict]:
        return [
            {"@type": "WebSite", "@id": f"{base}/#website", "url": f"{base}/", "name": site.name,
             "description": site.chrome.tagline, "publisher": {"@id": f"{base}/#organization"}, "inLanguage": "en-US"},
            {"@type": ["Organization", "MedicalClinic"], "@id": f"{base}/#organization", "name": site.name,
             "url": f"{base}/", "telephone": site.phone,
             "address": {"@type": "PostalAddress", "streetAddress": site.street, "addressLocality": site.location}},
        ]

    def _page_schema(self, site: DemoSite, base: str, url: str, name: str, page_type: str = "WebPage") -> dict:
        return {"@context": "https://schema.org", "@graph": [
            {"@type": page_type, "@id": url, "url": url, "name": f"{name} - {site.name}",
             "isPartOf": {"@id": f"{base}/#website"}, "dateModified": iso(site.updated_at), "inLanguage": "en-US"},
            *self._graph_common(site, base)]}

    def _post_schema(self, site: DemoSite, base: str, post: Post, url: str) -> dict:
        person = f"{base}/#/schema/person/{hex_id(post.author)}"
        return {"@context": "https://schema.org", "@graph": [
            {"@type": "BlogPosting", "@id": f"{url}#article", "isPartOf": {"@id": url},
             "author": {"name": post.author, "@id": person}, "headline": post.title,
             "datePublished": iso(site.post_published(post)), "dateModified": iso(site.post_modified(post)),
             "mainEntityOfPage": {"@id": url}, "wordCount": word_count(post.body),
             "publisher": {"@id": f"{base}/#organization"}, "articleSection": [post.category],
             "keywords": list(post.tags), "inLanguage": "en-US"},
            {"@type": "WebPage", "@id": url, "url": url, "name": f"{post.title} - {site.name}",
             "isPartOf": {"@id": f"{base}/#website"}, "datePublished": iso(site.post_published(post)),
             "breadcrumb": {"@id": f"{url}#breadcrumb"}, "inLanguage": "en-US"},
            {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Home", "item": f"{base}/"},
                {"@type": "ListItem", "position": 2, "name": "Blog", "item": f"{base}{self.listing_path}"},
                {"@type": "ListItem", "position": 3, "name": post.title}]},
            *self._graph_common(site, base),
            {"@type": "Person", "@id": person, "name": post.author, "url": f"{base}{self.author_path(post.author)}"},
        ]}

    def _document(self, site: DemoSite, base: str, *, title: str, canonical: str, og_type: str, description: str,
                  body_class: str, main: str, head_extra: str = "", rel_links: str = "", schema: dict | None = None) -> str:
        chrome = site.chrome
        posts = site.posts_newest_first()
        nav = "".join(
            f'<li id="menu-item-{10 + i}" class="menu-item menu-item-type-post_type menu-item-object-page '
            f'menu-item-{10 + i}"><a href="{base}{path}">{label}</a></li>'
            for i, (label, path) in enumerate([("Home", "/"), ("About", "/about/"), ("Services", "/services/"),
                                               ("Blog", "/blog/"), ("Contact", "/contact/")]))
        recent = "".join(f'<li><a href="{base}{self.post_path(p)}">{escape(p.title)}</a></li>' for p in posts[:5])
        categories = "".join(
            f'<li class="cat-item"><a href="{base}{self.category_path(c)}">{escape(c)}</a></li>'
            for c in sorted({p.category for p in posts}))
        # Newsletter issues link their featured posts with tracking parameters.
        issues = "".join(
            f'<li><a href="{base}{self.post_path(p)}{NEWSLETTER_UTM}">{label}</a></li>'
            for label, p in zip(("Read the latest issue", "Last month's issue"), [p for p in posts if p.relevant]))
        issue_link = f'<ul class="newsletter-issues">{issues}</ul>' if issues else ""
        canonical_tag = f'<link rel="canonical" href="{canonical}">' if canonical else ""
        og_url = f'<meta property="og:url" content="{canonical}">' if canonical else ""
        return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<!-- This site is optimized with the Yoast SEO plugin v21.9.1 - https://yoast.com/wordpress/plugins/seo/ -->
<meta name="description" content="{escape(description)}">
<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1">
{canonical_tag}
{rel_links}
<meta property="og:locale" content="en_US">
<meta property="og:type" content="{og_type}">
<meta property="og:title" content="{escape(title)}">
<meta property="og:description" content="{escape(description)}">
{og_url}
<meta property="og:site_name" content="{escape(site.name)}">
{head_extra}
<meta name="twitter:card" content="summary_large_image">
{json_ld(schema, "yoast-schema-graph") if schema else ""}
<!-- / Yoast SEO plugin. -->
<link rel="alternate" type="application/rss+xml" title="{escape(site.name)} &raquo; Feed" href="{base}/feed/">
<link rel="https://api.w.org/" href="{base}/wp-json/">
<meta name="generator" content="WordPress 6.4.3">
<style id="harborview-inline-css">.screen-reader-text{{clip:rect(1px,1px,1px,1px);position:absolute}}</style>
</head>
<body class="{body_class}">
<div id="cookie-notice" role="dialog" class="cookie-notice-hidden cookie-revoke-hidden cn-position-bottom" aria-label="Cookie Notice"><div class="cookie-notice-container"><span id="cn-notice-text" class="cn-text-container">{escape(chrome.cookie_notice)}</span><span id="cn-notice-buttons" class="cn-buttons-container"><a href="#" id="cn-accept-cookie" data-cookie-set="accept" class="cn-set-cookie cn-button" aria-label="Accept">Accept</a><a href="#" id="cn-refuse-cookie" data-cookie-set="refuse" class="cn-set-cookie cn-button" aria-label="Reject">Reject</a></span></div></div>
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>
<header id="masthead" class="site-header">
<div class="site-branding"><p class="site-title"><a href="{base}/" rel="home">{escape(site.name)}</a></p><p class="site-description">{escape(chrome.tagline)}</p></div>
<nav id="site-navigation" class="main-navigation"><button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button><div class="menu-primary-container"><ul id="primary-menu" class="menu">{nav}</ul></div></nav>
</header>
<div id="content" class="site-content">
<main id="primary" class="site-main">
{main}
</main>
<aside id="secondary" class="widget-area">
<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{base}/"><label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" name="s"></label><input type="submit" class="search-submit" value="Search"></form></section>
<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><nav aria-label="Recent Posts"><ul>{recent}</ul></nav></section>
<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2><nav aria-label="Categories"><ul>{categories}</ul></nav></section>
<section id="mc4wp_form_widget-2" class="widget widget_mc4wp_form_widget"><h2 class="widget-title">Newsletter</h2><form id="mc4wp-form-1" class="mc4wp-form mc4wp-form-120" method="post"><div class="mc4wp-form-fields"><p>{escape(chrome.newsletter_pitch)}</p><p><input type="email" name="EMAIL" placeholder="Your email address" required></p><p><input type="submit" value="Subscribe"></p></div></form>{issue_link}</section>
<section id="meta-2" class="widget widget_meta"><h2 class="widget-title">Meta</h2><ul><li><a href="{base}/wp-admin/">Log in</a></li><li><a href="{base}/feed/">Entries feed</a></li></ul></section>
</aside>
</div>
<footer id="colophon" class="site-footer">
<div class="footer-cta"><h2 class="footer-cta__title">{escape(chrome.footer_cta)}</h2><p class="footer-cta__contact">Call <a href="tel:{tel(site.phone)}">{site.phone}</a> &middot; {escape(site.street)}, {escape(site.location)}</p><a class="wp-block-button__link" href="{base}/contact/">Request an appointment</a></div>
<div class="site-info"><span>&copy; 2025 {escape(site.name)}.</span> <span class="sep"> | </span><a href="{base}/private/draft/">Staff preview</a><span class="sep"> | </span>Proudly powered by <a href="https://wordpress.org/">WordPress</a></div>
</footer>
</div>
<script id="cookie-notice-front-js-before">var cnArgs = {{"cookieName":"cookie_notice_accepted","cookieTime":2592000}};</script>
</body>
</html>
"""


class HandwrittenStyle:
    """A site a local web designer wrote by hand years ago: /news/ with ?page=2, posts at /news/<slug>.html,
    no sitemap, no feed, no structured data; dates and authors only in visible text."""

    listing_path = "/news/"
    page_size = 4

    def post_path(self, post: Post) -> str:
        return f"/news/{post.slug}.html"

    @staticmethod
    def listing_page_path(number: int) -> str:
        return "/news/" if number == 1 else f"/news/?page={number}"

    def routes(self, site: DemoSite, base: str) -> dict[str, Page]:
        posts = site.posts_newest_first()
        routes = {"/": self._home(site, posts)}
        for slug in ("about", "services", "contact"):
            routes[f"/{slug}.html"] = self._info_page(site, slug)
        pages = chunks(posts, self.page_size)
        for number, chunk in enumerate(pages, start=1):
            routes[self.listing_page_path(number)] = self._listing(site, chunk, number, len(pages))
        for post in posts:
            routes[self.post_path(post)] = self._post(site, base, post)
        return routes

    def not_found(self, site: DemoSite, base: str) -> Page:
        main = ('<h1>Page not found</h1><p>Sorry, we couldn\'t find that page. It may have moved. Try the '
                '<a href="/news/">news page</a> or go back to the <a href="/">home page</a>.</p>')
        return html_page(self._document(site, "Page not found", main), kind="error", status=404)

    def _home(self, site: DemoSite, posts: list[Post]) -> Page:
        home = site.info_pages["home"]
        latest = "".join(f'<li><a href="news/{p.slug}.html">{escape(p.title)}</a> <span class="date">'
                         f'({long_date(p.date)})</span></li>' for p in posts[:3])
        main = (f'<h1>{escape(home.title)}</h1>{body_paragraphs(site, self, home.body)}'
                f'<h2>Latest news</h2><ul class="homenews">{latest}</ul>')
        return html_page(self._document(site, "Welcome", main), kind="home", last_modified=site.updated_at)

    def _info_page(self, site: DemoSite, slug: str) -> Page:
        page = site.info_pages[slug]
        form = ""
        if slug == "contact":
            form = ('<form action="/cgi-bin/formmail.pl" method="post" class="contactform"><table>'
                    '<tr><td>Name:</td><td><input type="text" name="name"></td></tr>'
                    '<tr><td>Phone:</td><td><input type="text" name="phone"></td></tr>'
                    '<tr><td>Message:</td><td><textarea name="message" rows="6" cols="40"></textarea></td></tr>'
                    '<tr><td></td><td><input type="submit" value="Send message"></td></tr></table></form>')
        main = f'<h1>{escape(page.title)}</h1>{body_paragraphs(site, self, page.body)}{form}'
        return html_page(self._document(site, page.title, main), kind="page", last_modified=site.updated_at)

    def _listing(self, site: DemoSite, posts: list[Post], number: int, last: int) -> Page:
        items = "".join(
            f'<div class="newsitem"><h2><a href="{p.slug}.html">{escape(p.title)}</a></h2>'
            f'<p class="postinfo">Posted {long_date(p.date)} by {escape(p.author)}</p>'
            f'<p>{escape(excerpt(p.body, 45))}</p><p><a href="{p.slug}.html">Read more &raquo;</a></p></div>'
            for p in posts)
        links = []
        if number > 1:
            links.append(f'<a href="{self.listing_page_path(number - 1)}">&laquo; Newer posts</a>')
        if number < last:
            links.append(f'<a href="{self.listing_page_path(number + 1)}">Older posts &raquo;</a>')
        main = (f'<h1>News &amp; Articles</h1>{items}<p class="pager">{" &nbsp; ".join(links)}</p>')
        return html_page(self._document(site, "News", main), kind="listing", last_modified=site.updated_at)

    def _post(self, site: DemoSite, base: str, post: Post) -> Page:
        url = f"{base}{self.post_path(post)}"
        share = " | ".join(f'<a href="{escape(href)}">{label}</a>' for label, href in share_links(url, post.title))
        related = "".join(f'<li><a href="{p.slug}.html">{escape(p.title)}</a></li>' for p in related_posts(site, post))
        comments = post_comments(site, post)
        comment_html = "".join(
            f'<div class="comment"><p class="who"><b>{escape(who)}</b> wrote on {long_date(post.date)}:</p>'
            f'<p>{escape(text)}</p></div>' for who, text in comments)
        main = (
            f'<p class="crumbs"><a href="/news/">&laquo; Back to all news</a></p>'
            f'<div class="post"><h1>{escape(post.title)}</h1>'
            f'<p class="postinfo">Posted {long_date(post.date)} by {escape(post.author)}</p>'
            f'<div class="postbody">\n{body_paragraphs(site, self, post.body)}\n</div>'
            f'<p class="share">Share this post: {share}</p>'
            f'<div class="authorbox"><p><b>About the author:</b> {escape(site.chrome.author_bios[post.author])}</p></div>'
            f'</div><div class="morenews"><h3>You may also like</h3><ul>{related}</ul></div>'
            f'<div id="comments"><h3>Reader comments ({len(comments)})</h3>{comment_html}'
            f'<h4>Leave a comment</h4><form action="/cgi-bin/comment.pl" method="post"><input type="hidden" '
            f'name="post" value="{post.slug}"><p>Name: <input type="text" name="name"></p><p><textarea name="comment" '
            f'rows="5" cols="50"></textarea></p><p><input type="submit" value="Submit comment"></p></form></div>')
        return html_page(self._document(site, post.title, main), kind="post", last_modified=site.post_modified(post))

    def _document(self, site: DemoSite, title: str, main: str) -> str:
        chrome = site.chrome
        recent = "".join(f'<li><a href="/news/{p.slug}.html">{escape(p.title)}</a></li>'
                         for p in site.posts_newest_first()[:5])
        return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{escape(title)} | {escape(site.name)}</title>
<meta name="keywords" content="ketamine, depression, Duluth, anxiety, mental health, Spravato">
<style type="text/css">
body {{ font-family: Verdana, Arial, sans-serif; background: #e8eef2; }}
#container {{ width: 960px; margin: 0 auto; background: #fff; }}
#main {{ float: left; width: 640px; }} #sidebar {{ float: right; width: 260px; }} #footer {{ clear: both; }}
</style>
<script type="text/javascript">function hideCookieBar() {{ document.getElementById('cookie-bar').style.display = 'none'; }}</script>
</head>
<body>
<div id="cookie-bar">{escape(chrome.cookie_notice)} <button type="button" onclick="hideCookieBar()">Accept</button></div>
<div id="container">
<div id="top"><a href="/"><img src="/images/logo.gif" alt="{escape(site.name)}" width="320" height="80" border="0"></a><span class="slogan">{escape(chrome.tagline)}</span></div>
<div id="menu"><a href="/">Home</a> | <a href="/about.html">About Us</a> | <a href="/services.html">Services</a> | <a href="/news/">News</a> | <a href="/contact.html">Contact</a></div>
<div id="content">
<div id="main">
{main}
</div>
<div id="sidebar">
<h3>Recent posts</h3>
<ul class="recent">{recent}</ul>
<div class="signup"><h3>Newsletter</h3><p>{escape(chrome.newsletter_pitch)}</p><form action="/cgi-bin/subscribe.pl" method="post"><input type="text" name="email" value="your email" size="18"> <input type="submit" value="Join"></form></div>
</div>
</div>
<div id="footer">
<p class="cta"><b>{escape(chrome.footer_cta)}</b> &mdash; call {site.phone}</p>
<p>{escape(site.name)} &bull; {escape(site.street)}, {escape(site.location)}</p>
<p class="small">&copy; 2016-2025 {escape(site.name)}. All rights reserved. Site by Lakehead Web Design.</p>
</div>
</div>
</body>
</html>
"""


class SquarespaceStyle:
    """Squarespace 7.1: /blog with ?offset=<milliseconds> "Older" pagination, RSS at /blog?format=rss,
    one /sitemap.xml with pages and posts, posts at /blog/<slug> split into sqs-blocks."""

    listing_path = "/blog"
    page_size = 4

    def post_path(self, post: Post) -> str:
        return f"/blog/{post.slug}"

    @staticmethod
    def category_path(name: str) -> str:
        return f"/blog/category/{quote(name)}"

    @staticmethod
    def tag_path(name: str) -> str:
        return f"/blog/tag/{slugify(name)}"

    @staticmethod
    def author_path(name: str) -> str:
        return f"/blog?author={hex_id(name)}"

    def offset_of(self, site: DemoSite, post: Post) -> int:
        """Squarespace pages by the publication time, in milliseconds, of the last post shown."""
        return int(site.post_published(post).timestamp() * 1000)

    def routes(self, site: DemoSite, base: str) -> dict[str, Page]:
        posts = site.posts_newest_first()
        routes = {"/": self._home(site, base, posts)}
        for slug in ("about", "services", "contact"):
            routes[f"/{slug}"] = self._info_page(site, base, slug)
        pages = chunks(posts, self.page_size)
        for number, chunk in enumerate(pages):
            previous = pages[number - 1] if number else None
            path = self.listing_path if not number else f"{self.listing_path}?offset={self.offset_of(site, previous[-1])}"
            older = pages[number + 1] if number + 1 < len(pages) else None
            routes[path] = self._listing(site, base, chunk, path, older_offset=(
                self.offset_of(site, chunk[-1]) if older else None), newer=number > 0)
        for post in posts:
            routes[self.post_path(post)] = self._post(site, base, post)
        for category in sorted({p.category for p in posts}):
            path = self.category_path(category)
            routes[path] = self._listing(site, base, [p for p in posts if p.category == category], path,
                                         kind="archive", heading=category)
        for tag in sorted({t for p in posts for t in p.tags}):
            path = self.tag_path(tag)
            routes[path] = self._listing(site, base, [p for p in posts if tag in p.tags], path,
                                         kind="archive", heading=f"Tagged: {tag}")
        for author in sorted({p.author for p in posts}):
            path = self.author_path(author)
            routes[path] = self._listing(site, base, [p for p in posts if p.author == author], path,
                                         kind="private", heading=author)
        routes["/blog?format=rss"] = self._feed(site, base, posts)
        entries = [(f"{base}/", site.updated_at), (f"{base}/about", site.updated_at),
                   (f"{base}/services", site.updated_at), (f"{base}/contact", site.updated_at),
                   (f"{base}{self.listing_path}", site.updated_at)]
        entries += [(f"{base}{self.post_path(p)}", site.post_modified(p)) for p in posts]
        routes["/sitemap.xml"] = xml_page(sitemap_urlset(entries), "sitemap")
        routes["/robots.txt"] = text_page(
            "# Squarespace Robots Txt\n\nUser-agent: *\nDisallow: /config\nDisallow: /search\nDisallow: /account$\n"
            "Disallow: /api/\nDisallow: /static/\nDisallow: /*?author=*\nDisallow: /*&author=*\n"
            "Disallow: /*?format=json\nDisallow: /*&format=json\nDisallow: /*?format=page-context\n"
            f"Disallow: /*?reversePaginate=*\n\nSitemap: {base}/sitemap.xml\n")
        return routes

    def not_found(self, site: DemoSite, base: str) -> Page:
        main = self._section('<div class="sqs-block html-block sqs-block-html"><div class="sqs-block-content">'
                             '<h1>We couldn\'t find the page you were looking for</h1><p>This is either because: '
                             'There is an error in the URL entered into your web browser, or the page has moved.</p>'
                             f'<p>Return to the <a href="{base}/">home page</a>.</p></div></div>')
        html = self._document(site, base, title=f"Page Not Found &mdash; {escape(site.name)}", canonical="",
                              og_type="website", description="", body_id="not-found", main=main)
        return html_page(html, kind="error", status=404)

    @staticmethod
    def _section(content: str) -> str:
        return (f'<section class="page-section layout-engine-section background-width--full-bleed section-height--medium '
                f'content-width--wide horizontal-alignment--center vertical-alignment--middle" data-section-theme="light">'
                f'<div class="content-wrapper"><div class="content"><div class="sqs-layout sqs-grid-12 columns-12" '
                f'data-type="page-section"><div class="row sqs-row"><div class="col sqs-col-12 span-12">{content}'
                f'</div></div></div></div></div></section>')

    def _blocks(self, site: DemoSite, text: str) -> str:
        """Squarespace splits a page into blocks; each heading starts a new one."""
        out, current = [], []
        for element in body_html(text, lambda slug: self.post_path(site.posts[slug]),
                                 list_attrs=' data-rte-list="default"'):
            if element.startswith("<h") and current:
                out.append(current)
                current = []
            current.append(element)
        out.append(current)
        return "".join(
            f'<div class="sqs-block html-block sqs-block-html" data-block-type="2" id="block-{hex_id(text[:40] + str(i))}">'
            f'<div class="sqs-block-content"><div class="sqs-html-content">{"".join(parts)}</div></div></div>'
            for i, parts in enumerate(out))

    def _home(self, site: DemoSite, base: str, posts: list[Post]) -> Page:
        home = site.info_pages["home"]
        summary = "".join(
            f'<div class="summary-item"><div class="summary-title"><a href="{self.post_path(p)}" '
            f'class="summary-title-link">{escape(p.title)}</a></div><div class="summary-metadata-container">'
            f'<time class="summary-metadata-item summary-metadata-item--date">{short_date(p.date)}</time></div></div>'
            for p in posts[:3])
        main = (self._section(f'<div class="sqs-block html-block sqs-block-html"><div class="sqs-block-content">'
                              f'<h1 style="text-align:center">{escape(home.title)}</h1></div></div>'
                              + self._blocks(site, home.body))
                + self._section(f'<div class="sqs-block summary-v2-block sqs-block-summary-v2"><div '
                                f'class="sqs-block-content"><h2 class="summary-heading">From the blog</h2><div '
                                f'class="summary-item-list">{summary}</div></div></div>'))
        html = self._document(site, base, title=escape(site.name), canonical=f"{base}/", og_type="website",
                              description=site.chrome.tagline, body_id="home", main=main)
        return html_page(html, kind="home", last_modified=site.updated_at)

    def _info_page(self, site: DemoSite, base: str, slug: str) -> Page:
        page = site.info_pages[slug]
        form = ""
        if slug == "contact":
            form = ('<div class="sqs-block form-block sqs-block-form"><div class="sqs-block-content"><div class="form-wrapper">'
                    '<form autocomplete="on" action="" method="POST"><div class="field-list"><fieldset class="form-item '
                    'fields name required"><legend class="title">Name</legend><input class="field-element" type="text">'
                    '</fieldset><div class="form-item field email required"><label class="title">Email</label><input '
                    'class="field-element" type="email"></div><div class="form-item field textarea"><label class="title">'
                    'Message</label><textarea class="field-element"></textarea></div></div><div class="form-button-wrapper">'
                    '<button class="button sqs-system-button sqs-editable-button" type="submit">Submit</button></div>'
                    '</form></div></div></div>')
        main = self._section(f'<div class="sqs-block html-block sqs-block-html"><div class="sqs-block-content">'
                             f'<h1>{escape(page.title)}</h1></div></div>{self._blocks(site, page.body)}{form}')
        html = self._document(site, base, title=f"{escape(page.title)} &mdash; {escape(site.name)}",
                              canonical=f"{base}/{slug}", og_type="website", description=excerpt(page.body, 25),
                              body_id=slug, main=main)
        return html_page(html, kind="page", last_modified=site.updated_at)

    def _listing_item(self, site: DemoSite, post: Post) -> str:
        return (f'<article class="blog-basic-grid--container entry blog-item is-loaded" data-item-id="{hex_id(post.slug)}">'
                f'<div><a href="{self.post_path(post)}" class="image-wrapper" data-animation-role="image"><img '
                f'data-src="https://images.squarespace-cdn.com/content/v1/{hex_id(post.slug)}/cover.jpg" alt=""></a></div>'
                f'<div class="blog-basic-grid--text"><div class="blog-meta-section"><span class="blog-author">'
                f'{escape(post.author)}</span><time class="blog-date" pubdate data-animation-role="date">'
                f'{short_date(post.date)}</time><span class="blog-categories-list"><a href="'
                f'{self.category_path(post.category)}" class="blog-categories">{escape(post.category)}</a></span></div>'
                f'<h1 class="blog-title" data-animation-role="title"><a href="{self.post_path(post)}">{escape(post.title)}'
                f'</a></h1><div class="blog-excerpt"><div class="blog-excerpt-wrapper"><p>{escape(excerpt(post.body, 35))}'
                f'</p></div></div><a class="blog-more-link" href="{self.post_path(post)}">Read More</a></div></article>')

    def _listing(self, site: DemoSite, base: str, posts: list[Post], path: str, *, older_offset: int | None = None,
                 newer: bool = False, kind: str = "listing", heading: str = "") -> Page:
        pagination = ""
        if older_offset is not None or newer:
            newer_link = (f'<div class="newer"><a href="{self.listing_path}" rel="prev"><span class="newer-label">'
                          f'Newer Posts</span></a></div>' if newer else "")
            older_link = (f'<div class="older"><a href="{self.listing_path}?offset={older_offset}" rel="next"><span '
                          f'class="older-label">Older Posts</span></a></div>' if older_offset is not None else "")
            pagination = f'<nav class="blog-list-pagination">{newer_link}{older_link}</nav>'
        title_html = f'<h1 class="blog-list-filter">{escape(heading)}</h1>' if heading else ""
        main = self._section(f'{title_html}<div class="blog-basic-grid collection-content-wrapper" '
                             f'data-controller="BlogImageLoader">{"".join(self._listing_item(site, p) for p in posts)}</div>'
                             f'{pagination}')
        html = self._document(site, base, title=f"Blog &mdash; {escape(site.name)}", canonical=f"{base}{path}",
                              og_type="website", description=site.chrome.tagline, body_id="blog", main=main)
        return html_page(html, kind=kind, last_modified=site.updated_at)

    def _post(self, site: DemoSite, base: str, post: Post) -> Page:
        url = f"{base}{self.post_path(post)}"
        item_id = hex_id(post.slug)
        share = "".join(f'<a class="ss-social-button" href="{escape(href)}" target="_blank"><span class="ss-social-button-'
                        f'text">{label}</span></a>' for label, href in share_links(url, post.title))
        tags = ", ".join(f'<a href="{self.tag_path(t)}" class="blog-item-tag">{escape(t)}</a>' for t in post.tags)
        comments = post_comments(site, post)
        comment_html = "".join(
            f'<div class="comment" data-comment-id="{hex_id(who + post.slug)}"><div class="comment-header"><span '
            f'class="comment-author">{escape(who)}</span> <span class="comment-date">{short_date(post.date)}</span></div>'
            f'<div class="comment-body"><p>{escape(text)}</p></div><div class="comment-actions"><a class="reply">Reply'
            f'</a> <a class="like">Like</a></div></div>' for who, text in comments)
        related = "".join(
            f'<div class="summary-item"><div class="summary-title"><a href="{self.post_path(p)}" '
            f'class="summary-title-link">{escape(p.title)}</a></div></div>' for p in related_posts(site, post))
        posts = site.posts_newest_first()
        index = posts.index(post)
        item_pagination = "".join([
            (f'<a class="blog-item-pagination-link blog-item-pagination-link--prev" href="{self.post_path(posts[index - 1])}">'
             f'<span class="blog-item-pagination-title">{escape(posts[index - 1].title)}</span></a>' if index > 0 else ""),
            (f'<a class="blog-item-pagination-link blog-item-pagination-link--next" href="{self.post_path(posts[index + 1])}">'
             f'<span class="blog-item-pagination-title">{escape(posts[index + 1].title)}</span></a>'
             if index + 1 < len(posts) else "")])
        article = (
            f'<article class="entry h-entry hentry author-{slugify(post.author)} post-type-text article-index-{index + 1} '
            f'category-{slugify(post.category)} {" ".join("tag-" + slugify(t) for t in post.tags)}" '
            f'data-item-id="{item_id}" id="article-{item_id}">'
            f'<div class="blog-item-top-wrapper"><div class="blog-item-title"><h1 class="entry-title entry-title--large '
            f'p-name" data-content-field="title">{escape(post.title)}</h1></div><div class="blog-item-meta-wrapper">'
            f'<div class="blog-meta-item blog-meta-item--author"><a href="{self.author_path(post.author)}" '
            f'class="blog-author-name">{escape(post.author)}</a></div><time class="dt-published blog-meta-item '
            f'blog-meta-item--date" datetime="{post.date.isoformat()}">{long_date(post.date)}</time></div></div>'
            f'<div class="blog-item-content-wrapper"><div class="blog-item-content e-content" data-content-field="main-'
            f'content"><div class="sqs-layout sqs-grid-12 columns-12" data-type="item" id="item-{item_id}"><div '
            f'class="row sqs-row"><div class="col sqs-col-12 span-12">{self._blocks(site, post.body)}</div></div></div>'
            f'</div></div>'
            f'<div class="blog-item-meta-tags"><span class="blog-item-tags-label">Tags:</span> {tags}</div>'
            f'<div class="blog-item-share"><div class="squarespace-social-buttons inline-style" data-full-url="{url}">'
            f'{share}</div></div>'
            f'<div class="blog-item-author-profile-wrapper"><div class="author-avatar"><img alt="" '
            f'src="https://images.squarespace-cdn.com/content/v1/{hex_id(post.author)}/avatar.png"></div><div '
            f'class="blog-item-author-profile-details"><div class="author-name">{escape(post.author)}</div><div '
            f'class="author-bio"><p>{escape(site.chrome.author_bios[post.author])}</p></div></div></div></article>'
            f'<section class="blog-item-pagination" data-content-field="pagination">{item_pagination}</section>'
            f'<section class="blog-item-comments"><div class="squarespace-comments" id="comments-{item_id}"><div '
            f'class="comment-count">{len(comments)} Comments</div><div class="comments-content">{comment_html}</div>'
            f'<div class="comment-input"><textarea placeholder="Add a comment&hellip;"></textarea></div></div></section>')
        main = (self._section(f'<div class="blog-item-wrapper">{article}</div>')
                + self._section(f'<div class="sqs-block summary-v2-block sqs-block-summary-v2"><div '
                                f'class="sqs-block-content"><h3 class="summary-heading">Related posts</h3><div '
                                f'class="summary-item-list">{related}</div></div></div>'))
        published = iso(site.post_published(post))
        head = (f'<meta itemprop="author" content="{escape(post.author)}"/>\n'
                f'<meta itemprop="datePublished" content="{published}"/>\n'
                f'<meta itemprop="dateModified" content="{iso(site.post_modified(post))}"/>\n'
                f'<meta itemprop="headline" content="{escape(post.title)}"/>\n'
                f'<meta property="article:published_time" content="{published}"/>\n'
                f'<meta property="article:author" content="{escape(post.author)}"/>')
        html = self._document(site, base, title=f"{escape(post.title)} &mdash; {escape(site.name)}", canonical=url,
                              og_type="article", description=excerpt(post.body, 30), body_id=f"item-{item_id}",
                              main=main, head_extra=head)
        return html_page(html, kind="post", last_modified=site.post_modified(post))

    def _feed(self, site: DemoSite, base: str, posts: list[Post]) -> Page:
        collection = hex_id(site.name + "blog")
        items = [{
            # Squarespace puts the whole post in <description> and has no content:encoded.
            "title": p.title, "link": f"{base}{self.post_path(p)}", "guid": f"{hex_id(site.name)}:{collection}:"
            f"{hex_id(p.slug)}", "guid_is_permalink": False, "published": site.post_published(p), "creator": p.author,
            "categories": [p.category], "description": self._blocks(site, p.body), "content_html": None,
        } for p in posts]
        xml = rss_feed(title=f"Blog - {site.name}", link=f"{base}/blog/", self_url=f"{base}/blog?format=rss",
                       description=site.chrome.tagline, built=site.updated_at,
                       generator="Site-Server v6.0.0-0000 (http://www.squarespace.com)", items=items)
        return xml_page(xml, kind="feed", content_type="application/rss+xml;charset=utf-8")

    def _document(self, site: DemoSite, base: str, *, title: str, canonical: str, og_type: str, description: str,
                  body_id: str, main: str, head_extra: str = "") -> str:
        chrome = site.chrome
        nav = "".join(f'<div class="header-nav-item header-nav-item--collection"><a href="{path}">{label}</a></div>'
                      for label, path in [("Home", "/"), ("About", "/about"), ("Services", "/services"),
                                          ("Blog", "/blog"), ("Contact", "/contact")])
        recent = "".join(f'<li class="summary-item"><a href="{self.post_path(p)}">{escape(p.title)}</a></li>'
                         for p in site.posts_newest_first()[:5])
        website = {"url": f"{base}/", "name": site.name, "@context": "http://schema.org", "@type": "WebSite"}
        business = {"@context": "http://schema.org", "@type": "LocalBusiness", "name": site.name,
                    "address": f"{site.street}, {site.location}", "telephone": site.phone}
        canonical_tag = f'<link rel="canonical" href="{canonical}"/>' if canonical else ""
        return f"""<!doctype html>
<html xmlns:og="http://opengraphprotocol.org/schema/" lang="en-US">
<head>
<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta charset="utf-8" />
<title>{title}</title>
{canonical_tag}
<meta property="og:site_name" content="{escape(site.name)}"/>
<meta property="og:title" content="{title}"/>
<meta property="og:url" content="{canonical}"/>
<meta property="og:type" content="{og_type}"/>
<meta property="og:description" content="{escape(description)}"/>
<meta itemprop="name" content="{title}"/>
<meta itemprop="url" content="{canonical}"/>
{head_extra}
<meta name="twitter:title" content="{title}"/>
<meta name="twitter:card" content="summary"/>
<meta name="description" content="{escape(description)}" />
<link rel="alternate" type="application/rss+xml" title="Blog - {escape(site.name)}" href="{base}/blog?format=rss" />
<script type="text/javascript" crossorigin="anonymous" defer="defer" nomodule="nomodule" src="//assets.squarespace.com/@sqs/polyfiller/1.6/legacy.js"></script>
{json_ld(website)}
{json_ld(business)}
</head>
<body id="{body_id}" class="header-overlay-alignment-center tweak-social-icons-style-regular tweak-blog-item-width-narrow tweak-blog-item-alignment-center tweak-blog-item-meta-position-above-title primary-button-style-solid primary-button-shape-pill">
<div class="sqs-cookie-banner-v2-container"><div class="sqs-cookie-banner-v2 sqs-cookie-banner-v2--bottom" role="region" aria-label="Cookie banner"><div class="sqs-cookie-banner-v2-cta-container"><p class="sqs-cookie-banner-v2-text">{escape(chrome.cookie_notice)}</p><button class="sqs-cookie-banner-v2-accept sqs-button-element--primary">Accept</button><button class="sqs-cookie-banner-v2-deny sqs-button-element--secondary">Decline</button></div></div></div>
<div id="siteWrapper" class="clearfix site-wrapper">
<header data-test="header" id="header" class="header theme-col--primary" data-section-theme="" data-controller="Header">
<div class="header-announcement-bar-wrapper"><div class="header-inner container--fluid header-layout--with-commerce">
<div class="header-title"><div class="header-title-text"><a href="/" data-animation-role="header-element">{escape(site.name)}</a></div><p class="header-tagline">{escape(chrome.tagline)}</p></div>
<div class="header-nav"><div class="header-nav-wrapper"><nav class="header-nav-list">{nav}</nav></div></div>
<div class="header-actions header-actions--right"><div class="header-actions-action header-actions-action--cta"><a class="btn btn--border theme-btn--primary-inverse sqs-button-element--primary" href="/contact">Book Now</a></div></div>
</div></div>
</header>
<main id="page" class="container" role="main">
<article class="sections" id="sections" data-page-sections="{hex_id(body_id)}">
{main}
<section class="page-section" data-section-theme="dark"><div class="content-wrapper"><div class="content"><aside class="blog-sidebar"><div class="sqs-block summary-v2-block"><h3 class="summary-heading">Recent posts</h3><ul class="summary-item-list">{recent}</ul></div><div class="sqs-block newsletter-block sqs-block-newsletter"><div class="newsletter-form-wrapper"><h2 class="newsletter-form-header-title">Stay in the loop</h2><div class="newsletter-form-header-description"><p>{escape(chrome.newsletter_pitch)}</p></div><form class="newsletter-form" data-form-id="{hex_id(site.name + 'newsletter')}"><div class="newsletter-form-field-wrapper form-item field email required"><input class="newsletter-form-field-element field-element" name="email" type="email" placeholder="Email Address"></div><div data-animation-role="button" class="newsletter-form-button-wrapper submit-wrapper"><button class="newsletter-form-button sqs-system-button sqs-editable-button-layout sqs-editable-button-style sqs-editable-button-shape sqs-button-element--primary" type="submit"><span class="newsletter-form-button-label">Sign Up</span></button></div></form></div></div></aside></div></div></section>
</article>
</main>
<footer class="sections" id="footer-sections" data-footer-sections>
<section class="page-section" data-section-theme="black"><div class="content-wrapper"><div class="content"><div class="sqs-block html-block sqs-block-html"><div class="sqs-block-content"><div class="sqs-html-content"><h3 style="text-align:center">{escape(chrome.footer_cta)}</h3><p style="text-align:center"><a href="tel:{tel(site.phone)}">{site.phone}</a></p><p style="text-align:center">{escape(site.street)}<br>{escape(site.location)}</p><p style="text-align:center" class="sqsrte-small">&copy; 2025 {escape(site.name)}. Powered by Squarespace.</p></div></div></div></div></div></section>
</footer>
</div>
<script defer="defer" src="https://static1.squarespace.com/static/vta/5c5a519771c10ba3470d8101/scripts/site-bundle.js" type="text/javascript"></script>
</body>
</html>
"""
