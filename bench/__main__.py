"""`make bench`: every benchmark, each beside its reference tool measured in the same run.

    python -m bench                 # all of them
    python -m bench extraction dedup   # some of them
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time

BENCHMARKS = ["extraction", "summaries", "relevance", "dedup", "mentions", "crawl", "memory", "kills", "sites"]


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or BENCHMARKS
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {BENCHMARKS}", file=sys.stderr)
        return 2
    print(f"machine: {machine()}")
    failed = []
    for name in names:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{name}":
                raise
            continue
        print(f"\n== {name} ==", flush=True)
        started = time.perf_counter()
        if module.main([]) != 0:
            failed.append(name)
        print(f"({name}: {time.perf_counter() - started:.0f} s)", flush=True)
    if failed:
        print(f"\nbenchmarks that missed their bar or failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
