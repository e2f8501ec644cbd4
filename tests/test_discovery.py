import gzip

from crawler.discovery import (
    lists_posts,
    page_links,
    page_tree,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://c.example/blog/one/</loc><lastmod>2025-01-02</lastmod></url>
  <url><loc> https://c.example/blog/two/ </loc></url>
</urlset>"""
INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://c.example/post-sitemap.xml</loc></sitemap>
<sitemap><loc>https://c.example/page-sitemap.xml</loc></sitemap></sitemapindex>"""


def test_urlset_entries_with_lastmod():
    content = parse_sitemap(URLSET)
    assert not content.is_index
    assert [(e.url, e.lastmod) for e in content.entries] == [
        ("https://c.example/blog/one/", "2025-01-02"), ("https://c.example/blog/two/", None)]


def test_gzipped_sitemap_index():
    content = parse_sitemap(gzip.compress(INDEX))
    assert content.is_index and len(content.entries) == 2


def test_gzip_bomb_is_not_a_sitemap(monkeypatch):
    import crawler.discovery as discovery
    monkeypatch.setattr(discovery, "MAX_SITEMAP_BYTES", 1024 * 1024)
    bomb = gzip.compress(INDEX[:-15] + b" " * (20 * 1024 * 1024) + INDEX[-15:])
    assert len(bomb) < 100_000
    assert parse_sitemap(bomb) is None
    assert parse_sitemap(gzip.compress(INDEX)) is not None


def test_entity_expansion_is_not_performed():
    billion_laughs = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://c.example/&lol3;</loc></url></urlset>"""
    content = parse_sitemap(billion_laughs)
    assert content is None or all("lollol" not in e.url for e in content.entries)
    feed = billion_laughs.replace(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>',
                                  b"<rss><channel><item><link>").replace(b"</loc></url></urlset>",
                                                                      b"</link></item></channel></rss>")
    assert all("lollol" not in link for link in parse_feed(feed, "https://c.example/") or [])


def test_not_a_sitemap():
    assert parse_sitemap(b"<html><body>Not found</body></html>") is None
    assert parse_sitemap(b"") is None


def test_child_sitemaps_of_pages_and_taxonomies_are_skipped():
    assert lists_posts("https://c.example/post-sitemap.xml")
    assert lists_posts("https://c.example/sitemap-posts.xml")
    assert lists_posts("https://c.example/blog-posts-sitemap.xml")
    assert lists_posts("https://c.example/wp-sitemap-posts-post-1.xml")
    for name in ("page-sitemap.xml", "category-sitemap.xml", "post_tag-sitemap.xml", "author-sitemap.xml",
                 "wp-sitemap-posts-page-1.xml", "sitemap-tags.xml"):
        assert not lists_posts(f"https://c.example/{name}"), name


def test_robots_sitemap_lines():
    robots = b"User-agent: *\nDisallow: /private/\nSitemap: https://c.example/sitemap_index.xml\nsitemap: /s2.xml\n"
    assert sitemaps_from_robots(robots, "https://c.example/robots.txt") == [
        "https://c.example/sitemap_index.xml", "https://c.example/s2.xml"]


def test_rss_and_atom_item_links():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>B</title>
      <item><title>One</title><link>https://c.example/blog/one/</link></item>
      <item><title>Two</title><guid>https://c.example/blog/two/</guid></item></channel></rss>"""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="/blog/three"/>
      <link rel="replies" href="/blog/three#comments"/></entry></feed>"""
    assert parse_feed(rss, "https://c.example/") == ["https://c.example/blog/one/", "https://c.example/blog/two/"]
    assert parse_feed(atom, "https://c.example/blog") == ["https://c.example/blog/three"]
    assert parse_feed(b"<html><body>hi</body></html>", "https://c.example/") is None


def test_listing_links_pagination_and_feeds():
    html = """<html><head><link rel="alternate" type="application/rss+xml" href="/feed/">
      <link rel="next" href="/blog/page/2/"></head><body>
      <nav><a href="/about/">About</a></nav>
      <article><a href="/blog/ketamine-bdnf/?utm_source=x">Ketamine and BDNF</a></article>
      <article><a href="/blog/ketamine-bdnf/#comments">3 comments</a></article>
      <a href="/news/?page=3">3</a> <a href="/events/?date=2031-01-01">calendar</a>
      <a href="/blog/?offset=20">Older posts</a> <a href="https://elsewhere.example/x">elsewhere</a>
      <a href="mailto:hi@c.example">mail</a></body></html>"""
    links = page_links(page_tree(html), "https://c.example/blog/")
    assert links.feeds == ("https://c.example/feed/",)
    assert set(links.next_pages) == {"https://c.example/blog/page/2/", "https://c.example/news/?page=3",
                                     "https://c.example/blog/?offset=20"}
    assert "https://c.example/blog/ketamine-bdnf/" in links.links
    assert not any("elsewhere" in u or "mailto" in u for u in links.links)
