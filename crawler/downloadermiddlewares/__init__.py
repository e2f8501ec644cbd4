"""clinicwatch's downloader middlewares, one a module, wired in crawler/settings.py
(DOWNLOADER_MIDDLEWARES), from the engine to the network:

- privatehosts.RefusePrivateHosts (50): only http(s); no IP literal that is not globally routable
  (names: crawler.resolver.RefusePrivateAddresses, where the connection's address is chosen).
- stayonsite.StayOnSite (60): a redirect to another host ends here, before its robots.txt.
- crawldelay.ObeyCrawlDelay (150): robots.txt Crawl-delay.
- sizelimits.SizeLimits (160): sitemaps' own download limit.
- robotstxtlimits.RobotsTxtLimits (540): robots.txt as RFC 9309 reads it.
- inspectbodies.InspectBodies (570): bodies that cannot be what they claim.
- redirect.MetaRefreshMiddleware (580), httpcompression.HttpCompressionMiddleware (590),
  redirect.RedirectMiddleware (600): Scrapy's, saying on the fetch row why a response was dropped.
- httpproxy.HttpProxyMiddleware (750): Scrapy's, refusing proxies unless private hosts are allowed.
- recordfetches.RecordFetches (950): every fetch a row of `fetches`.
"""
