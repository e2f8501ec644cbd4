"""What a crawl costs, first and again: `clinicwatch crawl` on a generated clinic blog of
thousands of posts served on loopback, run twice (the second time nothing has changed), beside
a bare Scrapy crawl of the same pages (its sitemap and every URL in it, no pipelines, the same
concurrency) in the same run.

Then two posts turn bad (a compression bomb of about 3 MB and a page larger than DOWNLOAD_MAXSIZE,
both with a new sitemap lastmod) and the crawl runs twice more: the first of these meets them, the
second knows them (table failing_urls) and must spend no byte on them beyond their skip records.

Wall time is the whole command, process start-up included; CPU time is the crawling process's
own (user and system), which other load on the machine inflates far less than wall time. Bytes
are counted twice: what the crawl recorded (`fetches.bytes`, bodies only) and what the server
wrote to its sockets (status lines, headers and bodies). Issue 3's bar: the re-run takes at most
25 % of the first run's wall time, and at least 90 % of its post requests are answered 304 or
skipped (not requested at all).

    python -m bench.crawl [--posts 2000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from html import escape
from pathlib import Path
from typing import Iterator

from clinicwatch.demo.markup import (
    body_html,
    excerpt,
    html_page,
    iso,
    json_ld,
    rss_feed,
    sitemap_index,
    sitemap_urlset,
    text_page,
    xml_page,
)
from clinicwatch.demo.model import Chrome, DemoSite, Page, Post
from clinicwatch.demo.server import SiteRequestHandler, start_server
from clinicwatch.demo.templates import chunks, long_date
from crawler.sources import Source, sources_toml
from db import open_db

REPO = Path(__file__).resolve().parents[1]
# The tests' settings for loopback sites: no politeness delay, 8 requests at a time per site.
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "16",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "8"}
RERUN_SHARE = 0.25
CONDITIONAL_SHARE = 0.90

TOPICS = ["ketamine", "esketamine", "depression", "anxiety", "integration", "therapy", "sleep", "insurance",
          "neuroplasticity", "synapses", "glutamate", "BDNF", "dendritic spines", "infusion", "Spravato", "PTSD",
          "family", "nutrition", "exercise", "mindfulness", "consultation", "safety", "research", "recovery"]
SUBJECTS = ["Our patients", "Many people", "The research team", "Our nurses", "Clinicians", "Families",
            "Recent studies", "A small trial", "The care team", "First-time visitors", "Counselors", "Researchers"]
VERBS = ["often ask about", "describe", "have been studying", "keep coming back to", "want to understand",
         "report changes in", "are cautious about", "rarely talk about", "write to us about", "plan around"]
ENDINGS = ["in the weeks after treatment.", "before the first appointment.", "when symptoms return.",
           "during a six-session series.", "in everyday life.", "at home with family.", "over the long winter.",
           "between visits.", "once the series is finished.", "as part of a wider plan."]


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(TOPICS)} and {rng.choice(TOPICS)} " \
           f"{rng.choice(ENDINGS)}"


def generated_post(number: int) -> Post:
    """A post of four to six paragraphs, the same for the same number on every run."""
    rng = random.Random(number)
    topic = rng.choice(TOPICS)
    paragraphs = []
    for index in range(rng.randint(4, 6)):
        if index and index % 2 == 0:
            paragraphs.append(f"## {rng.choice(TOPICS).capitalize()} and {rng.choice(TOPICS)}")
        paragraphs.append(" ".join(sentence(rng) for _ in range(rng.randint(3, 5))))
    return Post(slug=f"{topic.lower().replace(' ', '-')}-notes-{number}", title=f"Notes on {topic}, part {number}",
                date=date(2020, 1, 1) + timedelta(days=number // 2),
                author=rng.choice(["Dr. Ada Quill", "Clinic Team"]),
                body="\n\n".join(paragraphs) + "\n", relevant=False)


class GeneratedBlogStyle:
    """A plain WordPress-like blog: /blog/ paginated by 20 (rel=next, "Older posts"), posts at
    /blog/<slug>/ with JSON-LD BlogPosting, a feed of the newest 20, sitemaps of 1,000 URLs with lastmod."""

    listing_path = "/blog/"
    page_size = 20
    sitemap_size = 1000

    def post_path(self, item: Post) -> str:
        return f"/blog/{item.slug}/"

    @staticmethod
    def listing_page_path(number: int) -> str:
        return "/blog/" if number == 1 else f"/blog/page/{number}/"

    def routes(self, site: DemoSite, base: str) -> dict[str, Page]:
        posts = site.posts_newest_first()
        robots = f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {base}/sitemap_index.xml\n"
        routes = {"/robots.txt": text_page(robots)}
        pages = chunks(posts, self.page_size)
        for number, chunk in enumerate(pages, start=1):
            routes[self.listing_page_path(number)] = self._listing(site, base, chunk, number, len(pages))
        for item in posts:
            routes[self.post_path(item)] = self._post(site, base, item)
        parts = chunks(posts, self.sitemap_size)
        routes["/sitemap_index.xml"] = xml_page(sitemap_index(
            [(f"{base}/post-sitemap{n}.xml", max(site.post_modified(p) for p in part))
             for n, part in enumerate(parts, start=1)]), "sitemap")
        for n, part in enumerate(parts, start=1):
            routes[f"/post-sitemap{n}.xml"] = xml_page(sitemap_urlset(
                [(f"{base}{self.post_path(p)}", site.post_modified(p)) for p in part]), "sitemap")
        routes["/feed/"] = xml_page(rss_feed(
            title=site.name, link=f"{base}/", self_url=f"{base}/feed/", description=site.chrome.tagline,
            built=site.updated_at, generator="bench", items=[{
                "title": p.title, "link": f"{base}{self.post_path(p)}", "guid": f"{base}{self.post_path(p)}",
                "guid_is_permalink": True, "published": site.post_published(p), "creator": p.author,
                "categories": [], "description": excerpt(p.body, 40), "content_html": None} for p in posts[:20]]),
            kind="feed", content_type="application/rss+xml; charset=utf-8")
        return routes

    def not_found(self, site: DemoSite, base: str) -> Page:
        return html_page(self._document(site, base, "Not found", "<h1>Not found</h1>"), kind="error", status=404)

    def _listing(self, site: DemoSite, base: str, posts: list[Post], number: int, last: int) -> Page:
        cards = "".join(f'<article class="post"><h2><a href="{base}{self.post_path(p)}">{escape(p.title)}</a></h2>'
                        f'<p><time datetime="{iso(site.post_published(p))}">{long_date(p.date)}</time></p>'
                        f'<p>{escape(excerpt(p.body, 30))}</p></article>' for p in posts)
        older = f"{base}{self.listing_page_path(number + 1)}" if number < last else None
        pagination = f'<a href="{older}">Older posts</a>' if older else ""
        main = f'<h1>Blog</h1>{cards}<nav class="pagination">{pagination}</nav>'
        head = f'<link rel="next" href="{older}">' if older else ""
        return html_page(self._document(site, base, "Blog", main, head), kind="listing", last_modified=site.updated_at)

    def _post(self, site: DemoSite, base: str, item: Post) -> Page:
        schema = {"@context": "https://schema.org", "@type": "BlogPosting", "headline": item.title,
                  "datePublished": iso(site.post_published(item)), "author": {"@type": "Person", "name": item.author}}
        body = "".join(body_html(item.body, lambda slug: slug))
        main = (f'<article class="post"><h1>{escape(item.title)}</h1><p class="meta"><time datetime="'
                f'{iso(site.post_published(item))}">{long_date(item.date)}</time> by {escape(item.author)}</p>'
                f'<div class="entry-content">{body}</div></article>')
        head = f'<meta property="og:type" content="article">{json_ld(schema)}'
        return html_page(self._document(site, base, item.title, main, head), kind="post",
                         last_modified=site.post_modified(item))

    def _document(self, site: DemoSite, base: str, title: str, main: str, head: str = "") -> str:
        return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>{head}'
                f'<link rel="alternate" type="application/rss+xml" href="{base}/feed/"></head><body><header><a href='
                f'"{base}/">{escape(site.name)}</a></header><main>{main}</main><footer><p>{escape(site.chrome.tagline)}'
                f'</p></footer></body></html>')


def generated_site(posts: int) -> DemoSite:
    chrome = Chrome(tagline="A generated clinic blog for benchmarks", cookie_notice="", newsletter_pitch="",
                    footer_cta="", comments=(), author_bios={})
    return DemoSite(key="bench", name="Generated Clinic Blog", location="", street="", phone="", utc_offset_hours=0,
                    style=GeneratedBlogStyle(), chrome=chrome,
                    posts={p.slug: p for p in map(generated_post, range(posts))}, info_pages={})


class CountingWriter:
    """The handler's socket writer, counting what it writes (headers and bodies), also by request path."""

    def __init__(self, raw, counter: ByteCounter, handler):
        self.raw, self.counter, self.handler = raw, counter, handler

    def write(self, data: bytes) -> int:
        self.counter.add(len(data), getattr(self.handler, "path", ""))
        try:
            return self.raw.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the crawler hung up on an oversized page, as it should
            self.handler.close_connection = True
            return 0

    def __getattr__(self, name: str):
        return getattr(self.raw, name)  # flush, close, closed: as the socket writer has them


