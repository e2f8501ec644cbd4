import json
import socket

from clinicwatch.demo import demo_sites, serve_sites, write_sources
from crawler.sources import Source, sources_toml
from tests.conftest import clinicwatch


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
