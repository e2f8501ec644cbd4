"""Scrapy settings for clinicwatch. `clinicwatch crawl` overrides the CLINICWATCH_* ones from
its options; `scrapy crawl clinic_blogs` uses them as they are (or `-s NAME=VALUE`)."""

import os

BOT_NAME = "clinicwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# clinicwatch's own settings.
CLINICWATCH_DB = os.environ.get("CLINICWATCH_DB", "data/clinicwatch.db")
CLINICWATCH_SOURCES = None  # None: sources.toml here, else the bundled one
CLINICWATCH_SITES = []  # empty: every site of the sources file
CLINICWATCH_MAX_PAGES_PER_SITE = 500
CLINICWATCH_MAX_LISTING_PAGES = 50  # pagination depth of a listing
CLINICWATCH_ALLOW_PRIVATE_HOSTS = False
CLINICWATCH_MAX_CRAWL_DELAY = 30.0  # seconds; robots.txt Crawl-delay is obeyed up to this
CLINICWATCH_CONTACT = os.environ.get("CLINICWATCH_CONTACT", "")

# Politeness: say who we are, obey robots.txt, adapt to the server's speed.
USER_AGENT = "clinicwatch/0.1 (research crawler of clinic blogs" + (
    f"; +{CLINICWATCH_CONTACT})" if CLINICWATCH_CONTACT else ")")
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_DELAY = 0.5
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no control port on a nightly job

# Limits: no page, redirect chain or wait is unbounded.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
METAREFRESH_MAXDELAY = 5

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.RefusePrivateHosts": 50,  # before robots.txt is asked for
    "crawler.politeness.ObeyCrawlDelay": 150,
    "crawler.middlewares.RecordFetches": 950,  # next to the downloader: sees every hop and retry
}
EXTENSIONS = {
    "crawler.extensions.CrawlRun": 100,
}
ITEM_PIPELINES = {
    "pipeline.pipelines.ExtractText": 100,
    "pipeline.pipelines.CanonicalUrl": 200,
    "pipeline.pipelines.TagRelevance": 300,
    "pipeline.pipelines.Fingerprint": 400,
    "pipeline.pipelines.StorePosts": 900,
}

LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 15.0
FEED_EXPORT_ENCODING = "utf-8"
