import subprocess
import sys
from contextlib import contextmanager
from types import SimpleNamespace

import pytest

from clinicwatch.demo import (
    demo_sites,
    expected_posts,
    non_post_urls,
    serve_sites,
    write_sources,
)
from db import open_db

# Our own loopback servers: no politeness delays needed.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]


def clinicwatch(*args, check=True, timeout=300) -> subprocess.CompletedProcess:
    """Run the command line in its own process (a Scrapy reactor runs once per process)."""
    result = subprocess.run([sys.executable, "-m", "clinicwatch.cli", *map(str, args)], capture_output=True, text=True,
                            timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"clinicwatch {' '.join(map(str, args))} exited {result.returncode}:\n{result.stderr[-4000:]}")
    return result


@pytest.fixture
def rule_only(monkeypatch):
    """The relevance rule's sentence rule alone (pipeline.relevance.ENCODER_PATH off): what a test changes is
    the rule's, not the encoder's."""
    from pipeline import relevance

    monkeypatch.setattr(relevance, "ENCODER_PATH", False)


@pytest.fixture(scope="session")
def crawled_demo(tmp_path_factory):
    """The demo sites plus two fixture sites in other styles, crawled and summarized once per session.
    The servers stay up for the tests, which may change the sites (only through `fresh_run`)."""
    from tests.fixtures.other_sites import other_sites

    sites = demo_sites() + other_sites()
    tmp = tmp_path_factory.mktemp("crawl")
    with serve_sites(sites) as base_urls:
        sources = write_sources(tmp / "sources.toml", base_urls, sites)
        db_path = tmp / "clinicwatch.db"
        result = clinicwatch("run", "--sources", sources, "--db", db_path, "--allow-private-hosts", *FAST)
        yield SimpleNamespace(sites=sites, base_urls=base_urls, sources=sources, db_path=db_path, result=result,
                              db=open_db(db_path), expected=expected_posts(sites, base_urls),
                              non_posts=non_post_urls(sites, base_urls))


@contextmanager
def recorded_crawler(tmp_path, sources, **settings):
    """A Scrapy crawler with the real CrawlRun extension, its run opened over a SQLite file in
    tmp_path, for unit tests of the components that write through it."""
    from scrapy.utils.test import get_crawler

    from pipeline.crawl_run import CrawlRun

    crawler = get_crawler(settings_dict={**settings, "CLINICWATCH_DB": str(tmp_path / "clinicwatch.db"),
                                         "EXTENSIONS": {"pipeline.crawl_run.CrawlRun": 100}})
    run = crawler.get_extension(CrawlRun)
    run.spider_opened(SimpleNamespace(sources=list(sources)))  # all CrawlRun reads of the spider: its sources
    try:
        yield crawler
    finally:
        run.db.close()
