"""clinicwatch's spider middlewares, wired in crawler/settings.py (SPIDER_MIDDLEWARES):
sitemapsoneatatime.SitemapsOneAtATime (540), sitemapdepth.LimitSitemapDepth (550) and, with
--render-js only, renderjs.RenderScriptPages (560)."""
