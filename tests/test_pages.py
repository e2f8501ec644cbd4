import json

import pytest

from crawler.discovery import page_tree
from crawler.pages import PageKind, classify_page

BODY = "<p>" + " ".join(["Ketamine changes how neurons connect, and this paragraph says so at length."] * 20) + "</p>"


def page(head="", body=BODY, article=True):
    inner = f"<article><h1>Title</h1>{body}</article>" if article else body
    return page_tree(f"<html><head>{head}</head><body><nav>menu</nav>{inner}</body></html>")


def ld(kind):
    return f'<script type="application/ld+json">{json.dumps({"@context": "https://schema.org", "@graph": [{"@type": kind}]})}</script>'


LISTING = "https://c.example/blog/"


def test_json_ld_blogposting_is_a_post():
    assert classify_page(page(ld("BlogPosting")), "https://c.example/blog/ketamine-bdnf/", LISTING) is PageKind.POST


def test_og_article_with_a_date_is_a_post():
    head = '<meta property="og:type" content="article"><meta property="article:published_time" content="2025-01-02">'
    assert classify_page(page(head), "https://c.example/x/ketamine-bdnf", LISTING) is PageKind.POST


def test_hand_written_post_with_visible_date_under_the_listing_path():
    body = "<p>Posted March 3, 2025 by Dr. Rivera</p>" + BODY
    tree = page(body=body, article=False)
    assert classify_page(tree, "https://c.example/news/ketamine-rewiring.html", "https://c.example/news/") \
        is PageKind.POST


def test_service_page_about_ketamine_and_neuroplasticity_is_not_a_post():
    head = '<meta property="og:type" content="website">' + ld("WebPage")
    assert classify_page(page(head), "https://c.example/ketamine-therapy/", LISTING) is PageKind.OTHER


@pytest.mark.parametrize("url", ["https://c.example/about/", "https://c.example/contact-us/", "https://c.example/"])
def test_site_pages_are_never_posts_even_when_marked_up_as_articles(url):
    assert classify_page(page(ld("Article")), url, LISTING) is not PageKind.POST


def test_many_articles_make_a_listing():
    body = "".join(f"<article><h2><a href='/blog/p{i}/'>P{i}</a></h2><p>excerpt</p></article>" for i in range(5))
    assert classify_page(page(body=body, article=False), "https://c.example/blog/topics", LISTING) is PageKind.LISTING


@pytest.mark.parametrize("url", ["https://c.example/blog/tag/ketamine/", "https://c.example/blog/page/2/",
                                 "https://c.example/blog/"])
def test_tag_pagination_and_listing_urls_are_listings(url):
    assert classify_page(page(ld("BlogPosting")), url, LISTING) is PageKind.LISTING
