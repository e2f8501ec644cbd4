"""--render-js (crawler/renderjs/, crawler/spidermiddlewares/renderjs.py): post pages whose text only
a script writes, rendered in headless Chromium, every request they make under the crawl's rules;
and without the option, no browser and no Playwright at all.

The fixture blog (tests/fixtures/script_sites.py) is crawled twice, with and without the option,
each crawl in its own process under a wrapper that records what it imported, with CLINICWATCH_CHROMIUM
pointing at a script that records each start of Chromium before starting it."""

import asyncio
import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.renderjs import HANDLER, RenderJs
from crawler.renderjs.guard import PageGuard, Refused, refusal
from crawler.sources import Source, sources_toml
from crawler.spidermiddlewares.renderjs import RenderScriptPages, needs_rendering
from db import open_db
from pipeline.items import PostPage
from tests.conftest import FAST
from tests.fixtures.hostile_sites import serve_hostile
from tests.fixtures.script_sites import (
    PHRASES,
    TITLES,
    add_hostile_post,
    elsewhere_site,
    script_site,
    shell,
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
RENDER_SECONDS = 8  # CLINICWATCH_RENDER_JS_TIMEOUT in these crawls: the endless script's page gives up after it
# Runs the command line, then writes which Playwright modules the process had imported.
IMPORTS_RECORDED = """
import atexit, json, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(
    m for m in sys.modules if m.split(".")[0] in ("playwright", "scrapy_playwright")))))
sys.argv[0] = "clinicwatch"
from clinicwatch.cli import main
main()
"""


def crawl(tmp: Path, name: str, *options: str) -> SimpleNamespace:
    site, elsewhere = script_site(), elsewhere_site()
    launches = tmp / f"{name}-chromium-starts"
    wrapper = tmp / f"{name}-chromium"
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> "{launches}"\nexec "{CHROMIUM or "/usr/bin/chromium"}" "$@"\n')
    wrapper.chmod(0o755)
    imports = tmp / f"{name}-imports.json"
    with serve_hostile([site, elsewhere]) as base_urls:
        add_hostile_post(site, base_urls)
        sources = tmp / f"{name}-sources.toml"
        sources.write_text(sources_toml([Source(name=site.name, url=base_urls[site.name] + "/blog/")]))
        db_path = tmp / f"{name}.db"
        args = ["crawl", "--sources", sources, "--db", db_path, "--allow-private-hosts", *FAST,
                "-s", f"CLINICWATCH_RENDER_JS_TIMEOUT={RENDER_SECONDS}", "-s", f"CLINICWATCH_CHROMIUM={wrapper}", *options]
        result = subprocess.run([sys.executable, "-c", IMPORTS_RECORDED, str(imports), *map(str, args)],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-4000:]
    db = open_db(db_path)
    return SimpleNamespace(
        site=site, elsewhere=elsewhere, base_url=base_urls[site.name], result=result, db=db,
        imports=json.loads(imports.read_text()), chromium_starts=launches.read_text().splitlines()
        if launches.exists() else [],
        posts={row["title"]: row for row in db.query("SELECT * FROM posts")},
        fetches=list(db.query("SELECT url, status, error, purpose FROM fetches ORDER BY id")))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if not CHROMIUM:
        pytest.skip("no chromium on this machine: `make test` installs Debian's chromium (apt-get install chromium); "
                    "--render-js needs it and never downloads a browser")
    return crawl(tmp_path_factory.mktemp("render"), "rendered", "--render-js")


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    return crawl(tmp_path_factory.mktemp("plain"), "plain")


def fetches_of(run, path: str, purpose: str | None = None) -> list[dict]:
    return [f for f in run.fetches if f["url"] == run.base_url + path and (purpose is None or f["purpose"] == purpose)]


# -- without --render-js nothing changes ------------------------------------------------------

def test_without_the_option_no_browser_starts_and_no_playwright_is_imported(plain):
    assert plain.imports == []
    assert plain.chromium_starts == []
    assert not [f for f in plain.fetches if f["purpose"] == "render"]


def test_without_the_option_script_written_posts_are_failed_fetches_that_name_the_option(plain):
    assert set(plain.posts) == {TITLES["static"]}
    for kind in ("inline", "json", "timer", "endless", "hostile"):
        (row,) = fetches_of(plain, f"/blog/{kind}-post/")
        assert row["status"] == 200 and row["error"].startswith("post page has no text in its HTML")
        assert "--render-js" in row["error"]
    assert plain.site.requested("/api/posts/json-post.json") == 0


# -- with --render-js ------------------------------------------------------------------------

def test_the_browser_is_debians_chromium_started_headless_through_the_setting(rendered):
    assert rendered.imports  # the check above can see Playwright when it is there
    assert len(rendered.chromium_starts) == 1
    flags = rendered.chromium_starts[0].split()
    assert {"--headless", "--no-sandbox", "--disable-background-networking", "--disable-quic"} <= set(flags)


@pytest.mark.parametrize("kind", ["inline", "json", "timer"])
def test_a_post_written_by_a_script_is_stored_with_its_text(rendered, kind):
    post = rendered.posts[TITLES[kind]]
    assert PHRASES[kind] in post["text"]
    assert len(post["text"].split()) > 60
    (html_gz,) = rendered.db.execute("SELECT html_gz FROM post_html WHERE post_id = ?", [post["id"]]).fetchone()
    assert PHRASES[kind] in gzip.decompress(html_gz).decode()  # the rendered DOM is stored, for reextract
    (render,) = fetches_of(rendered, f"/blog/{kind}-post/", "render")
    assert render["status"] == 200 and render["error"] is None


def test_only_pages_without_text_are_rendered(rendered):
    assert TITLES["static"] in rendered.posts
    assert fetches_of(rendered, "/blog/static-post/", "render") == []
    assert not [f for f in rendered.fetches if f["purpose"] == "render" and "/blog/" not in f["url"]]
    assert rendered.site.requested("/blog/static-post/") == 1
    assert rendered.site.requested("/blog/inline-post/") == 2  # as HTML, then once in the browser


def test_the_json_endpoint_of_the_same_site_is_loaded_once(rendered):
    assert rendered.site.requested("/api/posts/json-post.json") == 1


def test_an_endless_script_times_out_into_a_fetches_row(rendered):
    (row,) = fetches_of(rendered, "/blog/endless-post/", "render")
    assert row["status"] is None
    assert "CLINICWATCH_RENDER_JS_TIMEOUT" in row["error"] and "did not settle" in row["error"]
    assert TITLES["endless"] not in rendered.posts


def test_a_greedy_page_is_stored_and_reaches_nothing_it_may_not(rendered):
    post = rendered.posts[TITLES["hostile"]]
    assert PHRASES["hostile"] in post["text"]
    assert rendered.elsewhere.requests == []  # another host: not one request, script or iframe
    assert not [p for p in rendered.site.requests if "via=localhost" in p]  # the site under another host name
    assert rendered.site.requested("/private-data/secret.json") == 0  # robots.txt disallows it
    assert rendered.site.requested("/pixel.png") == 0 and rendered.site.requested("/style.css") == 0


def test_the_run_is_partial_for_the_endless_page_only(rendered):
    run = rendered.db["crawl_runs"].get(1)
    assert run["status"] == "partial"
    assert [f["url"] for f in rendered.fetches if f["error"]] == [rendered.base_url + "/blog/endless-post/"]


# -- the route guard ---------------------------------------------------------------------------

SITE = "https://clinic.example/blog/"
PUBLIC = lambda host: ["93.184.215.14"]


@pytest.mark.parametrize("url, kind, reason", [
    ("https://clinic.example/app.js", "script", None),
    ("https://www.clinic.example/api/post.json", "fetch", None),
    ("https://cdn.elsewhere.example/app.js", "script", "another host"),
    ("https://clinic.example:8443/app.js", "script", "another host"),
    ("ftp://clinic.example/file", "fetch", "only http and https"),
    ("https://clinic.example/hero.jpg", "image", "image requests"),
    ("https://clinic.example/font.woff2", "font", "font requests"),
    ("https://clinic.example/intro.mp4", "media", "media requests"),
    ("https://www.googletagmanager.com/gtag/js?id=G-1", "script", "tracker"),
    ("https://clinic.example/gtag/js", "script", "tracker"),
])
def test_refusal_by_scheme_host_kind_and_tracker(url, kind, reason):
    found = refusal(url, kind, SITE, allow_private=False, resolve=PUBLIC)
    assert (found is None) if reason is None else (reason in found)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.5", "169.254.169.254", "::1", "fd00::1"])
def test_refusal_of_private_addresses_unless_allowed(address):
    found = refusal("https://clinic.example/api.json", "fetch", SITE, allow_private=False, resolve=lambda h: [address])
    assert address in found and "--allow-private-hosts" in found
    assert refusal("https://clinic.example/api.json", "fetch", SITE, allow_private=True,
                   resolve=lambda h: [address]) is None


class FakeRoute:
    def __init__(self):
        self.aborted, self.fulfilled = None, None

    async def abort(self, code):
        self.aborted = code

    async def fulfill(self, **response):
        self.fulfilled = response


def test_the_route_handler_aborts_a_private_address_without_fetching():
    fetched = []

    async def session():
        fetched.append(True)

    guard = PageGuard(SITE, session_of=session, allow_private=False, user_agent="clinicwatch/test", max_bytes=1000,
                      max_redirects=5, seconds=5, resolve=lambda host: ["169.254.169.254"])
    route = FakeRoute()
    request = SimpleNamespace(url="https://clinic.example/latest/meta-data/", resource_type="fetch")
    asyncio.run(guard.handle(route, request))
    assert route.aborted == "blockedbyclient" and route.fulfilled is None and fetched == []
    assert guard.refused == [(request.url, refusal(request.url, "fetch", SITE, allow_private=False,
                                                   resolve=lambda host: ["169.254.169.254"]))]


def test_the_route_handler_obeys_robots_txt_and_a_request_budget():
    async def disallowed(url):
        return "/private/" not in url

    guard = PageGuard(SITE, session_of=None, allow_private=True, user_agent="ua", max_bytes=1, max_redirects=0,
                      seconds=5, robots_allows=disallowed, resolve=PUBLIC)
    with pytest.raises(Refused, match="robots.txt"):
        asyncio.run(guard.check("https://clinic.example/private/x.json", "fetch"))
    guard.requests = 50
    with pytest.raises(Refused, match="more than 50 requests"):
        asyncio.run(guard.check("https://clinic.example/x.json", "fetch"))


# -- wiring ------------------------------------------------------------------------------------

def test_the_add_on_installs_the_browser_handler_only_when_the_setting_is_on():
    from scrapy.settings import Settings

    off = Settings({"DOWNLOAD_HANDLERS": {"file": None}})
    with pytest.raises(NotConfigured):
        RenderJs().update_settings(off)
    assert "http" not in off["DOWNLOAD_HANDLERS"]
    on = Settings({"DOWNLOAD_HANDLERS": {"file": None}, "CLINICWATCH_RENDER_JS": True,
                   "CLINICWATCH_RENDER_JS_TIMEOUT": 7, "CLINICWATCH_CHROMIUM": "/usr/bin/chromium"})
    RenderJs().update_settings(on)
    assert on["DOWNLOAD_HANDLERS"]["http"] == on["DOWNLOAD_HANDLERS"]["https"] == HANDLER
    assert on["PLAYWRIGHT_LAUNCH_OPTIONS"]["executable_path"] == "/usr/bin/chromium"
    assert on.getfloat("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT") == 7000


def test_the_spider_middleware_is_off_without_the_setting():
    with pytest.raises(NotConfigured):
        RenderScriptPages.from_crawler(get_crawler(settings_dict={"CLINICWATCH_RENDER_JS": False}))


def test_needs_rendering_is_the_extractors_rule():
    def page(body: str, **fields) -> PostPage:
        return PostPage(site="s", url="https://clinic.example/blog/p/", body=body.encode(), **fields)

    words = " ".join(["Ketamine clinics write about recovery and sleep."] * 12)
    assert not needs_rendering(page(f"<html><body><article><p>{words}</p></article></body></html>"))
    assert needs_rendering(page("<html><body><article><p>Loading…</p></article></body></html>"))
    assert needs_rendering(page(shell("T", '<div id="root"></div>', ""), script_shell=True))
    assert not needs_rendering(page("<html><body></body></html>", rendered=True))
