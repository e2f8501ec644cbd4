"""Post pages whose text only JavaScript writes, asked for again through the browser
(CLINICWATCH_RENDER_JS; crawler.renderjs)."""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.exceptions import NotConfigured

from pipeline.extract import MIN_POST_WORDS, decode_html, extract_page
from pipeline.html_tree import parse_html
from pipeline.items import PostPage

logger = logging.getLogger(__name__)

INVISIBLE = "ancestor::script or ancestor::style or ancestor::noscript or ancestor::template"


def visible_words(html: str) -> int:
    tree = parse_html(html)
    if tree is None:
        return 0
    return len(" ".join(tree.xpath(f"//body//text()[not({INVISIBLE})]")).split())


def needs_rendering(item: PostPage) -> bool:
    """The pages ExtractText would record as "no text in its HTML": an app shell, or fewer than
    MIN_POST_WORDS words of main text (the same extractor, so exactly those pages)."""
    if item.rendered:
        return False
    if item.script_shell:
        return True
    try:
        return len(extract_page(decode_html(item.body, item.content_type), item.url).text.split()) < MIN_POST_WORDS
    except Exception:  # ExtractText reports a page that breaks the extractor
        return False


class RenderScriptPages:
    """A PostPage that needs rendering is replaced by a request for the same URL through the
    browser (meta["playwright"]), once: its response comes back to the same callback, and the
    PostPage it yields is marked rendered. Only post pages: listings, feeds and sitemaps never are."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("CLINICWATCH_RENDER_JS"):
            raise NotConfigured("CLINICWATCH_RENDER_JS is off")
        return cls(crawler)

    def process_spider_output(self, response, result):
        for output in result:
            yield self.rendered(response, output)

    async def process_spider_output_async(self, response, result):
        async for output in result:
            yield self.rendered(response, output)

    def rendered(self, response, output):
        if isinstance(output, PostPage) and response.meta.get("playwright"):
            output.rendered = True
            return output
        if not isinstance(output, PostPage) or not needs_rendering(output):
            return output
        self.crawler.stats.inc_value("clinicwatch/render/requested")
        site = getattr(self.crawler.spider, "by_name", {}).get(output.site)
        html = decode_html(output.body, output.content_type)
        meta = {key: value for key, value in response.meta.items()
                if key in ("site", "discovered_via", "lastmod", "listing_depth")}
        return Request(output.url, callback=response.request.callback, errback=response.request.errback,
                       dont_filter=True, meta={
                           **meta, "purpose": "render", "playwright": True, "dont_retry": True,
                           "render_site_url": site.url if site else output.url,
                           # the static page's own words plus a post's worth: what the script must add
                           "render_min_words": visible_words(html) + MIN_POST_WORDS})
