"""crawler.downloadermiddlewares.httpproxy: a proxy chooses the address it connects to, so a request
goes through a proxy only with --allow-private-hosts (docs/security.md, "Network and files")."""

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.httpproxy import HttpProxyMiddleware
from crawler.downloadermiddlewares.privatehosts import RefusedTarget
from db import open_db
from tests.conftest import FAST, clinicwatch
from tests.fixtures.hostile_sites import HostileSite, html, serve, serve_hostile


def middleware(monkeypatch, allow_private: bool) -> HttpProxyMiddleware:
    monkeypatch.setenv("http_proxy", "http://user:pw@127.0.0.1:3128")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    crawler = get_crawler(settings_dict={"CLINICWATCH_ALLOW_PRIVATE_HOSTS": allow_private})
    return HttpProxyMiddleware.from_crawler(crawler)


def test_a_proxy_is_refused_unless_private_hosts_are_allowed(monkeypatch):
    with pytest.raises(RefusedTarget, match=r"through the proxy 127\.0\.0\.1:3128.*--allow-private-hosts") as error:
        middleware(monkeypatch, False).process_request(Request("http://unresolvable.example/blog/"))
    assert "pw" not in str(error.value)  # the proxy's credentials stay out of the fetch row


def test_a_proxy_set_by_the_spider_is_refused_too(monkeypatch):
    request = Request("http://clinic.example/", meta={"proxy": "http://10.0.0.3:8080"})
    with pytest.raises(RefusedTarget, match="through the proxy 10.0.0.3:8080"):
        middleware(monkeypatch, False).process_request(request)


def test_with_allow_private_hosts_the_proxy_is_trusted(monkeypatch):
    request = Request("http://clinic.example/blog/")
    assert middleware(monkeypatch, True).process_request(request) is None
    assert request.meta["proxy"] == "http://127.0.0.1:3128"


def test_no_proxy_no_refusal(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    crawler = get_crawler(settings_dict={})
    assert HttpProxyMiddleware.from_crawler(crawler).process_request(Request("http://clinic.example/")) is None


def test_a_crawl_through_http_proxy_asks_the_proxy_nothing(tmp_path, monkeypatch):
    """Before, a name that does not resolve here went to the proxy, which could reach anything."""
    proxy = HostileSite("Proxy", {"/blog/": serve(html("<h1>whatever the proxy reaches</h1>"))})
    with serve_hostile([proxy]) as urls:
        monkeypatch.setenv("http_proxy", urls["Proxy"])
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        sources = tmp_path / "sources.toml"
        sources.write_text('[[sites]]\nname = "Proxied Clinic"\nurl = "http://clinic.example/blog/"\n')
        clinicwatch("crawl", "--sources", sources, "--db", tmp_path / "db.sqlite", *FAST)
    assert proxy.requests == []
    errors = [r["error"] for r in open_db(tmp_path / "db.sqlite").query("SELECT error FROM fetches")]
    assert errors and all("through the proxy" in e for e in errors)
