"""Serve demo clinic sites on loopback, one HTTP server (one origin) per site.

Each site gets its own loopback address where the OS allows it (all of 127.0.0.0/8 is loopback
on Linux), so sites differ by host and not only by port, as real sites do: Scrapy keys its
per-domain download slots by host name. Elsewhere every site is on 127.0.0.1, each on its own port.

    python -m clinicwatch.demo.server [--sources FILE]   serves the demo sites until Ctrl-C
"""

from __future__ import annotations

import argparse
import hashlib
import threading
import zlib
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, Mapping

from clinicwatch.demo.model import DemoSite, Page
from clinicwatch.demo.sites import demo_sites
from crawler.sources import Source, sources_toml


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


def not_modified(request_headers: Mapping[str, str], response_headers: Mapping[str, str]) -> bool:
    """RFC 9110 §13.1: If-None-Match decides when present; If-Modified-Since only without it."""
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or response_headers["ETag"] in tags
    since, modified = request_headers.get("If-Modified-Since"), response_headers.get("Last-Modified")
    if not since or not modified:
        return False
    try:
        return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def http_response(page: Page, request_headers: Mapping[str, str]) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body for a page, honouring conditional requests."""
    body = page.body_bytes
    headers = {"Content-Type": page.content_type, **page.headers}
    if page.status == 200:
        headers["ETag"] = etag_of(body)
        if not_modified(request_headers, headers):
            return 304, {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified")}, b""
    headers["Content-Length"] = str(len(body))
    return page.status, headers, body


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: DemoSite, host: str):
        super().__init__((host, 0), SiteRequestHandler)
        self.site = site
        self.base_url = f"http://{host}:{self.server_address[1]}"


class SiteRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "DemoClinic/1.0"
    # An idle keep-alive connection frees its thread after this many seconds.
    timeout = 10
    server: SiteServer

    def do_GET(self) -> None:
        self.answer(send_body=True)

    def do_HEAD(self) -> None:
        self.answer(send_body=False)

    def answer(self, send_body: bool) -> None:
        site = self.server.site
        site.requests.append(self.path)
        page = site.respond(self.path, self.server.base_url)
        status, headers, body = http_response(page, self.headers)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        """Silent: tests and the demo report what matters themselves, and `site.requests` keeps every path."""


def loopback_host(site: DemoSite) -> str:
    """A loopback address of the site's own, the same on every run."""
    return f"127.0.0.{zlib.crc32(site.name.encode()) % 253 + 2}"


def start_server(site: DemoSite) -> SiteServer:
    try:
        return SiteServer(site, loopback_host(site))
    except OSError:
        return SiteServer(site, "127.0.0.1")


@contextmanager
def serve_sites(sites: list[DemoSite]) -> Iterator[dict[str, str]]:
    """Serve each site from its own server in daemon threads; yields {site name: base URL} (no trailing slash)."""
    running: list[tuple[SiteServer, threading.Thread]] = []
    try:
        for site in sites:
            server = start_server(site)
            # A short poll interval keeps shutdown() quick: it waits for the loop's next poll.
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                      name=f"demo-site {site.name}", daemon=True)
            thread.start()
            running.append((server, thread))
        yield {server.site.name: server.base_url for server, _ in running}
    finally:
        for server, thread in running:
            server.shutdown()
            server.server_close()
            thread.join()


def write_sources(path: str | Path, base_urls: Mapping[str, str], sites: list[DemoSite]) -> Path:
    """A sources file (README.md, "The sources file") listing each site by its listing page; sitemaps and feeds are left
    for discovery to find."""
    sources = [Source(name=site.name, url=base_urls[site.name].rstrip("/") + site.listing_path, location=site.location)
               for site in sites]
    path = Path(path)
    path.write_text(sources_toml(sources), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m clinicwatch.demo.server",
                                     description="Serve the demo clinic sites on loopback until Ctrl-C.")
    parser.add_argument("--sources", metavar="FILE", help="also write a sources file listing the served sites")
    args = parser.parse_args(argv)
    sites = demo_sites()
    with serve_sites(sites) as base_urls:
        for site in sites:
            print(f"{site.name:32} {base_urls[site.name]}{site.listing_path}", flush=True)
        if args.sources:
            print(f"sources file: {write_sources(args.sources, base_urls, sites)}", flush=True)
        print("Serving; press Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
