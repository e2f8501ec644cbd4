"""The `clinicwatch` command line. Every command is documented in the README with an example."""

from __future__ import annotations

import csv
import json
import sys
import tempfile
from pathlib import Path

import click

from crawler.process import CrawlDidNotStart, check_sources, run_crawl
from crawler.sources import default_sources_path
from db import DatabaseError, open_db
from db.lock import LockHeld, crawl_lock
from db.queries import (
    export_posts_query,
    failing_urls,
    last_runs,
    run_workers,
    site_stats,
)
from db.schema import schema_version
from db.store import check_writable

from . import terminal
from .browse import serve as serve_database
from .distributed import crawl_function, worker, workers_text
from .options import (
    crawl_options,
    db_option,
    load_sources_or_fail,
    open_existing,
    parse_settings,
    resolve_db,
    summarize_options,
)

# Exit codes (documented in the README): 0 ok (also a crawl where some pages failed: see
# `clinicwatch stats`), 1 the crawl failed, 2 bad usage or a bad sources file, 3 database error,
# 4 another crawl holds the database's lock.
EXIT_CRAWL_FAILED = 1
EXIT_DB_ERROR = 3
EXIT_LOCKED = 4

def do_crawl(sources_path, db_path, sites, max_pages_per_site, allow_private_hosts, scrapy_settings) -> dict:
    sources = load_sources_or_fail(sources_path, sites)
    path = resolve_db(db_path)
    settings = parse_settings(scrapy_settings)
    if click.get_current_context().meta.get("crawl.render_js"):
        settings["CLINICWATCH_RENDER_JS"] = True  # a setting of the run: it reaches --redis workers too
    with crawl_lock(path):
        click.echo(f"crawling {len(sources)} site(s) from {sources_path or default_sources_path()} into {path}",
                   err=True)
        crawl = crawl_function(run_crawl)  # across machines with --redis
        try:
            run = crawl(sources, path, max_pages_per_site=max_pages_per_site,
                        allow_private_hosts=allow_private_hosts, scrapy_settings=settings)
        except CrawlDidNotStart as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(terminal.run_line(run))
    return run


def do_summarize(db_path, summarizer, model, allow_download, batch_size, limit) -> int:
    db = open_existing(db_path)
    check_writable(db)  # before torch loads and a model with it (exit 3)
    from summaries import ModelNotAvailableError, load_summarizer
    from summaries.batch import summarize_pending

    if summarizer == "abstractive" and model is None:
        raise click.UsageError("--summarizer abstractive needs --model ID_OR_PATH (a seq2seq or causal instruct model)")
    runtime = click.get_current_context().meta.get("summaries.runtime", "auto")
    try:
        engine = load_summarizer(summarizer, model, allow_download=allow_download, runtime=runtime)
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    try:  # the extractive summarizer's model loads on the first pending post, if there is one
        written = summarize_pending(db, engine, batch_size=batch_size, limit=limit, progress=True)
    except ModelNotAvailableError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"summaries written: {written} ({engine.method}, {engine.model})")
    return written


@click.group()
@click.version_option(package_name="clinicwatch")
def cli():
    """clinicwatch: what ketamine clinics publish about ketamine and neuroplasticity,
    crawled, cleaned, deduplicated and summarized into one SQLite file."""


@cli.command()
@crawl_options
def crawl(sources_path, db_path, sites, max_pages_per_site, allow_private_hosts, scrapy_settings):
    """Crawl the clinic blogs of the sources file: clean, tag, dedup, store.

    \b
    Example:
        clinicwatch crawl --sources sources.toml --db data/clinicwatch.db
    """
    run = do_crawl(sources_path, db_path, sites, max_pages_per_site, allow_private_hosts, scrapy_settings)
    if run["status"] == "failed":
        sys.exit(EXIT_CRAWL_FAILED)


@cli.command()
@db_option
@summarize_options
def summarize(db_path, summarizer, model, allow_download, batch_size, limit):
    """Summarize every pending post: relevant, not a copy, no summary of its current text by this model.

    \b
    Example:
        clinicwatch summarize --db data/clinicwatch.db --batch-size 32
        clinicwatch summarize --summarizer abstractive --model /models/bart-large-cnn
    """
    do_summarize(db_path, summarizer, model, allow_download, batch_size, limit)


