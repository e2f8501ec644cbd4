"""URL rules shared by discovery and the canonical-URL stage."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that only track where a visitor came from: they never change the page.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi|hsa_\w+|ref|ref_src|igshid|yclid|"
    r"_ga|_gl|s_kwcid|trk|cmpid|amp)$",
    re.I,
)

# Paths that are never blog posts whatever they contain. The last path segment must match whole,
# so a post slug like "what-to-know-about-ketamine" is not caught by "about".
NON_POST_SEGMENT = re.compile(
    r"^(about(-us)?|contact(-us)?|services?|our-services|treatments?|team|our-team|staff|providers?|"
    r"pricing|fees|insurance|faqs?|locations?|book|booking|appointments?|schedule|careers|jobs|"
    r"privacy(-policy)?|terms(-of-(use|service))?|cookies?(-policy)?|accessibility|disclaimer|sitemap|"
    r"search|login|cart|checkout|account|thank-you|home|index)(\.html?|\.php)?$",
    re.I,
)
TAXONOMY_PATH = re.compile(r"/(tags?|tagged|categor(y|ies)|topics?|authors?|archives?|label|search)(/|$)", re.I)
PAGINATION = re.compile(r"(/page/\d+/?$)|([?&](page|paged|offset|p|start)=\d+)", re.I)
DATE_PATH = re.compile(r"/(19|20)\d\d/(0?[1-9]|1[0-2])(/\d{1,2})?/[^/]+")
CALENDAR_TRAP = re.compile(
    r"([?&](date|day|week|month|year|calendar|ical|eventDate|tribe-bar-date)=)"
    r"|(/calendar/)|(/(events?|agenda|month|week|day)/(.+/)?\d{4}-\d\d(-\d\d)?/?$)", re.I)
ASSET = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|ico|pdf|docx?|xlsx?|pptx?|zip|gz|mp[34]|mov|avi|webm|css|js|json|woff2?|ttf|eot)$",
    re.I,
)
ADMIN = re.compile(r"/(wp-admin|wp-login\.php|wp-json|xmlrpc\.php|cdn-cgi|feed|comments/feed|trackback)(/|$)", re.I)


MAX_PATH_DEPTH = 8
MAX_QUERY_PARAMS = 4


def looks_like_trap(url: str) -> bool:
    """URLs that generate more URLs without end: calendars, a path segment repeating
    (/a/b/a/b/...), deep paths, piles of query parameters (faceted filters, session ids)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    repeated = max((segments.count(s) for s in set(segments)), default=0)
    return bool(CALENDAR_TRAP.search(url)) or len(segments) > MAX_PATH_DEPTH or repeated >= 3 or len(
        parse_qsl(parts.query, keep_blank_values=True)) > MAX_QUERY_PARAMS


def is_query_variant(url: str, page_url: str) -> bool:
    """The same path as page_url with a query string: another view of that page."""
    parts, page = urlsplit(url), urlsplit(page_url)
    return bool(parts.query) and parts.path.rstrip("/") == page.path.rstrip("/")


def strip_tracking(url: str) -> str:
    """Drop tracking parameters and fragments; keep everything else as written."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def strip_amp(url: str) -> str:
    """The regular page of an AMP variant (/amp/, .amp.html, amp. host); ?amp=1 goes with strip_tracking."""
    parts = urlsplit(url)
    path = re.sub(r"\.amp(\.html?)$", r"\1", re.sub(r"/amp/?$", "/", parts.path, flags=re.I), flags=re.I)
    netloc = parts.netloc[4:] if parts.netloc.lower().startswith("amp.") else parts.netloc
    return urlunsplit((parts.scheme, netloc, path, parts.query, parts.fragment))


def normalize_url(url: str) -> str:
    """The form of a URL used to tell pages apart: no tracking, no AMP, lower-case host, sorted query."""
    return canonicalize_url(strip_amp(strip_tracking(url)), keep_fragments=False)


def same_site(url: str, base: str) -> bool:
    a, b = urlsplit(url).hostname or "", urlsplit(base).hostname or ""
    strip = lambda h: h[4:] if h.startswith("www.") else h  # noqa: E731
    return strip(a.lower()) == strip(b.lower()) and urlsplit(url).port == urlsplit(base).port


def is_crawlable(url: str) -> bool:
    """http(s) pages only: no mailto:, javascript:, data:, file:, assets or admin paths."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not ASSET.search(parts.path) \
        and not ADMIN.search(parts.path)


def never_a_post(url: str, listing_url: str | None = None) -> bool:
    """URL shapes that are never posts: home, the listing itself, taxonomies, pagination, site pages."""
    path = urlsplit(url).path
    if path in ("", "/") or PAGINATION.search(url) or TAXONOMY_PATH.search(path):
        return True
    if listing_url and normalize_url(url).rstrip("/") == normalize_url(listing_url).rstrip("/"):
        return True
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return bool(NON_POST_SEGMENT.match(last))


# Special-purpose blocks that Python 3.11's ipaddress still calls global (is_global): the IETF
# protocol block (RFC 6890: 192.0.0.0/24), the deprecated 6to4 relay anycast (RFC 7526), site-local
# IPv6 (RFC 3879: fec0::/10), IPv4-compatible IPv6 (RFC 4291: ::/96) and the local-use NAT64
# prefix (RFC 8215). Checked by tests/test_urls.py::test_only_globally_routable_addresses_are_public.
NOT_GLOBAL = tuple(ipaddress.ip_network(n) for n in
                   ("192.0.0.0/24", "192.88.99.0/24", "fec0::/10", "::/96", "64:ff9b:1::/48"))
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the last 32 bits are an IPv4 address


def is_private_address(ip: str) -> bool:
    """Is this address anything but globally routable (loopback, private, shared, link-local,
    reserved, multicast, documentation, site-local...)? IPv6 forms that carry an IPv4 address
    (IPv4-mapped, 6to4, NAT64) are judged by the IPv4 address they carry."""
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour or (
            ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in NAT64 else None)
        if inner is not None:
            return is_private_address(str(inner))
    if any(address.version == network.version and address in network for network in NOT_GLOBAL):
        return True
    return not address.is_global or address.is_multicast or address.is_reserved or address.is_unspecified


def absolute(base: str, href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    return urljoin(base, href)
