"""The crawl's CPU-heavy per-page work (text extraction; relevance and fingerprints) in a pool of
processes, so that one crawling process uses more than one core (issue 16).

CLINICWATCH_EXTRACT_PROCESSES sets the pool's size: 0 (the default) is no pool, the work runs in
the crawling process; "auto" is the usable cores less one. The functions sent to the pool are pure
(pipeline.extract.extract_body, pipeline.post_fields.derive_post_fields): the same page gives the
same result in either place, so the database is the same (tests/test_extract_pool.py). An
exception a function raises comes back to the item pipeline as it would in-process (and becomes a
fetch row's error there). A pool whose process died (killed, out of memory) is replaced, and the
work goes to the new one once; if that one dies too, the error is the page's.

Processes are started with "spawn": a fork of the crawling process would copy its reactor, its
threads and its open SQLite connection. The item pipelines await the pool's futures as asyncio
futures: the crawl runs on Scrapy's default asyncio reactor (which --render-js needs too).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .onnx_int8 import usable_cores

logger = logging.getLogger(__name__)


def pool_size(setting) -> int:
    """CLINICWATCH_EXTRACT_PROCESSES as a number of processes: "auto" (or None, "") is the usable cores
    less one."""
    if setting is None or str(setting).strip().lower() in ("", "auto"):
        return max(0, usable_cores() - 1)
    return max(0, int(setting))


def warm_up() -> None:
    """A pool process's first act: the modules its work needs, imported before any page comes."""
    from . import extract, post_fields  # noqa: F401


class ExtractPool:
    """Runs a function of picklable arguments in the pool, or here when the pool has no process."""

    def __init__(self, processes: int):
        self.processes = processes
        self.executor: ProcessPoolExecutor | None = None

    def start(self) -> None:
        if self.processes and self.executor is None:
            self.executor = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=warm_up)
            logger.info("page extraction in %d process(es)", self.processes)

    async def run(self, function, *args):
        if not self.processes:
            return function(*args)
        self.start()
        for attempt in (1, 2):
            executor = self.executor
            try:
                return await asyncio.wrap_future(executor.submit(function, *args))
            except BrokenProcessPool:
                if attempt == 2:
                    raise
                logger.warning("an extraction process died; starting the pool again")
                if self.executor is executor:  # the first of the pages in flight to notice replaces it
                    executor.shutdown(wait=False, cancel_futures=True)
                    self.executor = None
                    self.start()
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


def extract_pool(crawler) -> ExtractPool:
    """The crawl's one pool, shared by its item pipelines (closed by ExtractText.close_spider)."""
    pool = getattr(crawler, "clinicwatch_extract_pool", None)
    if pool is None:
        pool = ExtractPool(pool_size(crawler.settings.get("CLINICWATCH_EXTRACT_PROCESSES")))
        crawler.clinicwatch_extract_pool = pool
    return pool