@cli.command()
@crawl_options
@summarize_options
def run(sources_path, db_path, sites, max_pages_per_site, allow_private_hosts, scrapy_settings,
        summarizer, model, allow_download, batch_size, limit):
    """Crawl, then summarize.

    \b
    Example:
        clinicwatch run --sources sources.toml --db data/clinicwatch.db
    """
    crawl_run = do_crawl(sources_path, db_path, sites, max_pages_per_site, allow_private_hosts, scrapy_settings)
    do_summarize(db_path, summarizer, model, allow_download, batch_size, limit)
    if crawl_run["status"] == "failed":
        sys.exit(EXIT_CRAWL_FAILED)


@cli.command()
@crawl_options
@summarize_options
@click.option("--reports", "reports_dir", type=click.Path(file_okay=False), default="reports", show_default=True,
              help="Folder for the Markdown digests")
def nightly(sources_path, db_path, sites, max_pages_per_site, allow_private_hosts, scrapy_settings,
            summarizer, model, allow_download, batch_size, limit, reports_dir):
    """The unattended run: crawl, summarize, then a digest of the relevant posts that are new,
    changed or removed (Markdown under --reports, short version on stdout). One at a time: a
    second one exits with code 4, naming the lock.

    \b
    Example (crontab, 02:30 every night):
        30 2 * * *  cd /srv/clinicwatch && .venv/bin/clinicwatch nightly >> logs/nightly.log 2>&1
    """
    from .digest import digest_text, run_digest, write_digest

    crawl_run = do_crawl(sources_path, db_path, sites, max_pages_per_site, allow_private_hosts, scrapy_settings)
    do_summarize(db_path, summarizer, model, allow_download, batch_size, limit)
    digest = run_digest(open_existing(db_path), crawl_run["id"])
    path = write_digest(digest, reports_dir)
    click.echo(digest_text(digest))
    click.echo(f"digest: {path}")
    if crawl_run["status"] == "failed":
        sys.exit(EXIT_CRAWL_FAILED)


@cli.group()
def sources():
    """Work with the sources file."""


@sources.command("check")
@click.option("--sources", "sources_path", type=click.Path(dir_okay=False), default=None,
              help="Sources file [default: ./sources.toml, else the bundled one]")
@click.option("--site", "sites", multiple=True, help="Check only this site (by name); repeatable")
@click.option("--allow-private-hosts", is_flag=True, help="Allow loopback and private addresses")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output")
@click.option("-s", "--set", "scrapy_settings", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy setting")
def sources_check(sources_path, sites, allow_private_hosts, as_json, scrapy_settings):
    """Which sites answer, and what each offers for discovery (listing, sitemap, feed, robots.txt).
    Fetches a few URLs per site and stores nothing. Exits 1 if a site's listing does not answer 200.

    \b
    Example:
        clinicwatch sources check --sources sources.toml
    """
    chosen = load_sources_or_fail(sources_path, sites)
    rows = check_sources(chosen, allow_private_hosts=allow_private_hosts,
                         scrapy_settings=parse_settings(scrapy_settings))
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        click.echo(terminal.sources_check_text(rows))
    if any(row["listing"] != 200 for row in rows):
        sys.exit(1)


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (127.0.0.1: this machine only)")
@click.option("--port", default=8001, show_default=True, type=int)
def serve(db_path, host, port):
    """Browse the database in Datasette (read-only, with table and column descriptions).

    \b
    Example:
        clinicwatch serve --db data/clinicwatch.db --port 8001
    """
    path = resolve_db(db_path)
    open_existing(path, read_only=True).close()
    serve_database(path, host, port)


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write here instead of standard output")
@click.option("--relevant-only", is_flag=True, help="Only posts about ketamine and how the brain changes")
@click.option("--site", "sites", multiple=True, help="Only this clinic (by name); repeatable")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only posts published on or after this date (YYYY-MM-DD); undated posts are left out")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only posts published on or before this date (YYYY-MM-DD); undated posts are left out")
@click.option("--search", default=None, metavar="TERMS",
              help='Only posts whose title or text has every word (or "quoted phrase") of TERMS')
