import pytest

from pipeline.canonical import canonical_url
from pipeline.urls import (
    is_crawlable,
    is_private_address,
    looks_like_trap,
    never_a_post,
    normalize_url,
    same_site,
)


@pytest.mark.parametrize("variant", [
    "https://clinic.example/blog/ketamine-and-bdnf/?utm_source=newsletter&utm_medium=email",
    "https://clinic.example/blog/ketamine-and-bdnf/amp/",
    "https://CLINIC.example/blog/ketamine-and-bdnf/?fbclid=abc#comments",
    "https://clinic.example/blog/ketamine-and-bdnf/?amp=1",
])
def test_tracking_and_amp_variants_fold_to_one_url(variant):
    assert normalize_url(variant) == normalize_url("https://clinic.example/blog/ketamine-and-bdnf/")


def test_meaningful_query_parameters_stay():
    assert normalize_url("https://c.example/post?id=7&utm_source=x") == "https://c.example/post?id=7"


@pytest.mark.parametrize("url", [
    "https://c.example/", "https://c.example/about-us/", "https://c.example/contact",
    "https://c.example/services/", "https://c.example/blog/tag/ketamine/", "https://c.example/category/news/",
    "https://c.example/blog/page/2/", "https://c.example/news/?page=3", "https://c.example/author/dr-lee/",
])
def test_site_pages_and_taxonomies_are_never_posts(url):
    assert never_a_post(url, "https://c.example/blog/")


@pytest.mark.parametrize("url", [
    "https://c.example/blog/what-to-know-about-ketamine/", "https://c.example/2024/05/01/ketamine-synapses/",
    "https://c.example/news/contact-with-nature-and-mood.html",
])
def test_post_slugs_containing_site_words_are_not_excluded(url):
    assert not never_a_post(url, "https://c.example/blog/")


def test_the_listing_itself_is_not_a_post():
    assert never_a_post("https://c.example/blog", "https://c.example/blog/")


@pytest.mark.parametrize("url, ok", [
    ("https://c.example/blog/x/", True), ("mailto:info@c.example", False), ("javascript:alert(1)", False),
    ("file:///etc/passwd", False), ("https://c.example/brochure.pdf", False), ("https://c.example/wp-admin/", False),
])
def test_only_http_pages_are_crawlable(url, ok):
    assert is_crawlable(url) is ok


@pytest.mark.parametrize("ip, private", [
    ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.5", True), ("169.254.169.254", True), ("::1", True),
    ("::ffff:127.0.0.1", True), ("fe80::1", True), ("93.184.216.34", False), ("2606:4700::1111", False),
])
def test_private_addresses(ip, private):
    assert is_private_address(ip) is private


def test_same_site_ignores_www_but_not_port():
    assert same_site("https://www.c.example/x", "https://c.example/blog/")
    assert not same_site("http://127.0.0.1:8001/x", "http://127.0.0.1:8002/")


def test_canonical_url_follows_same_site_declaration_only():
    page = "https://c.example/blog/post/?utm_source=x"
    assert canonical_url(page, "/blog/post-original/") == "https://c.example/blog/post-original/"
    # A syndicated copy declaring another clinic's page canonical stays under its own URL.
    assert canonical_url(page, "https://other.example/blog/post/") == "https://c.example/blog/post/"
    assert canonical_url(page, None) == "https://c.example/blog/post/"


@pytest.mark.parametrize("url, trap", [
    ("https://c.example/events/calendar/?month=2031-05", True),
    ("https://c.example/events/?date=2030-01-01", True),
    ("https://c.example/a/b/a/b/a/b/", True),
    ("https://c.example/1/2/3/4/5/6/7/8/9/", True),
    ("https://c.example/shop/?color=red&size=m&sort=asc&view=grid&page=2", True),
    ("https://c.example/blog/2024/05/01/ketamine-and-bdnf/", False),
    ("https://c.example/blog/?page=3", False),
])
def test_traps(url, trap):
    assert looks_like_trap(url) is trap


# Every address that is not globally routable is refused (issue 12, item 3): the ranges the first
# check missed (shared 100.64/10, 192.0.0/24, 6to4 carrying a private IPv4, site-local fec0::/10),
# and the other ways of writing a private IPv4 inside IPv6.
@pytest.mark.parametrize("ip, private", [
    ("100.64.0.1", True), ("100.127.255.254", True),        # shared address space (RFC 6598, CGNAT)
    ("192.0.0.8", True), ("192.0.0.170", True),             # IETF protocol assignments (RFC 6890)
    ("192.88.99.1", True),                                  # 6to4 relay anycast (RFC 7526)
    ("192.0.2.1", True), ("198.51.100.7", True), ("203.0.113.9", True),  # documentation
    ("198.18.0.1", True), ("240.0.0.1", True), ("255.255.255.255", True), ("224.0.0.1", True),
    ("2002:a00:1::", True), ("2002:7f00:1::1", True), ("2002:c0a8:101::", True),  # 6to4 of 10/8, 127/8, 192.168/16
    ("2002:5db8:d822::1", False),                           # 6to4 of a public IPv4
    ("fec0::1", True), ("feff::1", True),                   # site-local (RFC 3879)
    ("::ffff:127.0.0.1", True), ("::ffff:100.64.0.1", True), ("::127.0.0.1", True),  # mapped, compatible
    ("64:ff9b::a00:1", True), ("64:ff9b::5db8:d822", False), ("64:ff9b:1::1", True),  # NAT64
    ("2001::1", True), ("2001:db8::1", True), ("ff0e::1", True), ("fe80::1%eth0", True),  # Teredo, doc, multicast
    ("93.184.216.34", False), ("2606:2800:220:1::1", False), ("1.1.1.1", False),
])
def test_only_globally_routable_addresses_are_public(ip, private):
    assert is_private_address(ip) is private
