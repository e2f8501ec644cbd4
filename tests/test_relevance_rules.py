"""Stored posts follow the relevance rules: each post records the rules that scored it
(posts.relevance_rules), and the end of a crawl scores again the posts other rules scored
(pipeline.post_fields.rescore_relevance). Texts written for these tests."""

import json

from db.schema import MIGRATIONS, V11_RELEVANCE_RULES, migrate, open_db
from db.store import PostRecord, save_post, upsert_site
from pipeline.items import PostPage
from pipeline.pipelines import end_of_crawl, post_record
from pipeline.post_fields import derive_post_fields, rescore_relevance
from pipeline.relevance import RULES_VERSION, assess_relevance

CLAIM = "Ketamine therapy at our clinic. Ketamine helps the brain regrow synaptic connections that stress wore away."
LOGISTICS = "Ketamine infusions take forty minutes. Arrive early and bring a driver."


def stored(db, site, slug, text, **relevance):
    record = PostRecord(site_id=site, url=f"https://c.example/blog/{slug}/", text=text, content_hash=slug,
                        title="Ketamine", **relevance)
    return save_post(db, record)[0]


def row(db, post_id):
    return db.execute("SELECT is_relevant, relevance_score, relevance_concepts, relevance_rules FROM posts WHERE id = ?",
                      [post_id]).fetchone()


def test_posts_scored_by_other_rules_are_scored_again_and_only_they(tmp_path):
    db = open_db(tmp_path / "c.db")
    site = upsert_site(db, "C", "https://c.example/blog/")
    # Scored by an older rule that missed the claim; and one of this rule set with a score it did not give.
    old = stored(db, site, "old", CLAIM, is_relevant=False, relevance_score=0.2, relevance_rules="relevance-0")
    unknown = stored(db, site, "unknown", LOGISTICS, is_relevant=True, relevance_score=0.9)
    current = stored(db, site, "current", CLAIM, is_relevant=False, relevance_score=0.1, relevance_rules=RULES_VERSION)
    assert row(db, unknown)[3] is None
    assert rescore_relevance(db, batch_size=1) == 2
    expected = assess_relevance("Ketamine", CLAIM)
    assert row(db, old) == (1, expected.score, json.dumps(list(expected.concepts)), RULES_VERSION)
    assert row(db, unknown)[:2] == (0, assess_relevance("Ketamine", LOGISTICS).score)
    assert row(db, current) == (0, 0.1, "[]", RULES_VERSION)
    assert rescore_relevance(db) == 0
    # The text and its versions are not touched.
    assert db.execute("SELECT COUNT(*) FROM post_versions").fetchone()[0] == 3


def test_the_end_of_a_crawl_scores_stale_posts(tmp_path):
    db = open_db(tmp_path / "c.db")
    site = upsert_site(db, "C", "https://c.example/blog/")
    old = stored(db, site, "old", CLAIM, relevance_rules="relevance-0")
    end_of_crawl(lambda write, *args: write(db, *args), db, [site], None)
    assert row(db, old)[0] == 1 and row(db, old)[3] == RULES_VERSION


def test_what_the_crawl_and_reextraction_store_names_the_current_rules():
    assert derive_post_fields("Ketamine", CLAIM).columns(CLAIM)["relevance_rules"] == RULES_VERSION
    item = PostPage(site="C", url="https://c.example/blog/a/", body=b"<p>x</p>", title="Ketamine", text=CLAIM,
                    canonical_url="https://c.example/blog/a/")
    assert post_record(item, 1).relevance_rules is None  # not scored: no rules to name
    item.relevance_score = derive_post_fields(item.title, item.text).relevance_score
    assert post_record(item, 1).relevance_rules == RULES_VERSION


def test_posts_stored_before_the_column_are_scored_at_the_next_crawl(tmp_path):
    before = MIGRATIONS.index(V11_RELEVANCE_RULES)
    db = open_db(tmp_path / "old.db", migrate_schema=False)
    for version, script in enumerate(MIGRATIONS[:before], start=1):
        db.conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
    site = upsert_site(db, "C", "https://c.example/blog/")
    old = stored(db, site, "old", CLAIM, is_relevant=False, relevance_score=0.2)
    assert migrate(db) == len(MIGRATIONS)
    assert row(db, old)[3] is None
    assert rescore_relevance(db) == 1 and row(db, old)[0] == 1