@click.option("--bom", is_flag=True, help="Start the file with a UTF-8 byte order mark (for spreadsheets)")
def export(db_path, fmt, output, relevant_only, sites, since, until, search, bom):
    """Export posts with their clinic, cluster, summary and mentions, one row per post.

    \b
    Example:
        clinicwatch export --db data/clinicwatch.db --format csv -o posts.csv
        clinicwatch export --format csv --bom --relevant-only --since 2025-01-01 --search '"new synapses"' -o coded.csv
    """
    from pipeline.mentions import fill_pending_mentions

    try:
        query = export_posts_query(relevant_only, sites, since, until, search)
    except ValueError as exc:  # a search of quotes or spaces only
        raise click.BadParameter(str(exc), param_hint="--search") from exc
    db = open_existing(db_path)
    fill_pending_mentions(db)
    cursor = db.execute(*query)
    columns = [description[0] for description in cursor.description]
    # atomic: an interrupted export leaves no half-written file
    with click.open_file(output or "-", "w", encoding="utf-8", atomic=bool(output)) as stream:
        if bom:
            stream.write("\ufeff")
        if fmt == "jsonl":
            for row in cursor:
                stream.write(json.dumps(dict(zip(columns, row)), ensure_ascii=False) + "\n")
        else:
            writer = csv.writer(stream)
            writer.writerow(columns)
            writer.writerows(cursor)


@cli.command("report")
@db_option
@click.option("-o", "--out-dir", type=click.Path(file_okay=False), default="reports", show_default=True,
              help="Folder for the chart files")
@click.option("--format", "formats", type=click.Choice(["svg", "png"]), multiple=True,
              help="Chart file format; repeatable [default: svg and png]")
@click.option("--relevant-only", is_flag=True, help="Count only relevant posts")
def report_charts(db_path, out_dir, formats, relevant_only):
    """Charts for a paper or a slide: posts per month per clinic, and mention categories over time.

    Finds the mentions of posts not scanned yet first.

    \b
    Example:
        clinicwatch report --db data/clinicwatch.db -o reports/ --format svg
    """
    from pipeline.mentions import fill_pending_mentions

    from .charts import FORMATS, write_charts

    db = open_existing(db_path)
    scanned = fill_pending_mentions(db)
    if scanned:
        click.echo(f"posts scanned for mentions: {scanned}", err=True)
    for path in write_charts(db, Path(out_dir), formats or FORMATS, relevant_only):
        click.echo(str(path))


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output")
def stats(db_path, as_json):
    """Counts per site, the last crawl runs, and the URLs skipped after lasting failures.

    \b
    Example:
        clinicwatch stats --db data/clinicwatch.db
    """
    db = open_existing(db_path, read_only=True)
    per_site, runs, failing = site_stats(db), last_runs(db), failing_urls(db)
    if as_json:
        workers = run_workers(db, runs[0]["id"]) if runs else []
        click.echo(json.dumps({"sites": per_site, "runs": runs, "failing_urls": failing, "workers": workers}, indent=2))
    else:
        click.echo(terminal.stats_text(per_site, runs, failing) + (workers_text(run_workers(db, runs[0]["id"])) if runs else ""))


@cli.command()
@db_option
def migrate(db_path):
    """Bring a clinicwatch database to this version's schema (crawl, run and nightly do it too).

    \b
    Example:
        clinicwatch migrate --db data/clinicwatch.db
    """
    path = resolve_db(db_path)
    if not Path(path).exists():
        raise click.ClickException(f"{path}: no such database; run `clinicwatch crawl --db {path}` first")
    before = schema_version(open_db(path, create=False, migrate_schema=False))
    after = schema_version(open_db(path, create=False))
    click.echo(f"{path}: schema version {after}" + (f" (was {before})" if after != before else " (up to date)"))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--url", default=None, help="The page's URL (helps with dates and titles); for a single file")
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="jsonl", show_default=True)
def extract(paths, url, fmt):
    """Main text and metadata of saved pages (.html, .html.gz, or folders of them).

    \b
    Example:
        clinicwatch extract saved/post.html --url https://clinic.example/blog/post/
    """
    from pipeline.extract import iter_page_files, page_record

    files = list(iter_page_files(paths))
    if url and len(files) != 1:
        raise click.UsageError("--url goes with a single page file")
    failed = 0
    for path in files:
        try:
            record = page_record(path, url)
        except Exception as exc:  # one unreadable page must not stop the others
            failed += 1
            click.echo(f"error: {exc}", err=True)
            continue
        click.echo(json.dumps(record, ensure_ascii=False, indent=2 if fmt == "json" else None))
    if failed:
        sys.exit(1)


