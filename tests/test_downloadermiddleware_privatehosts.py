"""crawler.downloadermiddlewares.privatehosts (the URL: scheme, IP literals) and crawler.resolver
(host names, checked where the connection's address is chosen): no address that is not globally
routable is fetched unless --allow-private-hosts (docs/security.md, "Network and files")."""

import json
import os
import subprocess
import sys

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from crawler.downloadermiddlewares.privatehosts import RefusedTarget, RefusePrivateHosts
from crawler.process import project_settings
from crawler.resolver import RefusedAddress, RefusePrivateAddresses, refusal_of
from db import open_db
from tests.conftest import FAST
from tests.fixtures.hostile_sites import HostileSite, html, serve, serve_hostile


def guard(allow_private=False, resolver_checks=True) -> RefusePrivateHosts:
    return RefusePrivateHosts(allow_private, lambda: resolver_checks)


# -- the middleware: what the URL alone tells ---------------------------------------------------

@pytest.mark.parametrize("host", ["127.0.0.1", "10.1.2.3", "192.168.0.7", "172.16.5.4", "169.254.169.254",
                                  "100.64.0.1", "192.0.0.8", "0.0.0.0", "[::1]", "[fe80::1]", "[fd00::5]",
                                  "[fec0::1]", "[::ffff:10.0.0.1]", "[2002:7f00:1::1]"])
def test_no_private_address_is_fetched_when_named_by_address(host):
    with pytest.raises(RefusedTarget, match=r"refused .* unless --allow-private-hosts"):
        guard().process_request(Request(f"http://{host}:8080/blog/"))


def test_public_addresses_and_names_go_on_to_the_checking_resolver():
    assert guard().process_request(Request("https://93.184.216.34/blog/")) is None
    assert guard().process_request(Request("https://[2606:2800:220:1::1]/blog/")) is None
    assert guard().process_request(Request("https://clinic.example/blog/")) is None


def test_names_are_refused_when_the_resolver_does_not_check_fails_closed():
    """TWISTED_DNS_RESOLVER replaced (or DNS_RESOLVER set): no name can be checked, so none is fetched."""
    with pytest.raises(RefusedTarget, match="TWISTED_DNS_RESOLVER"):
        guard(resolver_checks=False).process_request(Request("https://clinic.example/blog/"))
    assert guard(allow_private=True, resolver_checks=False).process_request(Request("http://10.0.0.2/")) is None


def test_a_redirect_target_passes_the_same_check():
    """Scrapy sends a redirect's target through every downloader middleware again; the guard refuses it there."""
    from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
    from scrapy.http import HtmlResponse

    redirects = RedirectMiddleware.from_crawler(get_crawler(settings_dict={"REDIRECT_MAX_TIMES": 5}))
    request = Request("https://clinic.example/blog/post/")
    response = HtmlResponse(request.url, status=302, headers={"Location": "http://169.254.169.254/latest/"},
                            request=request)
    target = redirects.process_response(request, response)
    with pytest.raises(RefusedTarget, match="169.254.169.254"):
        guard().process_request(target)


def test_the_project_resolves_names_with_the_checking_resolver():
    settings = project_settings({})
    assert settings["TWISTED_DNS_RESOLVER"] == "crawler.resolver.RefusePrivateAddresses"
    assert settings.getpriority("DNS_RESOLVER") <= settings.getpriority("TWISTED_DNS_RESOLVER")


# -- the resolver: the address the connection uses ----------------------------------------------

class ScriptedResolver(RefusePrivateAddresses):
    """The real check over a name server that answers from a script, one answer a lookup."""

    def __init__(self, answers, allow_private=False, cache_size=0):
        super().__init__(reactor=None, cache_size=cache_size, timeout=1, allow_private=allow_private)
        self.answers = list(answers)

    def lookup(self, name, timeout=()):
        answer = self.answers.pop(0)
        return defer.fail(DNSLookupError(name)) if answer == "fail" else defer.succeed(answer)


def outcome(deferred):
    results = []
    deferred.addBoth(results.append)
    [result] = results
    return result


def test_a_name_server_that_changes_its_answer_cannot_rebind_to_loopback():
    """The first lookup answers a public address, the next 127.0.0.1: each answer a connection would use is checked."""
    resolver = ScriptedResolver(["93.184.216.34", "127.0.0.1"])
    assert outcome(resolver.getHostByName("rebind.example")) == "93.184.216.34"
    failure = outcome(resolver.getHostByName("rebind.example"))
    assert failure.check(RefusedAddress) and "refused rebind.example (127.0.0.1)" in str(failure.value)
    assert refusal_of("REBIND.example").startswith("refused rebind.example (127.0.0.1)")


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.1", "169.254.169.254", "100.64.1.1", "192.0.0.8",
                                     "0.0.0.0", "224.0.0.251"])
def test_a_name_resolving_to_a_private_address_is_refused(address):
    failure = outcome(ScriptedResolver([address]).getHostByName("clinic.example"))
    assert failure.check(DNSLookupError) and f"({address})" in str(failure.value)
    assert "--allow-private-hosts" in str(failure.value)


def test_a_name_that_does_not_resolve_fails_closed():
    failure = outcome(ScriptedResolver(["fail"]).getHostByName("nowhere.example"))
    assert failure.check(DNSLookupError)


def test_allow_private_hosts_lifts_the_refusal():
    assert outcome(ScriptedResolver(["127.0.0.1"], allow_private=True).getHostByName("localhost")) == "127.0.0.1"


def test_the_resolver_reads_allow_private_hosts_from_the_settings():
    on = get_crawler(settings_dict={"CLINICWATCH_ALLOW_PRIVATE_HOSTS": True})
    off = get_crawler(settings_dict={})
    assert RefusePrivateAddresses.from_crawler(on, reactor=None).allow_private is True
    assert RefusePrivateAddresses.from_crawler(off, reactor=None).allow_private is False


# -- a crawl behind a name server that fails first, then answers loopback ------------------------

def test_a_failing_first_lookup_does_not_let_a_private_answer_through(tmp_path):
    """Before, the middleware's own lookup failed, the host was let through (fail open), and Scrapy's
    second lookup connected to 127.0.0.1. Now every lookup a connection uses is checked."""
    site = HostileSite("Rebinding Clinic", {"/robots.txt": serve(html("User-agent: *\nAllow: /\n")),
                                            "/blog/": serve(html("<h1>internal</h1>"))})
    with serve_hostile([site]) as base_urls:
        host, port = base_urls[site.name].removeprefix("http://").rsplit(":", 1)
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[sites]]\nname = "Rebinding Clinic"\nurl = "http://rebind.example:{port}/blog/"\n')
        result = subprocess.run(
            [sys.executable, "-m", "tests.fixtures.fake_dns", "crawl", "--sources", sources,
             "--db", tmp_path / "db.sqlite", *FAST, "-s", "RETRY_TIMES=1"],
            capture_output=True, text=True, timeout=300,
            env={**os.environ, "CLINICWATCH_TEST_DNS": json.dumps({"rebind.example": ["fail", host]}),
                 "http_proxy": "", "https_proxy": ""})
    assert result.returncode == 0, result.stderr[-3000:]
    assert site.requests == []
    errors = [r["error"] for r in open_db(tmp_path / "db.sqlite").query("SELECT error FROM fetches")]
    assert any(e.startswith(f"refused rebind.example ({host})") for e in errors), errors
