"""Site-level template removal, re-extraction from stored pages (pipeline/site_template.py,
`clinicwatch reextract`), and the crawl path's decoding of page bytes.

The crawl tests serve a clinic of their own, Seaside, whose page builder puts the same call
to action and disclaimer inside every post's content, where no class marks them."""

from __future__ import annotations

import gzip
import shutil
from datetime import date
from types import SimpleNamespace

import pytest

from clinicwatch.demo import serve_sites, write_sources
from clinicwatch.demo.model import Chrome, DemoSite, InfoPage, Page, Post
from clinicwatch.demo.wordpress import WordPressStyle
from db import open_db, store
from db.queries import stored_page_ids
from pipeline.dedup import content_hash, minhash_signature
from pipeline.extract import EXTRACTOR
from pipeline.post_fields import derive_post_fields
from pipeline.reextract import reextract_posts
from pipeline.site_template import (
    MIN_POSTS,
    SiteTemplate,
    find_template_paragraphs,
    paragraph_hash,
    remove_site_template,
    template_threshold,
    without_template_paragraphs,
)
from tests.conftest import FAST, clinicwatch

CTA_HEADING = "Ready to feel like yourself again?"
CTA = ("Our care coordinators return every call within one business day. Call Seaside Ketamine Clinic at "
       "(555) 010-4477 or book a free phone consultation online.")
DISCLAIMER = ("Medical disclaimer: this article is general information, not medical advice. Talk to your own "
              "clinician before starting or changing any treatment.")
TEMPLATE = [CTA_HEADING, CTA, DISCLAIMER]


def paragraphs_of(count: int, topic: str) -> list[str]:
    """`count` distinct paragraphs of about thirty words on `topic`."""
    return [
        f"Paragraph {n} about {topic}: patients at the clinic often ask how {topic} fits into a plan of care, "
        f"and the answer depends on their history, their goals and what has or has not worked for them before, "
        f"point number {n}."
        for n in range(1, count + 1)
    ]


