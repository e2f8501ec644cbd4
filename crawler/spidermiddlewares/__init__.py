"""clinicwatch's spider middlewares, wired in crawler/settings.py (SPIDER_MIDDLEWARES):
sitemapsoneatatime.SitemapsOneAtATime (540) and sitemapdepth.LimitSitemapDepth (550)."""
