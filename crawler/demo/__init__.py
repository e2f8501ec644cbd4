"""Fictional clinic blogs served on loopback: the `clinicwatch demo` sites and the tests' fixture server.

    from crawler.demo import demo_sites, serve_sites, expected_posts
    sites = demo_sites()
    with serve_sites(sites) as base_urls:      # {site name: "http://127.0.0.N:PORT"}
        ...
"""

from importlib import import_module

_HOMES = {
    "serve_sites": "crawler.demo.server", "write_sources": "crawler.demo.server",
    "demo_sites": "crawler.demo.sites", "expected_posts": "crawler.demo.sites",
    "non_post_urls": "crawler.demo.sites", "private_urls": "crawler.demo.sites",
    "CHROME_PHRASES": "crawler.demo.sites",
    "DemoSite": "crawler.demo.model", "Page": "crawler.demo.model", "Post": "crawler.demo.model",
    "InfoPage": "crawler.demo.model", "Chrome": "crawler.demo.model",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    # Imported on first use, so that `python -m crawler.demo.server` does not find the module already
    # imported by its own package (runpy warns about that).
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'crawler.demo' has no attribute {name!r}")