class ByteCounter:
    def __init__(self) -> None:
        self.total = 0
        self.by_path: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, count: int, path: str = "") -> None:
        with self._lock:
            self.total += count
            self.by_path[path] = self.by_path.get(path, 0) + count

    def take(self) -> int:
        """The count so far, starting again from zero (by path too)."""
        with self._lock:
            total, self.total = self.total, 0
            self.by_path = {}
            return total

    def of_paths(self, paths: list[str]) -> int:
        with self._lock:
            return sum(self.by_path.get(path, 0) for path in paths)


def counting_handler(counter: ByteCounter) -> type[SiteRequestHandler]:
    class CountingHandler(SiteRequestHandler):
        def setup(self) -> None:
            super().setup()
            self.wfile = CountingWriter(self.wfile, counter, self)

    return CountingHandler


@contextmanager
def serve_counting(site: DemoSite, counter: ByteCounter) -> Iterator[str]:
    """Serve one site (as clinicwatch.demo.server does) with every byte sent counted; yields its base URL."""
    server = start_server(site)
    server.RequestHandlerClass = counting_handler(counter)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Measure:
    label: str
    seconds: float
    cpu_seconds: float  # user + system time of the crawling process
    requests: int
    server_bytes: int
    recorded_bytes: int | None  # fetches.bytes of the run; None for the bare crawl, which records nothing
    post_requests: int
    post_full_fetches: int  # post requests answered 200
    bad_bytes: int = 0  # what the server wrote for the known-bad pages (at most: a cancelled write counts whole)
    skip_rows: int = 0  # fetches rows "skipped until ..." of the run


