"""Fictional clinic blogs served on loopback: the `clinicwatch demo` sites and the tests' fixture server.

    from clinicwatch.demo import demo_sites, serve_sites, expected_posts
    sites = demo_sites()
    with serve_sites(sites) as base_urls:      # {site name: "http://127.0.0.N:PORT"}
        ...
"""

from importlib import import_module

_HOMES = {
    "serve_sites": "clinicwatch.demo.server", "write_sources": "clinicwatch.demo.server",
    "demo_sites": "clinicwatch.demo.sites", "expected_posts": "clinicwatch.demo.sites",
    "non_post_urls": "clinicwatch.demo.sites", "private_urls": "clinicwatch.demo.sites",
    "CHROME_PHRASES": "clinicwatch.demo.sites",
    "DemoSite": "clinicwatch.demo.model", "Page": "clinicwatch.demo.model", "Post": "clinicwatch.demo.model",
    "InfoPage": "clinicwatch.demo.model", "Chrome": "clinicwatch.demo.model",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    # Imported on first use, so that `python -m clinicwatch.demo.server` does not find the module already
    # imported by its own package (runpy warns about that).
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'clinicwatch.demo' has no attribute {name!r}")
