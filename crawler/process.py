"""Running a spider of this project in this process: the project's settings with overrides on
top, the database checked before any request goes out, and what the crawl left in its stats.

Scrapy's reactor cannot restart, so one process runs at most one crawl (or one sources check).
"""

from __future__ import annotations

import os

from db import DatabaseError, open_db
from db.store import check_writable


class CrawlDidNotStart(RuntimeError):
    """The spider closed before its crawl run was recorded; Scrapy's log says why."""


def project_settings(overrides: dict):
    """crawler/settings.py with command-line overrides on top."""
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_spider(spider_class, settings, **spider_arguments):
    """One spider in this process, to its end; returns its crawler (stats, spider)."""
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_class)
    process.crawl(crawler, **spider_arguments)
    process.start()
    return crawler


def run_crawl(sources, db_path: str, *, max_pages_per_site=None, allow_private_hosts=False,
              scrapy_settings: dict | None = None) -> dict:
    """Crawl the sources into the database in this process; returns the run's crawl_runs row."""
    from crawler.spiders.clinic_blogs import ClinicBlogsSpider

    overrides = {"CLINICWATCH_DB": db_path, "CLINICWATCH_ALLOW_PRIVATE_HOSTS": allow_private_hosts,
                 "STATS_DUMP": False}
    if max_pages_per_site:
        overrides["CLINICWATCH_MAX_PAGES_PER_SITE"] = max_pages_per_site
    settings = project_settings({**overrides, **(scrapy_settings or {})})
    preflight = open_db(db_path)
    check_writable(preflight)  # a bad database fails here, before any request goes out (exit 3)
    preflight.close()
    crawler = run_spider(ClinicBlogsSpider, settings, sources=sources)
    if crawler.stats.get_value("clinicwatch/database_error"):
        raise DatabaseError(crawler.stats.get_value("clinicwatch/database_error"))
    run_id = crawler.stats.get_value("clinicwatch/run_id")
    if run_id is None:
        raise CrawlDidNotStart(f"the crawl did not start; see the log above (database {db_path})")
    return open_db(db_path)["crawl_runs"].get(run_id)


def check_sources(sources, *, allow_private_hosts=False, scrapy_settings: dict | None = None) -> list[dict]:
    """What each site offers for discovery (crawler.spiders.sources_check), one row per site."""
    from crawler.spiders.sources_check import SourcesCheckSpider

    settings = project_settings({"CLINICWATCH_ALLOW_PRIVATE_HOSTS": allow_private_hosts, "LOG_LEVEL": "WARNING",
                                 **(scrapy_settings or {})})
    crawler = run_spider(SourcesCheckSpider, settings, sources=sources)
    return list(crawler.spider.report.values())
