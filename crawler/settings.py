"""Scrapy settings for clinicwatch. `clinicwatch crawl` overrides the CLINICWATCH_* ones from
its options; `scrapy crawl clinic_blogs` uses them as they are (or `-s NAME=VALUE`)."""

import os

from db import default_db_path

BOT_NAME = "clinicwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# clinicwatch's own settings.
CLINICWATCH_DB = default_db_path()  # $CLINICWATCH_DB, else data/clinicwatch.db
CLINICWATCH_SOURCES = None  # None: sources.toml here, else the bundled one
CLINICWATCH_SITES = []  # empty: every site of the sources file
CLINICWATCH_MAX_PAGES_PER_SITE = 500
CLINICWATCH_MAX_LISTING_PAGES = 50  # pagination depth of a listing
CLINICWATCH_ALLOW_PRIVATE_HOSTS = False
CLINICWATCH_MAX_CRAWL_DELAY = 30.0  # seconds; robots.txt Crawl-delay is obeyed up to this
# URLs that failed lastingly (too large, compression bomb, binary "HTML", XML entities, redirect loop)
# are skipped for 1, 2, 4 ... up to 30 days (crawler.downloadermiddlewares.knownfailures).
CLINICWATCH_SKIP_KNOWN_FAILURES = True
CLINICWATCH_CONTACT = os.environ.get("CLINICWATCH_CONTACT", "")
# --render-js: post pages with no text in their HTML rendered in headless Chromium (crawler/renderjs/).
CLINICWATCH_RENDER_JS = False
CLINICWATCH_RENDER_JS_TIMEOUT = 20.0  # seconds for one rendered page, everything it loads included
CLINICWATCH_CHROMIUM = "/usr/bin/chromium"  # Debian's; never a downloaded browser
# A crawl across machines (clinicwatch worker): sites one worker crawls at once, and how long a
# site's lease lasts without renewal before another worker takes the site over.
CLINICWATCH_WORKER_SITES = 32
CLINICWATCH_LEASE_TIMEOUT = 60.0  # seconds

# Text extraction, relevance and fingerprints of each post page run in this many processes beside
# the crawling one (pipeline/offload.py): 0 runs them in the crawling process, "auto" in the usable
# cores less one. The database is the same either way. Off by default: on a 2-core machine a 100-site
# crawl took the same wall time with a pool of 1 as without (331 and 349 s against 330 and 335 s, runs
# in turn: it is bound by politeness, not CPU) for 9 to 16 % more CPU and 160 MB more memory
# (docs/decisions.md, "Many sites in one crawl").
CLINICWATCH_EXTRACT_PROCESSES = 0

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
# What one response yields (one post, or a listing's and a sitemap's requests) is handled by this many
# asyncio tasks: Scrapy starts all of them for every response, and its default of 100 cost 0.6 ms
# of CPU per response here for nothing, where 4 cost 0.06 ms (issue 16; docs/decisions.md, "Many
# sites in one crawl"). Pages still go through the item pipelines many at once, one per response.
CONCURRENT_ITEMS = 4
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no control port on a nightly job

# Limits: no page, redirect chain, sitemap or wait is unbounded. Every one is a setting
# (`-s NAME=VALUE`) and is documented, with its default, in docs/operations.md ("Limits").
DOWNLOAD_TIMEOUT = 30  # seconds for one response
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # bytes of one response, also after gzip/deflate/brotli inflation (and of a page `clinicwatch extract` reads: pipeline.extract.MAX_PAGE_BYTES)
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
METAREFRESH_MAXDELAY = 5
CLINICWATCH_MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # one sitemap, inflated (the sitemaps.org limit)
CLINICWATCH_MAX_SITEMAP_DEPTH = 3  # sitemap indexes within indexes: robots.txt's sitemap is level 1
CLINICWATCH_MAX_ROBOTS_BYTES = 500 * 1024  # of a robots.txt parsed as rules (RFC 9309 asks for at least this)
# Only http and https are ever downloaded: no handlers for file:, data:, ftp: or s3: URLs.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
# Every host name is resolved by this resolver, which refuses addresses that are not globally
# routable where the connection's address is chosen (docs/security.md, "Network and files").
TWISTED_DNS_RESOLVER = "crawler.resolver.RefusePrivateAddresses"

DOWNLOADER_MIDDLEWARES = {
    "crawler.downloadermiddlewares.privatehosts.RefusePrivateHosts": 50,  # before robots.txt is asked for
    "crawler.downloadermiddlewares.stayonsite.StayOnSite": 60,  # redirects to other hosts end here, before their robots.txt
    "crawler.downloadermiddlewares.knownfailures.SkipKnownFailures": 70,  # before robots.txt: a skip asks nothing
    "crawler.downloadermiddlewares.crawldelay.ObeyCrawlDelay": 150,
    "crawler.downloadermiddlewares.sizelimits.SizeLimits": 160,
    "crawler.downloadermiddlewares.robotstxtlimits.RobotsTxtLimits": 540,  # after retries: sees the answer robots.txt ends with
    "crawler.downloadermiddlewares.inspectbodies.InspectBodies": 570,  # after decompression
    # Scrapy's own, replaced by subclasses that say on the fetch row why they drop a response.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.downloadermiddlewares.redirect.MetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware": None,
    "crawler.downloadermiddlewares.httpproxy.HttpProxyMiddleware": 750,  # refuses proxying unless private hosts are allowed
    "crawler.downloadermiddlewares.redirect.RedirectMiddleware": 600,
    "crawler.downloadermiddlewares.recordfetches.RecordFetches": 950,  # next to the downloader: sees every hop and retry
}
ADDONS = {
    "crawler.renderjs.RenderJs": 0,  # scrapy-playwright's download handler, only with CLINICWATCH_RENDER_JS
}
SPIDER_MIDDLEWARES = {
    "crawler.spidermiddlewares.renderjs.RenderScriptPages": 560,  # NotConfigured without CLINICWATCH_RENDER_JS
    "crawler.spidermiddlewares.sitemapdepth.LimitSitemapDepth": 550,
    "crawler.spidermiddlewares.sitemapsoneatatime.SitemapsOneAtATime": 540,  # after the depth limit: holds only sitemaps to fetch
}
EXTENSIONS = {
    "pipeline.crawl_run.CrawlRun": 100,
}
ITEM_PIPELINES = {
    "pipeline.pipelines.ExtractText": 100,
    "pipeline.pipelines.CanonicalUrl": 200,
    "pipeline.pipelines.DeriveFields": 300,
    "pipeline.pipelines.StorePosts": 900,
}

LOG_LEVEL = "INFO"
LOGSTATS_INTERVAL = 15.0
FEED_EXPORT_ENCODING = "utf-8"