def clinicwatch_crawl(label: str, site: DemoSite, counter: ByteCounter, sources: Path, db_path: Path,
                      max_pages: int, bad_paths: list[str] = ()) -> Measure:
    settings = [arg for name, value in FAST.items() for arg in ("-s", f"{name}={value}")]
    before = len(site.requests)
    start, cpu_start = time.perf_counter(), children_cpu_seconds()
    subprocess.run([sys.executable, "-m", "clinicwatch.cli", "crawl", "--sources", str(sources), "--db", str(db_path),
                    "--allow-private-hosts", "--max-pages-per-site", str(max_pages), *settings],
                   cwd=REPO, check=True, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, children_cpu_seconds() - cpu_start
    db = open_db(db_path)
    run_id = db.execute("SELECT MAX(id) FROM crawl_runs").fetchone()[0]
    recorded, = db.execute("SELECT COALESCE(SUM(bytes), 0) FROM fetches WHERE run_id = ?", [run_id]).fetchone()
    full, = db.execute("SELECT COUNT(*) FROM fetches WHERE run_id = ? AND purpose = 'page' AND status = 200",
                       [run_id]).fetchone()
    skipped, = db.execute("SELECT COUNT(*) FROM fetches WHERE run_id = ? AND error LIKE 'skipped until %'",
                          [run_id]).fetchone()
    requests = site.requests[before:]
    bad_bytes = counter.of_paths(list(bad_paths))
    return Measure(label, seconds, cpu, len(requests), counter.take(), recorded, sum(map(is_post_path, requests)),
                   full, bad_bytes, skipped)


def turn_bad(site: DemoSite, base_url: str) -> list[str]:
    """Two posts turn bad for good: a compression bomb of about 3 MB on the wire (3 GiB inflated) and a
    page larger than DOWNLOAD_MAXSIZE (11 MiB); both get a new sitemap lastmod, so a re-run asks for them."""
    from tests.fixtures.hostile_sites import MIB, gzip_bomb

    bomb, large = site.posts_newest_first()[:2]
    bad = {bomb.slug: Page(200, "text/html; charset=utf-8", gzip_bomb(3 * 1024 * MIB), {"Content-Encoding": "gzip"}),
           large.slug: Page(200, "text/html; charset=utf-8", b"<p>" + b"x" * (11 * MIB))}
    paths = []
    now = datetime.now(timezone.utc)
    for slug, page in bad.items():
        post = replace(site.posts[slug], modified_at=now)  # a lastmod newer than the last visit
        site.remove_post(slug)
        site.add_post(post)
        paths.append(site.style.post_path(post))
        site.set_page(paths[-1], page)
    site.routes(base_url)  # rendered again, outside the timings
    return paths


def children_cpu_seconds() -> float:
    """User and system time of this process's finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def is_post_path(path: str) -> bool:
    return path.startswith("/blog/") and not path.startswith("/blog/page/") and path != "/blog/"


def bare_scrapy(sitemap_url: str) -> None:
    """In this process: a bare Scrapy crawl of the sitemap and every URL in it."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    class BareSpider(SitemapSpider):
        name = "bare"
        sitemap_urls = [sitemap_url]

        def parse(self, response):
            return None

    process = CrawlerProcess({**FAST, "ROBOTSTXT_OBEY": True, "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False,
                              "USER_AGENT": "bare-scrapy-bench"})
    process.crawl(BareSpider)
    process.start()


def bare_scrapy_crawl(site: DemoSite, counter: ByteCounter, sitemap_url: str) -> Measure:
    before = len(site.requests)
    start, cpu_start = time.perf_counter(), children_cpu_seconds()
    # A subprocess of its own: a Scrapy reactor runs once per process.
    subprocess.run([sys.executable, "-c", f"from bench.crawl import bare_scrapy; bare_scrapy({sitemap_url!r})"],
                   cwd=REPO, check=True, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, children_cpu_seconds() - cpu_start
    requests = site.requests[before:]
    posts = sum(map(is_post_path, requests))
    return Measure("bare Scrapy (sitemap + every URL)", seconds, cpu, len(requests), counter.take(), None, posts, posts)


def machine() -> str:
    return f"{os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}"


def megabytes(count: int | None) -> str:
    return "-" if count is None else f"{count / 1e6:.1f}"


def report(measures: list[Measure]) -> str:
    lines = [f"{'':38} {'wall s':>7} {'CPU s':>6} {'requests':>9} {'server MB':>10} {'fetches MB':>11} "
             f"{'post requests':>14} {'answered 200':>13} {'bad pages MB':>13} {'skip rows':>10}"]
    lines += [f"{m.label:38} {m.seconds:7.1f} {m.cpu_seconds:6.1f} {m.requests:9d} {megabytes(m.server_bytes):>10} "
              f"{megabytes(m.recorded_bytes):>11} {m.post_requests:14d} {m.post_full_fetches:13d} "
              f"{megabytes(m.bad_bytes):>13} {m.skip_rows:10d}" for m in measures]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl", description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=2000, help="posts on the generated site [default: 2000]")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the database here [default: a temporary "
                                                                   "folder, removed afterwards]")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    site = generated_site(args.posts)
    counter = ByteCounter()
    with tempfile.TemporaryDirectory() as scratch, serve_counting(site, counter) as base_url:
        workdir = args.workdir or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        db_path = workdir / "bench-crawl.db"
        for stale in workdir.glob("bench-crawl.db*"):
            stale.unlink()
        sources = workdir / "bench-sources.toml"
        sources.write_text(sources_toml([Source(name=site.name, url=base_url + site.listing_path)]), encoding="utf-8")
        max_pages = args.posts * 2 + 100
        site.routes(base_url)  # rendered once, outside every timing
        first = clinicwatch_crawl("clinicwatch crawl, first run", site, counter, sources, db_path, max_pages)
        rerun = clinicwatch_crawl("clinicwatch crawl, re-run (unchanged)", site, counter, sources, db_path, max_pages)
        bare = bare_scrapy_crawl(site, counter, f"{base_url}/sitemap_index.xml")
        stored, = open_db(db_path).execute("SELECT COUNT(*) FROM posts").fetchone()
        bad_paths = turn_bad(site, base_url)
        meets_bad = clinicwatch_crawl("re-run, 2 posts turned bad", site, counter, sources, db_path, max_pages,
                                      bad_paths)
        knows_bad = clinicwatch_crawl("re-run, the bad posts known", site, counter, sources, db_path, max_pages,
                                      bad_paths)
        known_bad_requests = sum(path in bad_paths for path in site.requests[-knows_bad.requests:]) \
            if knows_bad.requests else 0
    print(f"generated blog of {args.posts} posts on loopback; {stored} stored; machine: {machine()}")
    print(report([first, rerun, bare, meets_bad, knows_bad]))
    share = rerun.seconds / first.seconds
    conditional = 1 - rerun.post_full_fetches / args.posts
    bars = {f"re-run wall time {share:.0%} of the first run (at most {RERUN_SHARE:.0%})": share <= RERUN_SHARE,
            f"re-run: {conditional:.1%} of posts answered 304 or skipped (at least {CONDITIONAL_SHARE:.0%})":
                conditional >= CONDITIONAL_SHARE,
            f"first run stored every post ({stored} of {args.posts})": stored == args.posts,
            f"known bad pages: {knows_bad.bad_bytes} bytes and {known_bad_requests} requests for them, "
            f"{knows_bad.skip_rows} skip records (none, none, {len(bad_paths)})":
                knows_bad.bad_bytes == 0 and known_bad_requests == 0 and knows_bad.skip_rows == len(bad_paths)}
    print("bars: " + "; ".join(f"{bar}: {'met' if met else 'MISSED'}" for bar, met in bars.items()))
    return 0 if all(bars.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
