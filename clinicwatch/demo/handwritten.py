"""The hand-written style of the demo sites: plain HTML pages, no CMS."""

from __future__ import annotations

from html import escape

from clinicwatch.demo.markup import (
    excerpt,
    html_page,
)
from clinicwatch.demo.model import DemoSite, Page, Post
from clinicwatch.demo.templates import (
    body_paragraphs,
    chunks,
    long_date,
    post_comments,
    related_posts,
    share_links,
)


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
