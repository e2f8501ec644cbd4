"""Scrapy's HttpProxyMiddleware, refusing to send a request through a proxy unless
CLINICWATCH_ALLOW_PRIVATE_HOSTS: the proxy, not clinicwatch, resolves the target's name and
chooses the address it connects to, so clinicwatch cannot refuse a private one. Before this
(issue 12, item 2) a proxy from http_proxy plus a name that does not resolve here went straight
through. --allow-private-hosts therefore also means "trust the proxy".
Tests: tests/test_downloadermiddleware_httpproxy.py."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.downloadermiddlewares import httpproxy

from .privatehosts import RefusedTarget


class HttpProxyMiddleware(httpproxy.HttpProxyMiddleware):
    allow_private = False

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        middleware.allow_private = crawler.settings.getbool("CLINICWATCH_ALLOW_PRIVATE_HOSTS")
        return middleware

    def process_request(self, request, spider=None):
        result = super().process_request(request)
        proxy = request.meta.get("proxy")
        if proxy and not self.allow_private:
            parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
            raise RefusedTarget(
                f"refused {request.url} through the proxy {parts.hostname}:{parts.port}: a proxy chooses the "
                "address it connects to, so private addresses cannot be refused; unset http_proxy/https_proxy "
                "(or add the host to no_proxy), or pass --allow-private-hosts to trust the proxy")
        return result
