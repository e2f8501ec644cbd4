"""Many clinic blogs at once, politely: N generated blogs served on loopback, each on its own
address (127.0.x.y), crawled with the production politeness settings (AutoThrottle, 0.5 s
between requests and at most 2 at a time per site, robots.txt Crawl-delay), beside a bare
Scrapy crawl of the same pages under the same politeness, then again with nothing changed;
with --workers, also across that many `clinicwatch worker` processes on a local Redis.

A realistic mix: 60 % of the sites have a sitemap, 20 % only a feed, 20 % only listing pages;
5 to 200 posts each (most of them small); one in 50 answers slowly (0.4 s), one in 50 fails
every fifth post (500), one in 100 is down, one in 40 asks for Crawl-delay: 2.

The bare crawl (bare_scrapy) is one Scrapy spider with no pipelines and no middlewares of ours,
handed at its start every URL our first crawl fetched (its fetches rows: listings, sitemaps,
feeds, probes of usual sitemap and feed paths, posts, 404s; a retried or redirected URL once),
in the order ours first fetched them, robots.txt aside, which its RobotsTxtMiddleware asks for
once a host as ours does. Its politeness is production's: ROBOTSTXT_OBEY, AutoThrottle (start
1 s, target concurrency 1, max 30 s), DOWNLOAD_DELAY 0.5 s with Scrapy's jitter, 16 requests at
once, 2 a site, the same retries, timeout and redirects; and Crawl-delay honoured per site: the
hosts that ask for one get a DOWNLOAD_SLOTS entry (one request at a time, the delay, no jitter)
that AutoThrottle is told to leave alone (HoldCrawlDelay), as crawler.downloadermiddlewares.
crawldelay does in ours. Differences left: it knows every URL and every Crawl-delay from the
start, where ours discovers them (robots.txt, then sitemaps or listings, then posts), and its
delay runs from the start of one request, ours from the end of the previous one. Pages are
distinct URLs fetched, robots.txt included, for both.

Each crawl is its own process, measured with wait4: wall time, CPU time (user + system, its
extraction pool's included) and peak resident memory of the largest process; "all MB" is the
peak of the crawl and its pool processes together, sampled each second. The sites are served
by another process, whose CPU is not counted. "load" is the 5-minute load average at the end
of the crawl (the machine may be shared). --profile runs our first crawl under cProfile.
Bars (issue 16): the first crawl within 1.3x bare Scrapy's wall time at 1,000 sites; peak memory
within 15 % from 1,000 to 3,000 sites; 2 workers at least 1.5x one where the crawl is CPU-bound.

Last measured (x86_64, 2 cores, shared, load 2.6 to 5.9; docs/decisions.md, "Many sites in one
crawl"): 100 sites, 6,749 pages, first crawl in-process 330, 335 and 392 s wall, 114, 118 and 132 s
CPU (17 to 19.5 ms a page; 140 and 145 s before CONCURRENT_ITEMS = 4 and the numpy MinHash), 245 MiB; with
CLINICWATCH_EXTRACT_PROCESSES=auto (a pool of 1), in turn with those, 331 and 349 s, 125 and
137 s, 406 to 419 MiB with the pool: politeness-bound, the pool gains nothing here. Bare Scrapy
(last round): 301 s, 28 s CPU, 104 MiB. 1,000 sites (last round, pool of 1): ours 3,257 s wall,
1,587 s CPU; bare 780 s, 282 s. 3,000 sites: not measured.

    python -m bench.sites [--sites 100 1000 3000] [--workers 2] [--max-posts 200]
                          [--crawls rerun bare] [--profile DIR] [-s CLINICWATCH_EXTRACT_PROCESSES=0]"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
SLOW_SECONDS = 0.4


@dataclass(frozen=True)
class BlogSpec:
    index: int
    kind: str  # sitemap, feed, listing
    posts: int
    slow: bool
    failing: bool
    down: bool
    crawl_delay: int | None

    @property
    def host(self) -> str:
        return f"127.0.{1 + self.index // 250}.{2 + self.index % 250}"

    @property
    def name(self) -> str:
        return f"Bench Clinic {self.index:04d}"


def blog_specs(count: int, max_posts: int) -> list[BlogSpec]:
    specs = []
    for index in range(count):
        rng = random.Random(index)
        kind = rng.choices(["sitemap", "feed", "listing"], weights=[6, 2, 2])[0]
        posts = 5 + int((max_posts - 5) * rng.random() ** 2.5)
        specs.append(BlogSpec(index, kind, posts, slow=index % 50 == 7, failing=index % 50 == 13,
                              down=index % 100 == 29, crawl_delay=2 if index % 40 == 3 else None))
    return specs


def source_url(spec: BlogSpec, port: int) -> str:
    return f"http://{spec.host}:{port}" + ("/" if spec.kind == "feed" else "/blog/")


# -- the server (its own process) -------------------------------------------------------------

def make_site(spec: BlogSpec):
    from bench.crawl import GeneratedBlogStyle, generated_post
    from clinicwatch.demo.model import Chrome, DemoSite

    chrome = Chrome(tagline=f"{spec.name}, a generated clinic blog", cookie_notice="", newsletter_pitch="",
                    footer_cta="", comments=(), author_bios={})
    posts = [generated_post(spec.index * 1000 + n) for n in range(spec.posts)]
    return DemoSite(key=f"b{spec.index}", name=spec.name, location="", street="", phone="", utc_offset_hours=0,
                    style=GeneratedBlogStyle(), chrome=chrome, posts={p.slug: p for p in posts}, info_pages={})


def respond(spec: BlogSpec, site, base: str, path: str):
    """The page at path, rendered on demand (memory stays flat however many sites there are)."""
    from clinicwatch.demo.markup import (
        excerpt,
        html_page,
        rss_feed,
        sitemap_index,
        sitemap_urlset,
        text_page,
        xml_page,
    )
    from clinicwatch.demo.templates import chunks

    style = site.style
    posts = site.posts_newest_first()
    if path == "/robots.txt":
        text = "User-agent: *\nDisallow: /wp-admin/\n" + (f"Crawl-delay: {spec.crawl_delay}\n" if spec.crawl_delay
                                                            else "")
        return text_page(text + (f"\nSitemap: {base}/sitemap_index.xml\n" if spec.kind == "sitemap" else ""))
    if spec.kind == "feed" and path == "/":
        return html_page(style._document(site, base, site.name, "<h1>Welcome</h1><p>Read our blog in your feed "
                                                                 "reader.</p>"), kind="home")
    if spec.kind != "feed" and (path == "/blog/" or path.startswith("/blog/page/")):
        pages = chunks(posts, style.page_size)
        number = 1 if path == "/blog/" else int(path.strip("/").rsplit("/", 1)[-1])
        if number <= len(pages):
            return style._listing(site, base, pages[number - 1], number, len(pages))
    if spec.kind == "sitemap" and path == "/sitemap_index.xml":
        return xml_page(sitemap_index([(f"{base}/post-sitemap1.xml", max(site.post_modified(p) for p in posts))]),
                        "sitemap")
    if spec.kind == "sitemap" and path == "/post-sitemap1.xml":
        return xml_page(sitemap_urlset([(f"{base}{style.post_path(p)}", site.post_modified(p)) for p in posts]),
                        "sitemap")
    if spec.kind != "listing" and path == "/feed/":
        items = posts if spec.kind == "feed" else posts[:20]
        return xml_page(rss_feed(
            title=site.name, link=f"{base}/", self_url=f"{base}/feed/", description="", built=site.updated_at,
            generator="bench", items=[{
                "title": p.title, "link": f"{base}{style.post_path(p)}", "guid": f"{base}{style.post_path(p)}",
                "guid_is_permalink": True, "published": site.post_published(p), "creator": p.author,
                "categories": [], "description": excerpt(p.body, 40), "content_html": None} for p in items]),
            kind="feed", content_type="application/rss+xml; charset=utf-8")
    for number, item in enumerate(posts):
        if path == style.post_path(item):
            if spec.failing and number % 5 == 0:
                return html_page("<h1>Server error</h1>", kind="error", status=500)
            return style._post(site, base, item)
    return style.not_found(site, base)


def serve(count: int, max_posts: int, port: int) -> None:
    """Serve the blogs until SIGTERM (aiohttp: one event loop, one listening socket per address)."""
    from aiohttp import web

    from clinicwatch.demo.server import http_response

    specs = [s for s in blog_specs(count, max_posts) if not s.down]
    sites = {s.host: (s, make_site(s)) for s in specs}

    async def handle(request):
        host = request.transport.get_extra_info("sockname")[0]
        spec, site = sites[host]
        if spec.slow:
            await asyncio.sleep(SLOW_SECONDS)
        status, headers, body = http_response(respond(spec, site, f"http://{host}:{port}", request.path),
                                              request.headers)
        headers.pop("Content-Length", None)
        return web.Response(status=status, headers=headers, body=body)

    async def main():
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for host in sites:
            await web.TCPSite(runner, host, port, backlog=64).start()
        print("ready", flush=True)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
        await runner.cleanup()

    asyncio.run(main())


# -- the crawls ---------------------------------------------------------------------------------

@dataclass
class Measure:
    label: str
    sites: int
    pages: int
    seconds: float
    cpu_seconds: float
    peak_mb: float
    family_mb: float
    load: float = field(default_factory=lambda: os.getloadavg()[1])  # 5-minute load average at its end

    def line(self) -> str:
        minutes = self.seconds / 60
        return (f"{self.label:44} {self.sites:6d} {self.pages:7d} {self.seconds:8.1f} {self.cpu_seconds:7.1f} "
                f"{self.peak_mb:8.0f} {self.family_mb:8.0f} {self.sites / minutes:9.0f} {self.pages / minutes:9.0f} {self.load:5.1f}")


FIRST, RERUN, BARE = "clinicwatch crawl, first run", "clinicwatch crawl, re-run unchanged", \
    "bare Scrapy, same pages and politeness"
HEADER = (f"{'':44} {'sites':>6} {'pages':>7} {'wall s':>8} {'CPU s':>7} {'peak MB':>8} {'all MB':>8} {'sites/min':>9} "
          f"{'pages/min':>9} {'load':>5}")


def tree_rss_mb(roots: list[int]) -> float:
    """Resident memory of these processes and all their descendants (a crawl's extraction pool), in MB."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    family, grew = set(roots), True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    total = 0
    for pid in family:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError):
            continue
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def wait_measured(processes: list[subprocess.Popen]) -> tuple[float, float, float]:
    """CPU seconds (summed, their own reaped children's included), peak RSS in MB (the largest
    process's, from wait4) and the peak of all of them and their children together (sampled each
    second: a crawl with an extraction pool is several processes)."""
    roots, peaks, done = [p.pid for p in processes], [0.0], threading.Event()

    def sample():
        while not done.wait(1.0):
            peaks.append(tree_rss_mb(roots))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu, peak = 0.0, 0.0
    for process in processes:
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
        peak = max(peak, usage.ru_maxrss / 1024)
    done.set()
    sampler.join()
    return cpu, peak, max(peak, *peaks)