def text_of(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


# --- finding a site's boilerplate --------------------------------------------


def test_threshold_is_three_posts_or_thirty_percent_of_the_site():
    assert [template_threshold(n) for n in (1, 5, 10, 11, 100)] == [MIN_POSTS, 3, 3, 4, 30]


def test_paragraphs_in_enough_posts_are_found_and_others_are_not():
    texts = [text_of(*paragraphs_of(3, f"topic {n}"), CTA, DISCLAIMER if n < 2 else "") for n in range(6)]
    found = {paragraph: posts for _, paragraph, posts in find_template_paragraphs(texts)}
    assert found == {CTA: 6}  # the disclaimer is in 2 posts, one short of the threshold


def test_short_shared_headings_are_not_boilerplate():
    texts = [text_of("Conclusion", *paragraphs_of(2, f"topic {n}"), "Key takeaways") for n in range(5)]
    assert find_template_paragraphs(texts) == []


def test_copies_of_one_post_do_not_make_their_paragraphs_boilerplate():
    post = text_of(*paragraphs_of(4, "spravato"))
    near_copies = [post + f"\n\nUpdated note {n}: call the clinic to ask about this." for n in range(3)]
    others = [text_of(*paragraphs_of(3, f"topic {n}")) for n in range(3)]
    # the exact copy counts once; the near copies are mostly paragraphs they share
    assert find_template_paragraphs([post, post, *near_copies, *others]) == []


def test_without_boilerplate_removes_only_the_listed_paragraphs():
    body = paragraphs_of(3, "ketamine")
    text = text_of(body[0], CTA, body[1], body[2], DISCLAIMER)
    kept = without_template_paragraphs(text, {paragraph_hash(CTA), paragraph_hash(DISCLAIMER)})
    assert kept == text_of(*body)


def test_boilerplate_is_matched_whatever_its_spacing_case_and_quotes():
    text = text_of(*paragraphs_of(3, "ketamine"), "  CALL Seaside’s  team today at (555) 010-4477  ")
    assert without_template_paragraphs(text, {paragraph_hash("Call Seaside's team today at (555) 010-4477")}) == text_of(
        *paragraphs_of(3, "ketamine"))


def test_a_post_that_would_lose_more_than_half_its_words_is_left_whole():
    text = text_of(paragraphs_of(1, "ketamine")[0], CTA, DISCLAIMER, CTA_HEADING)
    assert without_template_paragraphs(text, {paragraph_hash(p) for p in TEMPLATE}) == text


# --- removing it from stored posts ---------------------------------------------


@pytest.fixture()
def db(tmp_path):
    return open_db(tmp_path / "clinicwatch.db")


def save(db, site_id: int, slug: str, text: str, *, run_id: int | None = None, html: str | None = None,
         title: str = "A post") -> int:
    fields = derive_post_fields(title, text).columns(text)
    record = store.PostRecord(
        site_id=site_id, url=f"https://seaside.example/blog/{slug}/", text=text, content_hash=fields["content_hash"],
        title=title, minhash=fields["minhash"], is_relevant=bool(fields["is_relevant"]),
        relevance_score=fields["relevance_score"], html=html, extractor=EXTRACTOR,
    )
    return store.save_post(db, record, run_id)[0]


def post_row(db, post_id: int) -> dict:
    return db["posts"].get(post_id)


def versions(db, post_id: int) -> list[str]:
    return [row[0] for row in db.execute("SELECT text FROM post_versions WHERE post_id = ? ORDER BY id", [post_id])]


def test_boilerplate_is_recorded_and_removed_from_every_post_of_the_site(db):
    site = store.upsert_site(db, "Seaside", "https://seaside.example/blog/")
    other = store.upsert_site(db, "Elsewhere", "https://elsewhere.example/")
    bodies = {f"post-{n}": paragraphs_of(3, f"topic {n}") for n in range(5)}
    ids = {slug: save(db, site, slug, text_of(*body, CTA_HEADING, CTA)) for slug, body in bodies.items()}
    elsewhere = save(db, other, "elsewhere", text_of(*paragraphs_of(3, "elsewhere"), CTA))

    assert remove_site_template(db, [site, other]) == 5
    recorded = list(db.query("SELECT site_id, text, posts FROM site_boilerplate ORDER BY text"))
    assert recorded == [{"site_id": site, "text": CTA, "posts": 5}, {"site_id": site, "text": CTA_HEADING, "posts": 5}]
    for slug, post_id in ids.items():
        row = post_row(db, post_id)
        expected = text_of(*bodies[slug])
        assert row["text"] == expected
        assert row["content_hash"] == content_hash(expected)
        assert row["minhash"] == minhash_signature(expected)
        assert row["word_count"] == len(expected.split())
        assert versions(db, post_id)[-1] == expected and len(versions(db, post_id)) == 2
    assert post_row(db, elsewhere)["text"].endswith(CTA)  # another site's boilerplate is its own
    # the full-text index follows the text
    assert not list(db.query("SELECT rowid FROM posts_fts WHERE posts_fts MATCH 'coordinators' AND rowid != ?",
                             [elsewhere]))
    assert remove_site_template(db, [site, other]) == 0  # nothing left to do


def test_a_text_stored_in_the_same_crawl_is_replaced_in_its_version(db):
    site = store.upsert_site(db, "Seaside", "https://seaside.example/blog/")
    earlier = [save(db, site, f"old-{n}", text_of(*paragraphs_of(2, f"old {n}"), CTA)) for n in range(2)]
    run_id = store.start_run(db)
    fresh = save(db, site, "fresh", text_of(*paragraphs_of(2, "fresh"), CTA), run_id=run_id)
    first_seen = post_row(db, fresh)["first_seen_at"]

    assert remove_site_template(db, [site], run_id) == 3
    assert versions(db, fresh) == [text_of(*paragraphs_of(2, "fresh"))]
    assert post_row(db, fresh)["last_changed_at"] == first_seen
    assert all(len(versions(db, post_id)) == 2 for post_id in earlier)


def test_a_crawl_that_stored_no_text_of_a_site_leaves_the_site_unread(db):
    site = store.upsert_site(db, "Seaside", "https://seaside.example/blog/")
    other = store.upsert_site(db, "Elsewhere", "https://elsewhere.example/")
    for n in range(4):
        save(db, site, f"post-{n}", text_of(*paragraphs_of(2, f"topic {n}"), CTA))
    run_id = store.start_run(db)
    save(db, other, "elsewhere", text_of(*paragraphs_of(3, "elsewhere")), run_id=run_id)

    assert remove_site_template(db, [site, other], run_id) == 0
    assert db["site_boilerplate"].count == 0
    assert remove_site_template(db, [site, other]) == 4  # without a run, every site is read


def test_texts_of_a_killed_run_are_cleaned_by_the_next_run(db):
    site = store.upsert_site(db, "Seaside", "https://seaside.example/blog/")
    killed = store.start_run(db)
    ids = [save(db, site, f"post-{n}", text_of(*paragraphs_of(2, f"topic {n}"), CTA), run_id=killed)
           for n in range(4)]
    store.finish_run(db, killed, "failed")
    next_run = store.start_run(db)

    assert remove_site_template(db, [site], next_run) == 4
    assert all(CTA not in post_row(db, post_id)["text"] for post_id in ids)


def test_a_crawl_removes_the_recorded_boilerplate_from_new_pages(db):
    site = store.upsert_site(db, "Seaside", "https://seaside.example/blog/")
    store.add_site_boilerplate(db, site, [(paragraph_hash(CTA), CTA, 4)])
    text = text_of(*paragraphs_of(3, "new"), CTA)
    assert SiteTemplate(db).remove(site, text) == text_of(*paragraphs_of(3, "new"))


# --- re-extraction ---------------------------------------------------------------

def page_html(title: str, body: list[str]) -> str:
    paragraphs = "".join(f"<p>{paragraph}</p>" for paragraph in body)
    return (f"<html><head><title>{title} | Seaside</title></head><body><nav><a>Home</a></nav>"
            f"<article><h1>{title}</h1><div class='entry-content'>{paragraphs}</div></article></body></html>")


def test_reextract_records_a_version_only_where_the_text_changed(db):
    site = store.upsert_site(db, "Seaside", "https://seaside.example/blog/")
    bodies = [paragraphs_of(3, f"topic {n}") for n in range(3)]
    # post 0 as an older extractor made it: the navigation kept, and the title with the site's name
    texts = [text_of("Home", *bodies[0]), text_of(*bodies[1]), text_of(*bodies[2])]
    titles = ["Post 0 | Seaside", "Post 1", "Post 2"]
    ids = [save(db, site, f"post-{n}", text, html=page_html(f"Post {n}", body), title=title)
           for n, (text, body, title) in enumerate(zip(texts, bodies, titles))]
    store.set_duplicates(db, {ids[2]: ids[1]})  # and a wrong duplicate link

    result = reextract_posts(db, stored_page_ids(db, [site]))

    assert (result.pages, result.text_changed, result.metadata_changed, result.failures) == (3, 1, 0, [])
    assert result.duplicates_relinked == 1 and post_row(db, ids[2])["duplicate_of"] is None
    row = post_row(db, ids[0])
    assert (row["title"], row["text"], row["content_hash"]) == ("Post 0", text_of(*bodies[0]),
                                                                content_hash(text_of(*bodies[0])))
    assert versions(db, ids[0]) == [texts[0], text_of(*bodies[0])]
    assert [len(versions(db, post_id)) for post_id in ids] == [2, 1, 1]
    again = reextract_posts(db, stored_page_ids(db, [site]))
    assert (again.text_changed, again.metadata_changed) == (0, 0)


def test_reextract_keeps_the_stored_text_when_the_page_gives_none(db):
    site = store.upsert_site(db, "Seaside", "https://seaside.example/blog/")
    text = text_of(*paragraphs_of(3, "kept"))
    post_id = save(db, site, "empty", text, html="<html><body><div id='app'></div></body></html>")
    result = reextract_posts(db, [post_id])
    assert result.text_changed == 0 and len(result.failures) == 1
    assert "https://seaside.example/blog/empty/" in result.failures[0]
    assert post_row(db, post_id)["text"] == text


def test_reextract_applies_the_site_boilerplate(db):
    site = store.upsert_site(db, "Seaside", "https://seaside.example/blog/")
    body = paragraphs_of(3, "topic")
    post_id = save(db, site, "post", text_of(*body), html=page_html("Post", [*body, CTA]), title="Post")
    store.add_site_boilerplate(db, site, [(paragraph_hash(CTA), CTA, 4)])
    assert reextract_posts(db, [post_id]).text_changed == 0
    assert post_row(db, post_id)["text"] == text_of(*body)


# --- a crawl of Seaside ------------------------------------------------------------

SEASIDE_CHROME = Chrome(
    tagline="Ketamine care on the coast",
    cookie_notice="This site uses cookies to remember your preferences between visits.",
    newsletter_pitch="Join the Seaside letter for clinic news twice a month.",
    footer_cta="Schedule your first visit with Seaside",
    comments=(("Ana", "Thank you for explaining the first visit so plainly."),),
    author_bios={"Dr. Lena Park": "Dr. Park is a psychiatrist who has led the Seaside infusion team since it opened."},
)
TOPICS = ["first infusions", "integration therapy", "insurance questions", "sleep after treatment",
          "nasal spray sessions"]
UTF8_AS_LATIN1 = "sleep-after-treatment"
STRAY_CP1252 = "insurance-questions"


def non_ascii(topic: str) -> str:
    return f"The caf\u00e9 across the street doesn\u2019t open before an appointment about {topic}: bring a snack."


def seaside_post(n: int, topic: str) -> Post:
    body = "\n\n".join([non_ascii(topic), *paragraphs_of(3, topic), f"## {CTA_HEADING}", CTA, DISCLAIMER])
    return Post(slug=topic.replace(" ", "-"), title=f"About {topic}", date=date(2025, 3, n + 1),
                author="Dr. Lena Park", body=body + "\n", relevant=False)


def seaside() -> DemoSite:
    pages = {"home": InfoPage("home", "Seaside Ketamine Clinic", "Care for depression on the coast."),
             "about": InfoPage("about", "About Us", "A small clinic by the harbor."),
             "services": InfoPage("services", "Services", "Infusions and integration therapy."),
             "contact": InfoPage("contact", "Contact", "Call us on weekdays.")}
    posts = [seaside_post(n, topic) for n, topic in enumerate(TOPICS)]
    return DemoSite(key="seaside", name="Seaside Ketamine Clinic", location="Newport, RI", street="1 Harbor Way",
                    phone="(555) 010-4477", utc_offset_hours=-5, style=WordPressStyle(), chrome=SEASIDE_CHROME,
                    posts={p.slug: p for p in posts}, info_pages=pages)


def serve_badly_encoded(site: DemoSite, base: str) -> None:
    """Two posts as misconfigured servers send them: UTF-8 labelled ISO-8859-1, and UTF-8 with
    one curly quote pasted in as a windows-1252 byte."""
    routes = site.routes(base)
    for slug, content_type, damage in (
        (UTF8_AS_LATIN1, "text/html; charset=ISO-8859-1", lambda body: body),
        (STRAY_CP1252, "text/html; charset=utf-8", lambda body: body.replace("doesn\u2019t".encode(), b"doesn\x92t")),
    ):
        path = f"/blog/{slug}/"
        page = routes[path]
        site.set_page(path, Page(200, content_type, damage(page.body_bytes), dict(page.headers), kind="post"))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = seaside()
    tmp = tmp_path_factory.mktemp("seaside")
    with serve_sites([site]) as base_urls:
        serve_badly_encoded(site, base_urls[site.name])
        sources = write_sources(tmp / "sources.toml", base_urls, [site])
        db_path = tmp / "clinicwatch.db"
        clinicwatch("crawl", "--sources", sources, "--db", db_path, "--allow-private-hosts", *FAST)
        first = {row["url"]: dict(row) for row in open_db(db_path).query("SELECT * FROM posts")}
        yield SimpleNamespace(site=site, base=base_urls[site.name], sources=sources, db_path=db_path, first=first)


def posts_by_slug(db) -> dict[str, dict]:
    return {row["url"].rstrip("/").rsplit("/", 1)[-1]: dict(row) for row in db.query("SELECT * FROM posts")}


def test_the_first_crawl_removes_the_template_from_every_post(crawled):
    first = list(crawled.first.values())
    assert len(first) == len(TOPICS)
    for post in first:
        assert not any(paragraph in post["text"] for paragraph in TEMPLATE), post["url"]
        assert "Paragraph 3 about" in post["text"]
    db = open_db(crawled.db_path)
    assert {row["text"] for row in db.query("SELECT text FROM site_boilerplate")} == set(TEMPLATE)
    # the texts with the template were never final: one version per post
    assert db.execute("SELECT COUNT(*) FROM post_versions").fetchone()[0] == len(TOPICS)


def test_the_crawl_decodes_pages_the_way_their_bytes_say(crawled):
    for post in crawled.first.values():
        assert post["text"].startswith(non_ascii(post["title"].removeprefix("About "))), post["url"]


def test_a_later_crawl_removes_the_template_while_crawling(crawled, tmp_path):
    site = crawled.site
    db_path = tmp_path / "clinicwatch.db"
    shutil.copy(crawled.db_path, db_path)
    site.add_post(seaside_post(9, "ketamine and grief"))
    edited = TOPICS[0].replace(" ", "-")
    site.update_post(edited, body=site.posts[edited].body.replace("Paragraph 2 about", "Paragraph two about"))
    try:
        clinicwatch("crawl", "--sources", crawled.sources, "--db", db_path, "--allow-private-hosts", *FAST)
    finally:
        site.remove_post("ketamine-and-grief")
    db = open_db(db_path)
    posts = posts_by_slug(db)
    assert not any(paragraph in post["text"] for post in posts.values() for paragraph in TEMPLATE)
    counts = dict(db.execute("SELECT p.url, COUNT(v.id) FROM posts p JOIN post_versions v ON v.post_id = p.id "
                             "GROUP BY p.id").fetchall())
    by_slug = {url.rstrip("/").rsplit("/", 1)[-1]: count for url, count in counts.items()}
    assert by_slug.pop("ketamine-and-grief") == 1
    assert by_slug.pop(edited) == 2
    assert set(by_slug.values()) == {1}
    assert "Paragraph two about" in posts[edited]["text"]


def test_reextract_command(crawled, tmp_path):
    db_path = tmp_path / "clinicwatch.db"
    shutil.copy(crawled.db_path, db_path)
    unchanged = clinicwatch("reextract", "--db", db_path)
    assert f"posts re-extracted: {len(TOPICS)}; text changed: 0;" in unchanged.stdout

    db = open_db(db_path)
    target = posts_by_slug(db)[TOPICS[1].replace(" ", "-")]
    stale = target["text"] + "\n\nShare this post on Facebook"
    store.rewrite_post(db, target["id"], derive_post_fields(target["title"], stale).columns(stale))
    changed = clinicwatch("reextract", "--db", db_path, "--site", crawled.site.name)
    assert f"posts re-extracted: {len(TOPICS)}; text changed: 1;" in changed.stdout
    assert db["posts"].get(target["id"])["text"] == target["text"]
    # the original text, the stale one, and the original again: going back to a text is a change too
    versions = db.execute("SELECT content_hash FROM post_versions WHERE post_id = ? ORDER BY seen_at, id",
                          [target["id"]]).fetchall()
    assert len(versions) == 3 and versions[0] == versions[2] != versions[1]
    stored = db.execute("SELECT html_gz FROM post_html WHERE post_id = ?", [target["id"]]).fetchone()[0]
    assert non_ascii(TOPICS[1]) in gzip.decompress(stored).decode("utf-8")

    unknown = clinicwatch("reextract", "--db", db_path, "--site", "No Such Clinic", check=False)
    assert unknown.returncode == 2 and "No Such Clinic" in unknown.stderr
