"""A worker's stand-ins for the components that write to the database: the CrawlRun extension
and the StorePosts pipeline. Every write they would make goes onto the Redis list of the site's
lease instead (crawler.distributed.runstate), for the coordinator to make; the stages before
(ExtractText, CanonicalUrl, DeriveFields) and the middlewares run as in a single-process crawl."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from db import open_db
from pipeline.crawl_run import CrawlRun, UsesCrawlRun
from pipeline.items import GonePost, PostPage, UnchangedPost
from pipeline.pipelines import post_record


class RemoteCrawlRun(CrawlRun):
    """CrawlRun in a worker (EXTENSIONS): the run and site ids come from Redis, writes go back
    through it. Its database is in memory and holds only what ExtractText reads: each leased
    site's recorded template paragraphs."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.db = open_db(":memory:")
        self.sent: Counter[str] = Counter()

    def spider_opened(self, spider):
        self.run_id = spider.run_id

    def add_site(self, config: dict) -> None:
        source, site_id = config["source"], config["site_id"]
        self.site_ids[source["name"]] = site_id
        self.site_by_host[urlsplit(source["url"]).netloc.lower()] = source["name"]
        self.db.execute("INSERT OR IGNORE INTO sites (id, name, url) VALUES (?, ?, ?)",
                        [site_id, source["name"], source["url"]])
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO site_boilerplate (site_id, paragraph_hash, text, posts, first_seen_at)"
            " VALUES (?, ?, '', 0, '')", [(site_id, h) for h in config["boilerplate"]])

    def ship(self, site: str | None, name: str, *args) -> None:
        """One database write, onto the list of the site's lease; dropped when the lease is gone
        (lost to another worker: its writes would come twice)."""
        spider = self.crawler.spider
        token = spider.leases.get(site)
        if token is None:
            return
        spider.state.push_result(site, token, name, args)
        self.sent[name] += 1

    def site_of_url(self, url: str) -> str | None:
        return self.site_by_host.get(urlsplit(url).netloc.lower())

    def record_fetch(self, request, status, error, size) -> None:
        purpose = request.meta.get("purpose") or ("robots" if request.url.endswith("/robots.txt") else "page")
        site = request.meta.get("site") or self.site_of_url(request.url)
        self.ship(site, "record_fetch", self.run_id, request.url, status, error, self.site_ids.get(site), size,
                  purpose)

    def note_fetch_error(self, url: str, error: str) -> None:
        self.ship(self.site_of_url(url), "note_fetch_error", self.run_id, url, error)

    def write(self, write, *args):
        raise RuntimeError(f"a worker does not write to the database ({write.__name__})")

    def spider_closed(self, spider, reason):
        self.db.close()


class ShipPosts(UsesCrawlRun):
    """StorePosts in a worker (ITEM_PIPELINES): the same writes, sent to the coordinator. The
    end-of-crawl steps are the coordinator's, once every site is stored."""

    def process_item(self, item):
        run = self.run
        if isinstance(item, PostPage):
            run.ship(item.site, "save_post", post_record(item, run.site_ids[item.site]), run.run_id)
        elif isinstance(item, UnchangedPost):
            run.ship(item.site, "touch_post", item.url, run.run_id)
        elif isinstance(item, GonePost):
            run.ship(item.site, "mark_removed", item.url, run.run_id)
        return item