def cli(*args) -> list[str]:
    return [sys.executable, "-m", "clinicwatch.cli", *map(str, args)]


def fetched_pages(db_path: Path) -> int:
    from db import open_db

    db = open_db(db_path)
    return db.execute("SELECT COUNT(DISTINCT url) FROM fetches WHERE run_id = (SELECT MAX(id) FROM crawl_runs)"
                      ).fetchone()[0]


def clinicwatch_crawl(label: str, sites: int, sources: Path, db_path: Path, extra: list = (),
                      profile: Path | None = None) -> Measure:
    start = time.perf_counter()
    command = cli("crawl", "--sources", sources, "--db", db_path, "--allow-private-hosts",
                    "-s", "LOG_LEVEL=WARNING", *extra)
    if profile:
        command[1:3] = ["-m", "cProfile", "-o", str(profile), "-m", "clinicwatch.cli"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu, peak, family = wait_measured([process])
    return Measure(label + (" (under cProfile)" if profile else ""), sites, fetched_pages(db_path),
                   time.perf_counter() - start, cpu, peak, family)


def distributed_crawl(workers: int, sites: int, sources: Path, db_path: Path, workdir: Path) -> Measure:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(workdir)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        start = time.perf_counter()
        coordinator = subprocess.Popen(cli("crawl", "--sources", sources, "--db", db_path, "--allow-private-hosts",
                                           "--redis", url, "-s", "LOG_LEVEL=WARNING"), cwd=REPO,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Workers started together with it wait for the run: without --exit-when-idle until it is seeded.
        import redis as redis_client

        client = redis_client.Redis(port=port)
        deadline = time.monotonic() + 600
        while client.hget("clinicwatch:run", "status") != b"running" and time.monotonic() < deadline:
            time.sleep(0.1)
        crew = [subprocess.Popen(cli("worker", "--redis", url, "--exit-when-idle"), cwd=REPO,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
        cpu, peak, family = wait_measured([coordinator, *crew])
        seconds = time.perf_counter() - start
    finally:
        redis.terminate()
        redis.wait(10)
    return Measure(f"clinicwatch, {workers} workers + coordinator", sites, fetched_pages(db_path), seconds, cpu,
                   peak, family)


def crawled_urls(db_path: Path) -> list[str]:
    """Every URL the first run fetched (sitemaps, feeds, listings, probes, posts; a retried or
    redirected URL once), in the order it first fetched them, robots.txt aside: the bare crawl's
    RobotsTxtMiddleware asks for that itself."""
    from db import open_db

    db = open_db(db_path)
    rows = db.execute("SELECT url FROM fetches WHERE run_id = (SELECT MIN(id) FROM crawl_runs) "
                      "GROUP BY url ORDER BY MIN(id)").fetchall()
    return [url for (url,) in rows if not url.endswith("/robots.txt")]


class HoldCrawlDelay:
    """The bare crawl's Crawl-delay: AutoThrottle leaves the delay of a host that asks for one
    (DOWNLOAD_SLOTS sets it) alone, as crawler.downloadermiddlewares.crawldelay does in ours."""

    hosts: frozenset[str] = frozenset()

    def process_request(self, request):
        if urlsplit(request.url).hostname in self.hosts:
            request.meta["autothrottle_dont_adjust_delay"] = True


def bare_scrapy(urls_file: str, crawl_delays: dict[str, float]) -> None:
    """In this process: a bare Scrapy crawl of the listed URLs, production politeness, no pipelines."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    from crawler import settings as production

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self):
            for url in Path(urls_file).read_text().split():
                yield scrapy.Request(url, callback=self.parse, errback=self.failed)

        def parse(self, response):
            return None

        def failed(self, failure):
            return None

    politeness = {name: getattr(production, name) for name in (
        "ROBOTSTXT_OBEY", "AUTOTHROTTLE_ENABLED", "AUTOTHROTTLE_START_DELAY", "AUTOTHROTTLE_MAX_DELAY",
        "AUTOTHROTTLE_TARGET_CONCURRENCY", "DOWNLOAD_DELAY", "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN",
        "RETRY_TIMES", "RETRY_HTTP_CODES", "DOWNLOAD_TIMEOUT", "COOKIES_ENABLED", "REDIRECT_MAX_TIMES")}
    HoldCrawlDelay.hosts = frozenset(crawl_delays)
    slots = {host: {"concurrency": 1, "delay": delay, "jitter": 0.0} for host, delay in crawl_delays.items()}
    process = CrawlerProcess({**politeness, "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False,
                              "USER_AGENT": "bare-scrapy-bench", "DOWNLOAD_SLOTS": slots,
                              "DOWNLOADER_MIDDLEWARES": {"bench.sites.HoldCrawlDelay": 150}})
    process.crawl(BareSpider)
    process.start()


def bare_crawl(sites: int, specs: list[BlogSpec], urls: list[str], workdir: Path) -> Measure:
    urls_file = workdir / "urls.txt"
    urls_file.write_text("\n".join(urls))
    delays = {s.host: float(s.crawl_delay) for s in specs if s.crawl_delay}
    start = time.perf_counter()
    code = f"from bench.sites import bare_scrapy; bare_scrapy({str(urls_file)!r}, {delays!r})"
    process = subprocess.Popen([sys.executable, "-c", code],
                               cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu, peak, family = wait_measured([process])
    # Pages: its requests, robots.txt included (one a host), as ours counts its fetches.
    hosts = {urlsplit(url).hostname for url in urls}
    return Measure(BARE, sites, len(urls) + len(hosts),
                   time.perf_counter() - start, cpu, peak, family)


def run_size(count: int, args, workdir: Path) -> list[Measure]:
    from crawler.sources import Source, sources_toml

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    specs = blog_specs(count, args.max_posts)
    code = f"from bench.sites import serve; serve({count}, {args.max_posts}, {port})"
    server = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready", "the bench server did not start"
        sources = workdir / f"sources-{count}.toml"
        sources.write_text(sources_toml([Source(name=s.name, url=source_url(s, port)) for s in specs]))
        db_path = workdir / f"sites-{count}.db"
        profile = args.profile / f"first-{count}.prof" if args.profile else None
        if profile:
            profile.parent.mkdir(parents=True, exist_ok=True)  # else cProfile fails, silently, at the end
        ours = [x for setting in args.settings for x in ("-s", setting)]
        measures = [clinicwatch_crawl(FIRST, count, sources, db_path, ours, profile=profile)]
        print(measures[-1].line(), flush=True)
        if "rerun" in args.crawls:
            measures.append(clinicwatch_crawl(RERUN, count, sources, db_path, ours))
            print(measures[-1].line(), flush=True)
        if "bare" in args.crawls:
            measures.append(bare_crawl(count, specs, crawled_urls(db_path), workdir))
            print(measures[-1].line(), flush=True)
        if args.workers:
            if shutil.which("redis-server") is None:
                print("redis-server is not installed: --workers skipped")
            else:
                measures.append(distributed_crawl(args.workers, count, sources, workdir / f"workers-{count}.db",
                                                  workdir))
                measures.append(distributed_crawl(1, count, sources, workdir / f"worker1-{count}.db", workdir))
        return measures
    finally:
        server.terminate()
        server.wait(30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sites", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, nargs="+", default=[100, 1000, 3000])
    parser.add_argument("--workers", type=int, default=0, help="also crawl across this many workers (and 1)")
    parser.add_argument("--max-posts", type=int, default=200)
    parser.add_argument("--crawls", nargs="*", default=["rerun", "bare"], choices=["rerun", "bare"],
                        help="besides the first crawl (default: both)")
    parser.add_argument("--profile", type=Path, help="run the first crawl under cProfile, its stats in this folder")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting for our crawls (e.g. CLINICWATCH_EXTRACT_PROCESSES=0)")
    args = parser.parse_args(argv)
    results: dict[int, dict[str, Measure]] = {}
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        for count in args.sites:
            results[count] = {m.label.split(" (")[0]: m for m in run_size(count, args, Path(scratch))}
    bars = {}
    if 1000 in results and BARE in results[1000]:
        first, bare = results[1000][FIRST], results[1000][BARE]
        bars[f"first crawl {first.seconds / bare.seconds:.2f}x bare Scrapy at 1,000 sites (at most 1.3x)"] = \
            first.seconds <= 1.3 * bare.seconds
    if 1000 in results and 3000 in results:
        growth = results[3000][FIRST].peak_mb / results[1000][FIRST].peak_mb - 1
        bars[f"peak memory {growth:+.0%} from 1,000 to 3,000 sites (within 15 %)"] = abs(growth) <= 0.15
    if args.workers:
        largest = results[max(results)]
        several, one = largest.get(f"clinicwatch, {args.workers} workers + coordinator"), \
            largest.get("clinicwatch, 1 workers + coordinator")
        if several and one:
            speedup = one.seconds / several.seconds
            bars[f"{args.workers} workers {speedup:.2f}x one at {max(results)} sites (at least 1.5x where "
                 "CPU-bound)"] = speedup >= 1.5
    if bars:
        print("bars: " + "; ".join(f"{bar}: {'met' if met else 'MISSED'}" for bar, met in bars.items()))
    return 0 if all(bars.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
