"""Posts that only JavaScript writes, rendered in headless Chromium (`--render-js`,
CLINICWATCH_RENDER_JS): off by default, and then nothing here starts a browser or imports Playwright.

- `RenderJs`, a Scrapy add-on (ADDONS): with the setting on, installs scrapy-playwright's download
  handler (crawler.renderjs.handler) for http and https, and its launch settings; off, it raises
  NotConfigured and Scrapy's own handler downloads everything as before.
- crawler.spidermiddlewares.renderjs.RenderScriptPages: a post page whose HTML has too little text
  (or is an app shell) goes out again, once, as a request rendered by the browser.
- crawler.renderjs.guard: what a rendered page may load; every request it makes is checked and
  fetched by us (scheme, host, private addresses, robots.txt, size, time) and handed to the browser.
- crawler.renderjs.handler: scrapy-playwright's handler with the guard on every page, a wait for the
  text to settle, and a cap on the whole page.
"""

from __future__ import annotations

from scrapy.exceptions import NotConfigured

HANDLER = "crawler.renderjs.handler.RenderingDownloadHandler"
# Headless, without the features that would make Chromium talk to anyone but us. Every request a page
# makes is fulfilled by the guard; the dead proxy (loopback included) catches anything routing would miss.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--proxy-server=http://127.0.0.1:1", "--proxy-bypass-list=<-loopback>"]


class RenderJs:
    """Wires scrapy-playwright by settings when CLINICWATCH_RENDER_JS is on."""

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def update_settings(self, settings) -> None:
        if not settings.getbool("CLINICWATCH_RENDER_JS"):
            raise NotConfigured("CLINICWATCH_RENDER_JS is off: no browser")
        handlers = settings["DOWNLOAD_HANDLERS"]
        for scheme in ("http", "https"):
            handlers.set(scheme, HANDLER, priority="addon")
        timeout = settings.getfloat("CLINICWATCH_RENDER_JS_TIMEOUT")
        settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", priority="addon")
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", {
            "executable_path": settings.get("CLINICWATCH_CHROMIUM"), "headless": True, "args": CHROMIUM_ARGS,
            "timeout": 60_000}, priority="addon")
        settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", timeout * 1000, priority="addon")
        settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 1, priority="addon")
        settings.set("PLAYWRIGHT_MAX_CONTEXTS", 2, priority="addon")  # two pages rendered at a time


# A browser context without service workers (their requests would bypass routing), downloads or
# stored state; created with the first rendered page, so the browser starts only when one is needed.
CONTEXT_KWARGS = {"service_workers": "block", "accept_downloads": False, "java_script_enabled": True,
                  "bypass_csp": False}
