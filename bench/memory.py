"""Peak memory of a crawl as the site grows: `clinicwatch crawl` of a generated blog of 2,000
posts and of 20,000, served on loopback (tests/fixtures/hostile_sites.py generated_blog: robots.txt,
a sitemap index, child sitemaps of 1,000 URLs). Each crawl runs in a process of its own, whose
peak resident set size the kernel reports when it ends (wait4's ru_maxrss).

The bar: the peak at 20,000 pages stays within 10 % of the peak at 2,000. Beside it, the
reference: Scrapy alone (a SitemapSpider that fetches the same pages and keeps nothing), which
shows what the crawl framework itself costs per page.

    python -m bench.memory [--small 2000] [--large 20000]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BAR = 0.10
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        "-s", "LOG_LEVEL=WARNING"]


@dataclass
class Measure:
    pages: int
    peak_mib: float
    seconds: float
    stored: int  # posts in the database (ours) or responses parsed (Scrapy alone)


def peak_of(command: list[str], log: Path) -> tuple[float, float, int]:
    """Run a command to its end; its peak RSS in MiB, its wall time, and its exit status."""
    started = time.perf_counter()
    with open(log, "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, time.perf_counter() - started, process.returncode


def measure_clinicwatch(sources: Path, pages: int, tmp: Path) -> Measure:
    import sqlite3

    db_path = tmp / f"crawl-{pages}.db"
    command = [sys.executable, "-m", "clinicwatch.cli", "crawl", "--sources", str(sources), "--db", str(db_path),
               "--allow-private-hosts", "--max-pages-per-site", str(pages + 100), *FAST]
    peak, seconds, status = peak_of(command, tmp / f"crawl-{pages}.log")
    if status != 0:
        raise RuntimeError(f"clinicwatch crawl exited {status}; see {tmp / f'crawl-{pages}.log'}")
    with sqlite3.connect(db_path) as db:
        stored = db.execute("SELECT COUNT(*) FROM posts").fetchone()[0]
    return Measure(pages, peak, seconds, stored)


def measure_scrapy(base_url: str, pages: int, tmp: Path) -> Measure:
    command = [sys.executable, "-m", "bench.memory", "--scrapy-only", f"{base_url}/robots.txt"]
    log = tmp / f"scrapy-{pages}.log"
    peak, seconds, status = peak_of(command, log)
    if status != 0:
        raise RuntimeError(f"Scrapy alone exited {status}; see {log}")
    parsed = int(log.read_text().rsplit("parsed ", 1)[1].split()[0])
    return Measure(pages, peak, seconds, parsed)


def scrapy_only(robots_url: str) -> int:
    """The reference crawl: Scrapy's SitemapSpider from robots.txt, every page parsed and dropped."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    class ReferenceSpider(SitemapSpider):
        name = "reference"
        sitemap_urls = [robots_url]
        parsed = 0

        def parse(self, response):
            type(self).parsed += 1
            response.xpath("//p//text()").getall()  # read it, as any spider would
            return []

    process = CrawlerProcess({"LOG_LEVEL": "WARNING", "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
                              "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": True})
    process.crawl(ReferenceSpider)
    process.start()
    print(f"parsed {ReferenceSpider.parsed} pages")
    return 0


def growth(small: Measure, large: Measure) -> float:
    return large.peak_mib / small.peak_mib - 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--large", type=int, default=20000)
    parser.add_argument("--scrapy-only", metavar="ROBOTS_URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scrapy_only:
        return scrapy_only(args.scrapy_only)

    from tests.fixtures.hostile_sites import (
        generated_blog,
        serve_hostile,
        write_hostile_sources,
    )

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}")
    results: dict[str, list[Measure]] = {"clinicwatch crawl": [], "Scrapy alone (reference)": []}
    with tempfile.TemporaryDirectory(prefix="clinicwatch-memory-") as tmp:
        tmp_path = Path(tmp)
        for pages in (args.small, args.large):
            site = generated_blog(pages)
            with serve_hostile([site]) as base_urls:
                sources = write_hostile_sources(tmp_path / f"sources-{pages}.toml", base_urls, [site],
                                                unreachable=False)
                results["Scrapy alone (reference)"].append(measure_scrapy(base_urls[site.name], pages, tmp_path))
                results["clinicwatch crawl"].append(measure_clinicwatch(sources, pages, tmp_path))
    print(f"{'crawler':<26} {'pages':>6} {'stored':>6} {'peak RSS':>10} {'time':>8} {'pages/s':>8}")
    for name, measures in results.items():
        for m in measures:
            print(f"{name:<26} {m.pages:>6} {m.stored:>6} {m.peak_mib:>7.0f} MiB {m.seconds:>6.0f} s "
                  f"{m.pages / m.seconds:>8.1f}")
        print(f"{name:<26} peak grows {growth(*measures):+.1%} from {measures[0].pages} to {measures[1].pages} pages")
    ours = results["clinicwatch crawl"]
    complete = all(m.stored == m.pages for m in ours)
    within = growth(*ours) <= BAR
    print(f"bar: clinicwatch's peak at {ours[1].pages} pages within {BAR:.0%} of its peak at {ours[0].pages}: "
          f"{'met' if within else 'MISSED'}" + ("" if complete else "; some posts were not stored"))
    return 0 if within and complete else 1


if __name__ == "__main__":
    sys.exit(main())
