import json
import socket

import pytest

from clinicwatch.demo import demo_sites, serve_sites, write_sources
from crawler.sources import Source, sources_toml
from tests.conftest import FAST, clinicwatch


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_reports_what_each_site_offers_and_which_do_not_answer(tmp_path):
    sites = demo_sites()
    with serve_sites(sites) as base_urls:
        path = write_sources(tmp_path / "sources.toml", base_urls, sites)
        dead = Source("Closed Clinic", f"http://127.0.0.1:{closed_port()}/blog/")
        path.write_text(path.read_text() + "\n" + sources_toml([dead]))
        result = clinicwatch("sources", "check", "--sources", path, "--allow-private-hosts", "--json", check=False)
    assert result.returncode == 1
    rows = {row["site"]: row for row in json.loads(result.stdout)}
    harbor, northpoint, desert = (rows[s.name] for s in sites)
    assert harbor["listing"] == 200 and harbor["sitemap"].endswith("/sitemap_index.xml") and harbor["feed_items"] > 0
    assert northpoint["listing"] == 200 and northpoint["sitemap"] is None and northpoint["feed"] is None
    assert northpoint["post_links"] >= 3
    assert desert["feed"].endswith("?format=rss") and desert["sitemap_entries"] > 0
    assert rows["Closed Clinic"]["listing"] is None and "refused" in rows["Closed Clinic"]["error"].lower()


# -- every command that fetches goes through the same protections (issue 12, item 1) ------------

def guarded_site(sitemap: str | None = None):
    from tests.fixtures.hostile_sites import HostileSite, html, serve

    robots = "User-agent: *\nAllow: /\n" + (f"Sitemap: {sitemap}\n" if sitemap else "")
    return HostileSite("Guarded Clinic", {"/robots.txt": serve(html(robots)),
                                          "/blog/": serve(html('<a href="/blog/a-post/">a post</a>'))})


@pytest.mark.parametrize("command", [["crawl"], ["run"], ["nightly"], ["sources", "check"]])
def test_every_command_that_fetches_refuses_private_hosts(command, tmp_path):
    """By address and by a name resolving to loopback, without --allow-private-hosts: nothing is asked."""
    from tests.fixtures.hostile_sites import serve_hostile

    site = guarded_site()
    with serve_hostile([site]) as base_urls:
        port = base_urls[site.name].rsplit(":", 1)[1]
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[sites]]\nname = "By address"\nurl = "{base_urls[site.name]}/blog/"\n\n'
                           f'[[sites]]\nname = "By name"\nurl = "http://localhost:{port}/blog/"\n')
        where = [] if command == ["sources", "check"] else ["--db", tmp_path / "db.sqlite"]
        if command == ["nightly"]:
            where += ["--reports", tmp_path / "reports"]
        result = clinicwatch(*command, "--sources", sources, *where, *FAST, check=False)
    assert result.returncode in (0, 1), result.stderr[-3000:]
    assert site.requests == []


def test_sources_check_stays_on_the_site(tmp_path):
    """A robots.txt Sitemap: line pointing at another port (another site) is not followed."""
    from tests.fixtures.hostile_sites import HostileSite, html, serve, serve_hostile

    elsewhere = HostileSite("Elsewhere", {"/sitemap.xml": serve(html("<urlset></urlset>"))})
    with serve_hostile([elsewhere]) as other:
        site = guarded_site(other["Elsewhere"] + "/sitemap.xml")
        with serve_hostile([site]) as base_urls:
            path = tmp_path / "sources.toml"
            path.write_text(f'[[sites]]\nname = "Guarded Clinic"\nurl = "{base_urls[site.name]}/blog/"\n')
            result = clinicwatch("sources", "check", "--sources", path, "--allow-private-hosts", "--json",
                                 *FAST, check=False)
    assert json.loads(result.stdout)[0]["listing"] == 200
    assert elsewhere.requests == []
    assert "/robots.txt" in site.requests


@pytest.mark.parametrize("spider", ["crawler.spiders.clinic_blogs.ClinicBlogsSpider",
                                    "crawler.spiders.sources_check.SourcesCheckSpider"])
def test_every_spider_keeps_the_projects_downloader_middlewares_and_resolver(spider):
    from scrapy.utils.misc import load_object

    from crawler.process import project_settings

    project, settings = project_settings({}), project_settings({})
    load_object(spider).update_settings(settings)
    assert settings.getdict("DOWNLOADER_MIDDLEWARES") == project.getdict("DOWNLOADER_MIDDLEWARES")
    assert settings["TWISTED_DNS_RESOLVER"] == "crawler.resolver.RefusePrivateAddresses"
    assert settings.getint("DOWNLOAD_MAXSIZE") == project.getint("DOWNLOAD_MAXSIZE")
