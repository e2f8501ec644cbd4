"""A worker of a distributed crawl (`clinicwatch worker --redis`): one Scrapy process that leases
sites from Redis, a few dozen at a time, and crawls each with the project's spider, middlewares
and per-page pipeline stages, under the run's settings (the coordinator's `-s`, not the worker's).

Politeness across workers comes from the lease: a site is crawled by one worker at a time, so its
delay and concurrency limit are those of that worker's downloader slot. A site is finished when
nothing of it is in flight: every request the spider made for it has had its callback or errback
(or was dropped), and every item it yielded has left the item pipelines. Then its known posts not
named this run are asked for (as ClinicBlogsSpider does when idle), and when those are back too
the lease completes and the coordinator stores the site's results.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter, defaultdict
from urllib.parse import urlsplit

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.exceptions import DontCloseSpider

from crawler import settings as project
from crawler.process import project_settings
from crawler.resolver import follow_run_settings
from crawler.sources import Source
from crawler.spiders.clinic_blogs import ClinicBlogsSpider
from pipeline.urls import normalize_url

from .remote import RemoteCrawlRun
from .runstate import RunState, worker_name

logger = logging.getLogger(__name__)

# What makes a crawl a worker's: the database writers replaced by their Redis stand-ins.
WORKER_SETTINGS = {
    "EXTENSIONS": {**project.EXTENSIONS, "pipeline.crawl_run.CrawlRun": None,
                   "crawler.distributed.remote.RemoteCrawlRun": 100},
    "ITEM_PIPELINES": {**project.ITEM_PIPELINES, "pipeline.pipelines.StorePosts": None,
                       "crawler.distributed.remote.ShipPosts": 900},
    "STATS_DUMP": False,
}
TICK = 0.5  # seconds between looks at leases, finished sites and free slots


class SeenBySite:
    """The spider's `seen` URLs kept per host, so a finished site's go at once (and a site redone
    after a lost lease starts afresh)."""

    def __init__(self):
        self.by_host: defaultdict[str, set[str]] = defaultdict(set)

    @staticmethod
    def host(url: str) -> str:
        return urlsplit(url).netloc.lower()

    def __contains__(self, key: str) -> bool:
        return key in self.by_host.get(self.host(key), ())

    def add(self, key: str) -> None:
        self.by_host[self.host(key)].add(key)

    def update(self, keys) -> None:
        for key in keys:
            self.add(key)

    def drop(self, url: str) -> None:
        self.by_host.pop(self.host(url), None)


class WorkerSpider(ClinicBlogsSpider):
    name = "clinic_blogs_worker"

    def __init__(self, state: RunState | None = None, worker: str = "", run_id: int = 0, **kwargs):
        super().__init__(sources=[], known=[], **kwargs)
        self.state, self.worker, self.run_id = state, worker, run_id
        self.seen = SeenBySite()
        self.leases: dict[str, str] = {}  # site -> lease token
        self.in_flight: Counter[str] = Counter()  # requests and items of a site not finished yet
        self.known_by_site: dict[str, list[dict]] = {}
        self.known_asked: set[str] = set()
        self.finished_sites = 0
        self.scheduled = 0
        self.scheduled_at_last_idle = -1
        self.next_renewal = 0.0
        self.closing = False
        self.ticker = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_sites = crawler.settings.getint("CLINICWATCH_WORKER_SITES")
        spider.lease_ms = int(crawler.settings.getfloat("CLINICWATCH_LEASE_TIMEOUT") * 1000)
        for handler, signal in ((spider.item_finished, signals.item_scraped),
                                (spider.item_finished, signals.item_dropped),
                                (spider.item_finished, signals.item_error),
                                (spider.request_was_dropped, signals.request_dropped),
                                (spider.request_was_scheduled, signals.request_scheduled),
                                (spider.start_ticking, signals.spider_opened),
                                (spider.give_leases_back, signals.spider_closed)):
            crawler.signals.connect(handler, signal=signal)
        return spider

    async def start(self):
        return
        yield  # sites come from leases (tick), not from start requests

    # -- what is in flight, per site -------------------------------------------------------

    def follow(self, site, url, callback, purpose, **meta):
        if site.name not in self.leases:
            return None  # a lost lease: that site is another worker's now
        request = super().follow(site, url, callback, purpose, **meta)
        if request is None:
            return None
        self.in_flight[site.name] += 1
        return request.replace(callback=self.tracked, errback=self.tracked_failure,
                               meta={**request.meta, "worker_callback": callback.__name__})

    def tracked(self, response):
        site = response.meta["site"]
        try:
            for output in getattr(self, response.meta["worker_callback"])(response) or ():
                if not isinstance(output, Request):
                    self.in_flight[site] += 1  # until it leaves the item pipelines
                yield output
        finally:
            self.in_flight[site] -= 1

    def tracked_failure(self, failure):
        try:
            return self.fetch_failed(failure)
        finally:
            self.in_flight[failure.request.meta["site"]] -= 1

    def item_finished(self, item, **_):
        self.in_flight[item.site] -= 1

    def request_was_dropped(self, request, **_):
        if "worker_callback" in request.meta:
            self.in_flight[request.meta["site"]] -= 1

    def request_was_scheduled(self, request, **_):
        self.scheduled += 1

    def request_unvisited_known_posts(self):
        """spider_idle: the crawl of a run ends in tick(), never by going idle. Two idle calls in a
        row with nothing scheduled between mean nothing is in flight, whatever the counts say (a
        request a spider middleware dropped is never called back)."""
        if self.scheduled == self.scheduled_at_last_idle:
            for site in self.leases:
                self.in_flight[site] = 0
        self.scheduled_at_last_idle = self.scheduled
        raise DontCloseSpider

    # -- leases ----------------------------------------------------------------------------

    def start_ticking(self, spider):
        from twisted.internet import task

        self.ticker = task.LoopingCall(self.tick)
        self.ticker.start(TICK, now=False).addErrback(lambda f: logger.error("worker tick stopped: %s", f.value))

    def tick(self):
        try:
            self.renew_leases()
            for site in [site for site in self.leases if self.in_flight[site] <= 0]:
                self.site_quiet(site)
            self.take_sites()
            self.state.beat(self.worker, {"run": self.run_id, "sites": sorted(self.leases),
                                          "finished": self.finished_sites})
        except Exception as exc:  # Redis unreachable for a moment: try again next tick
            logger.warning("worker: %s: %s", type(exc).__name__, exc)

    def renew_leases(self):
        if time.monotonic() < self.next_renewal:
            return
        self.next_renewal = time.monotonic() + self.lease_ms / 3000
        for site, token in list(self.leases.items()):
            if not self.state.renew(site, token, self.lease_ms):
                logger.warning("lease of site %s lost (renewed too late): another worker crawls it", site)
                self.forget(site)

    def take_sites(self):
        if self.closing:
            return
        run = self.state.active()
        current = run is not None and int(run["run_id"]) == self.run_id
        while current and len(self.leases) < self.max_sites:
            taken = self.state.take(self.worker, self.lease_ms)
            if taken is None:
                break
            self.begin(*taken)
        if not self.leases and (not current or self.state.unfinished() == 0):
            self.closing = True
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(self.crawler.engine.close_spider_async(reason="finished"))

    def begin(self, site: str, token: str) -> None:
        try:
            self.prepare(site, token)
        except Exception:
            self.state.release(site, token)
            self.forget(site)
            raise

    def prepare(self, site: str, token: str) -> None:
        config = self.state.site_config(site)
        source = Source(**{**config["source"], "sitemaps": tuple(config["source"]["sitemaps"]),
                           "feeds": tuple(config["source"]["feeds"])})
        self.leases[site] = token
        self.seen.drop(source.url)
        for counter in (self.requested, self.unfollowed, self.skipped):
            counter.pop(site, None)
        self.known_asked.discard(site)
        self.in_flight[site] = 0
        self.sources = [s for s in self.sources if s.name != site] + [source]
        self.by_name[site] = source
        self.crawler.get_extension(RemoteCrawlRun).add_site(config)
        self.known_by_site[site] = config["known"]
        for row in config["known"]:
            self.known_by_url[normalize_url(row["url"])] = row
            self.known_by_url[normalize_url(row["fetched_url"])] = row
        logger.info("site %s leased (%d site(s) in hand)", site, len(self.leases))
        for request in self.site_start_requests(source):
            self.crawler.engine.crawl(request)

    def site_quiet(self, site: str) -> None:
        """Nothing of the site in flight: ask for its known posts nothing named (once), else done."""
        if site not in self.known_asked:
            self.known_asked.add(site)
            source = self.by_name[site]
            for row in self.known_by_site.get(site, ()):
                for key in {normalize_url(row["url"]), normalize_url(row["fetched_url"])}:
                    if key in self.seen:
                        continue
                    request = self.follow(source, row["fetched_url"], self.parse_page, "page")
                    self.seen.add(key)
                    if request:
                        self.crawler.engine.crawl(request)
            if self.in_flight[site] > 0:
                return
        token = self.leases.get(site)
        if token and self.state.complete(site, token, self.worker):
            self.finished_sites += 1
            logger.info("site %s crawled: %d request(s)", site, self.requested[site])
        self.forget(site)

    def forget(self, site: str) -> None:
        self.leases.pop(site, None)
        source = self.by_name.pop(site, None)
        if source:
            self.seen.drop(source.url)
            self.sources = [s for s in self.sources if s.name != site]
        for row in self.known_by_site.pop(site, ()):
            self.known_by_url.pop(normalize_url(row["url"]), None)
            self.known_by_url.pop(normalize_url(row["fetched_url"]), None)

    def give_leases_back(self, spider, reason):
        """Stopped (SIGTERM) before its sites were done: the next worker takes them at once."""
        if self.ticker and self.ticker.running:
            self.ticker.stop()
        for site, token in list(self.leases.items()):
            self.state.release(site, token)
            logger.info("site %s given back unfinished (%s)", site, reason)
        self.leases.clear()


class WorkerProcess(CrawlerProcess):
    """A CrawlerProcess that starts no new crawl once asked to stop."""

    stopping = False

    def _signal_shutdown(self, signum, frame):
        self.stopping = True
        super()._signal_shutdown(signum, frame)


def run_worker(redis_url: str, exit_when_idle: bool = False, poll: float = 1.0) -> None:
    """Crawl the runs of this Redis database until stopped; with exit_when_idle, until no run has
    work left. Each run is one crawl under the run's own settings."""
    from scrapy.utils.reactor import install_reactor

    state = RunState.from_url(redis_url)
    settings = project_settings({})
    install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    process = WorkerProcess(settings)
    name = worker_name()
    left: set[str] = set()  # runs this worker finished its part of
    from twisted.internet import reactor

    def next_run(_=None):
        if process.stopping:
            return
        try:
            run = state.active()
        except redis.RedisError as exc:  # Redis down for a while: wait for it, as for a run
            logger.warning("worker %s: Redis: %s; trying again in %.0f s", name, exc, poll)
            reactor.callLater(poll, next_run)
            return
        if run and not (run["run_id"] in left and state.unfinished() == 0):
            settings = project_settings({**json.loads(run["settings"]), **WORKER_SETTINGS})
            follow_run_settings(reactor, settings)
            logger.info("worker %s joins run %s", name, run["run_id"])
            done = process.crawl(Crawler(WorkerSpider, settings), state=state, worker=name, run_id=int(run["run_id"]))
            done.addErrback(lambda failure: logger.error("worker crawl of run %s failed: %s", run["run_id"],
                                                         failure.getTraceback()))
            done.addBoth(lambda _: (left.add(run["run_id"]), reactor.callLater(poll, next_run)))
        elif exit_when_idle:
            process._stop_reactor()
        else:
            reactor.callLater(poll, next_run)

    reactor.callWhenRunning(next_run)
    process.start(stop_after_crawl=False)
