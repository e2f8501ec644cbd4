"""The command line of a crawl across machines: `--redis` on crawl, run and nightly (the
coordinator), the `clinicwatch worker` command, and the workers' part of `clinicwatch stats`."""

from __future__ import annotations

import functools

import click

REDIS_HELP = ("Crawl across machines: seed the run in this Redis database and store what "
              "`clinicwatch worker --redis` processes send back (this process is the only writer of --db)")

# Read by crawl_with_redis from the click context, so the commands' signatures stay as they are.
redis_option = click.option(
    "--redis", "redis_url", metavar="redis://HOST:PORT/N", default=None, expose_value=False,
    callback=lambda ctx, _param, value: ctx.meta.__setitem__("crawl.redis", value), help=REDIS_HELP)


def crawl_function(run_crawl):
    """run_crawl, or with --redis the coordinator of a crawl across machines (same arguments)."""
    redis_url = click.get_current_context().meta.get("crawl.redis")
    return functools.partial(crawl_with_redis, redis_url) if redis_url else run_crawl


def crawl_with_redis(redis_url: str, sources, db_path: str, *, max_pages_per_site=None, allow_private_hosts=False,
                     scrapy_settings: dict | None = None) -> dict:
    """The coordinator's part of a distributed run; returns its crawl_runs row. The run's settings
    (these options and every -s) go to the workers through Redis."""
    from crawler.distributed.coordinator import coordinate

    settings = {"CLINICWATCH_ALLOW_PRIVATE_HOSTS": allow_private_hosts, **(scrapy_settings or {})}
    if max_pages_per_site:
        settings["CLINICWATCH_MAX_PAGES_PER_SITE"] = max_pages_per_site
    click.echo(f"coordinating through {redis_url}: start `clinicwatch worker --redis {redis_url}` on any machine",
               err=True)
    return coordinate(sources, db_path, redis_url, settings, log=lambda line: click.echo(line, err=True))


@click.command()
@click.option("--redis", "redis_url", metavar="redis://HOST:PORT/N", required=True,
              help="The Redis database of the coordinator's `--redis`")
@click.option("--exit-when-idle", is_flag=True, help="Exit when no run has work left, instead of waiting for the next")
def worker(redis_url, exit_when_idle):
    """Fetch, extract, classify and fingerprint the sites of a distributed crawl, sending the
    results to its coordinator through Redis. Runs until stopped (SIGTERM finishes the pages in
    flight and gives the unfinished sites back); the run's settings come from the coordinator.

    \b
    Example:
        clinicwatch worker --redis redis://crawl-db.internal:6379/0
    """
    from crawler.distributed.worker import run_worker

    run_worker(redis_url, exit_when_idle=exit_when_idle)


def workers_text(rows: list[dict]) -> str:
    if not rows:
        return ""
    lines = ["", f"workers of run {rows[0]['run_id']}:"]
    for row in rows:
        lines.append(f"  {row['worker']}: {row['sites']} site(s), {row['fetches']} fetch(es) "
                     f"({row['fetches_failed']} failed), {row['posts']} post(s)")
    return "\n".join(lines)
