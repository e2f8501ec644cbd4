"""The WordPress style of the demo sites: a Yoast SEO theme, its sitemaps, feeds and chrome."""

from __future__ import annotations

from html import escape

from clinicwatch.demo.markup import (
    excerpt,
    html_page,
    iso,
    json_ld,
    rss_feed,
    sitemap_index,
    sitemap_urlset,
    slugify,
    text_page,
    word_count,
    xml_page,
)
from clinicwatch.demo.model import DemoSite, Page, Post
from clinicwatch.demo.templates import (
    NEWSLETTER_UTM,
    body_paragraphs,
    chunks,
    hex_id,
    long_date,
    numeric_id,
    post_comments,
    related_posts,
    share_links,
    tel,
)

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
