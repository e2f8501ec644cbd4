"""The Squarespace-like style of the demo sites."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from clinicwatch.demo.markup import (
    body_html,
    excerpt,
    html_page,
    iso,
    json_ld,
    rss_feed,
    sitemap_urlset,
    slugify,
    text_page,
    xml_page,
)
from clinicwatch.demo.model import DemoSite, Page, Post
from clinicwatch.demo.templates import (
    chunks,
    hex_id,
    long_date,
    post_comments,
    related_posts,
    share_links,
    short_date,
    tel,
)


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