@cli.command("relevance-check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def relevance_check(paths):
    """Is a saved page (.html, .html.gz) or a text file (.txt) relevant, and why?

    Prints the score, the decision (relevant at 0.5 and above) and the sentences that say
    ketamine changes the brain, the path that took each (rule or encoder) and its tie to ketamine.

    \b
    Example:
        clinicwatch relevance-check saved/post.html notes/draft.txt
    """
    from pipeline.extract import ExtractionError, extract_file
    from pipeline.relevance import assess_relevance, explanation

    failed = 0
    for path in paths:
        if path.lower().endswith((".html", ".htm", ".html.gz", ".htm.gz")):
            try:
                page = extract_file(path)
            except ExtractionError as exc:
                failed += 1
                click.echo(f"error: {exc}", err=True)
                continue
            title, text = page.title or "", page.text
        else:
            title, text = "", Path(path).read_text(encoding="utf-8", errors="replace")
        click.echo(f"{path}: " + "\n".join(explanation(assess_relevance(title, text))))
    if failed:
        sys.exit(1)


@cli.command()
@db_option
@click.option("--site", "sites", multiple=True, help="Only this site's posts (by name); repeatable")
def reextract(db_path, sites):
    """Re-derive the text of stored posts from their stored pages with the current extractor.

    A post gets a new version (and hash, relevance, duplicate links) only where its text changed.

    \b
    Example:
        clinicwatch reextract --db data/clinicwatch.db --site "Harbor Clinic"
    """
    from db.queries import site_ids_by_name, stored_page_ids
    from pipeline.reextract import reextract_posts

    db = open_existing(db_path)
    site_ids = site_ids_by_name(db, sites)
    if unknown := sorted(set(sites) - set(site_ids)):
        raise click.UsageError(f"no site named {', '.join(map(repr, unknown))} in {resolve_db(db_path)}")
    post_ids = stored_page_ids(db, site_ids.values())
    with click.progressbar(length=len(post_ids), label="re-extracting", file=sys.stderr) as bar:
        result = reextract_posts(db, post_ids, bar.update)
    for failure in result.failures:
        click.echo(f"kept the stored text of {failure}", err=True)
    click.echo(f"posts re-extracted: {result.pages}; text changed: {result.text_changed}; "
               f"title, author or date only: {result.metadata_changed}; failed: {len(result.failures)}; "
               f"duplicate links changed: {result.duplicates_relinked}")


@cli.command()
@db_option
@click.option("--keep-serving", is_flag=True, help="Keep the demo sites up after the run (Ctrl-C to stop)")
def demo(db_path, keep_serving):
    """Serve the bundled demo clinic sites on loopback and run the whole pipeline on them.

    \b
    Example:
        clinicwatch demo --db data/demo.db
    """
    from clinicwatch.demo import demo_sites, expected_posts, serve_sites, write_sources

    path = resolve_db(db_path or "data/demo.db")
    sites = demo_sites()
    with serve_sites(sites) as base_urls, tempfile.TemporaryDirectory() as tmp:
        sources_file = Path(tmp) / "demo-sources.toml"
        write_sources(sources_file, base_urls, sites)
        click.echo(f"demo sites: {', '.join(f'{name} {url}' for name, url in base_urls.items())}", err=True)
        sources = load_sources_or_fail(sources_file, ())
        # Our own loopback servers: no need to be slow on them.
        crawl_run = run_crawl(sources, path, allow_private_hosts=True,
                              scrapy_settings={"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                                               "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "LOG_LEVEL": "WARNING"})
        click.echo(terminal.run_line(crawl_run))
        do_summarize(path, "extractive", None, False, 16, None)
        click.echo(terminal.demo_report(open_db(path), expected_posts(sites, base_urls), crawl_run["id"]))
        click.echo(f"\nBrowse it:  clinicwatch serve --db {path}")
        if keep_serving:
            click.echo("demo sites still up; Ctrl-C to stop", err=True)
            try:
                click.pause("")
            except (KeyboardInterrupt, click.Abort):
                pass


cli.add_command(worker)


def main():
    try:
        cli()
    except DatabaseError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_DB_ERROR)
    except LockHeld as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_LOCKED)


if __name__ == "__main__":
    main()
